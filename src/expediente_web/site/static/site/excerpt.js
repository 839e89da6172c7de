/* Marking an excerpt: the span selected in a narrative becomes the start and end offsets of a
   form (in code points, as the server counts them), with the text seen there so that the
   server can check it. The excerpt numbers shown inside highlighted excerpts are not part of
   the narrative and are not counted. */
(function () {
  "use strict";

  function codePoints(text) {
    var n = 0;
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c < 0xdc00 || c > 0xdfff) n++; // the second half of a pair is not a character
    }
    return n;
  }

  function narrativeText(range) {
    var fragment = range.cloneContents();
    var marks = fragment.querySelectorAll("a");
    for (var i = 0; i < marks.length; i++) marks[i].remove();
    return fragment.textContent;
  }

  function offsetAt(root, node, offset) {
    var range = document.createRange();
    range.setStart(root, 0);
    range.setEnd(node, offset);
    return codePoints(narrativeText(range));
  }

  function setUp(form) {
    var root = document.querySelector(".narrative");
    if (!root) return;
    var start = form.querySelector("[data-excerpt-start]");
    var end = form.querySelector("[data-excerpt-end]");
    var quote = form.querySelector("[data-excerpt-quote]");
    var preview = form.querySelector("[data-excerpt-preview]");
    var submit = form.querySelector("[data-excerpt-submit]");
    var hint = form.querySelector("[data-excerpt-hint]");

    function clear() {
      start.value = end.value = quote.value = "";
      preview.hidden = true;
      preview.textContent = "";
      submit.disabled = true;
      if (hint) hint.hidden = false;
    }

    function update() {
      var selection = window.getSelection();
      if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return;
      var range = selection.getRangeAt(0);
      if (!root.contains(range.startContainer) || !root.contains(range.endContainer)) return;
      var text = narrativeText(range);
      // Blanks at either end of a selection are not part of what the witness said.
      var lead = text.length - text.replace(/^\s+/, "").length;
      var trimmed = text.trim();
      if (!trimmed) {
        clear();
        return;
      }
      var from = offsetAt(root, range.startContainer, range.startOffset) +
        codePoints(text.slice(0, lead));
      start.value = String(from);
      end.value = String(from + codePoints(trimmed));
      quote.value = trimmed;
      preview.textContent = trimmed;
      preview.hidden = false;
      submit.disabled = false;
      if (hint) hint.hidden = true;
    }

    document.addEventListener("selectionchange", update);
    root.addEventListener("mouseup", update);
    root.addEventListener("keyup", update);
    if (!quote.value) clear();
    else {
      preview.textContent = quote.value;
      preview.hidden = false;
      submit.disabled = false;
    }
  }

  function ready() {
    var forms = document.querySelectorAll("[data-excerpt-form]");
    for (var i = 0; i < forms.length; i++) setUp(forms[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
