// Ties the recording to its transcript: tapping a sentence plays the recording
// from there, and the sentence being heard is marked while it plays.
(function () {
  "use strict";
  var player = document.getElementById("player");
  var lines = document.querySelectorAll(".transcript li[data-start]");
  if (!player || !lines.length) return;

  lines.forEach(function (li) {
    li.querySelector("a").addEventListener("click", function (e) {
      e.preventDefault();
      player.currentTime = parseFloat(li.dataset.start);
      player.play().catch(function () { /* the browser may refuse to play before a tap; seeking still happened */ });
    });
  });

  // Opened at a sentence (a search hit links to #t-N): the recording waits at its start and plays
  // from there where the browser allows it; tapping the sentence plays it in any case.
  function playFromHash() {
    var li = location.hash && document.getElementById(location.hash.slice(1));
    if (!li || !li.matches(".transcript li[data-start]")) return;
    var seek = function () {
      player.currentTime = parseFloat(li.dataset.start);
      player.play().catch(function () { /* no autoplay without a tap: it waits at the sentence */ });
    };
    if (player.readyState >= 1) seek(); else player.addEventListener("loadedmetadata", seek, { once: true });
    li.scrollIntoView({ block: "center" });
  }
  playFromHash();
  window.addEventListener("hashchange", playFromHash);

  player.addEventListener("timeupdate", function () {
    var t = player.currentTime;
    lines.forEach(function (li) {
      var on = t >= parseFloat(li.dataset.start) && t < parseFloat(li.dataset.end);
      li.classList.toggle("playing", on);
      if (on) li.setAttribute("aria-current", "true"); else li.removeAttribute("aria-current");
    });
  });
})();
