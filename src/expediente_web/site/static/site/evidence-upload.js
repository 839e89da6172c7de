// Says at once that a chosen file is over the size limit, before it is sent (the server
// refuses it as well). The limit is the file input's data-max-bytes.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var input = document.querySelector("input[type=file][data-max-bytes]");
    var note = document.getElementById("upload-too-large");
    if (!input || !note) return;
    var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      var tooLarge = Boolean(file && limit && file.size > limit);
      note.textContent = tooLarge ? note.getAttribute("data-message") : "";
      note.hidden = !tooLarge;
      input.setCustomValidity(tooLarge ? note.getAttribute("data-message") : "");
    });
  });
})();
