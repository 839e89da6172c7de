/* An evidence page opened at "#t=START,END" (seconds, as a time-coded excerpt links it) plays
   its recording from START and pauses at END: the media-fragment syntax, applied to the page's
   <audio> or <video>. Without script the page opens at its top and the times are in the link. */
(function () {
  "use strict";

  function range() {
    var match = /^#t=(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?$/.exec(window.location.hash);
    if (!match) return null;
    var start = parseFloat(match[1]);
    var end = match[2] === undefined ? null : parseFloat(match[2]);
    if (end !== null && end <= start) return null;
    return { start: start, end: end };
  }

  function cue() {
    var media = document.querySelector(".evidence-preview audio, .evidence-preview video");
    var wanted = range();
    if (!media || !wanted) return;
    var seek = function () {
      media.currentTime = wanted.start;
      media.dataset.fragmentStart = String(wanted.start);
    };
    if (media.readyState >= 1) seek();
    else media.addEventListener("loadedmetadata", seek, { once: true });
    if (wanted.end !== null) {
      var stop = function () {
        if (media.currentTime >= wanted.end) {
          media.pause();
          media.removeEventListener("timeupdate", stop);
        }
      };
      media.addEventListener("timeupdate", stop);
    }
    media.scrollIntoView({ block: "center" });
  }

  document.addEventListener("DOMContentLoaded", cue);
  window.addEventListener("hashchange", cue);
})();
