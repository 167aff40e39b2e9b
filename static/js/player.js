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

  player.addEventListener("timeupdate", function () {
    var t = player.currentTime;
    lines.forEach(function (li) {
      var on = t >= parseFloat(li.dataset.start) && t < parseFloat(li.dataset.end);
      li.classList.toggle("playing", on);
      if (on) li.setAttribute("aria-current", "true"); else li.removeAttribute("aria-current");
    });
  });
})();
