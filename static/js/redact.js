// Redaction page: drag boxes over a screenshot (finger or mouse), or select words of a text, to hide them.
(function () {
  "use strict";
  var form = document.getElementById("redaction-form");
  var area = document.getElementById("redact-image");
  if (area) {
    var start = null, box = null;
    var scale = function () {
      var rect = area.getBoundingClientRect();
      return { rect: rect, sx: Number(area.dataset.width) / rect.width, sy: Number(area.dataset.height) / rect.height };
    };
    area.addEventListener("pointerdown", function (e) {
      e.preventDefault();
      area.setPointerCapture(e.pointerId);
      var s = scale();
      start = { x: e.clientX - s.rect.left, y: e.clientY - s.rect.top };
      box = document.createElement("div");
      box.className = "redact-box new";
      area.appendChild(box);
    });
    area.addEventListener("pointermove", function (e) {
      if (!start) return;
      var r = area.getBoundingClientRect();
      var x = Math.min(Math.max(e.clientX - r.left, 0), r.width), y = Math.min(Math.max(e.clientY - r.top, 0), r.height);
      box.style.left = Math.min(x, start.x) + "px";
      box.style.top = Math.min(y, start.y) + "px";
      box.style.width = Math.abs(x - start.x) + "px";
      box.style.height = Math.abs(y - start.y) + "px";
    });
    area.addEventListener("pointerup", function () {
      if (!start) return;
      var s = scale();
      var x0 = parseFloat(box.style.left) || 0, y0 = parseFloat(box.style.top) || 0;
      var w = parseFloat(box.style.width) || 0, h = parseFloat(box.style.height) || 0;
      start = null;
      if (w < 4 || h < 4) { box.remove(); return; }
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "box";
      input.value = [x0 * s.sx, y0 * s.sy, (x0 + w) * s.sx, (y0 + h) * s.sy].map(Math.round).join(",");
      document.getElementById("new-boxes").appendChild(input);
    });
  }
  var button = document.getElementById("hide-selection");
  if (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var sel = window.getSelection();
      if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return;
      var range = sel.getRangeAt(0);
      var words = range.startContainer.parentElement && range.startContainer.parentElement.closest(".words");
      if (!words || !words.contains(range.endContainer)) return;
      var before = document.createRange();
      before.selectNodeContents(words);
      before.setEnd(range.startContainer, range.startOffset);
      var from = before.toString().length, to = from + range.toString().length;
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "span";
      input.value = words.parentElement.dataset.segment + ":" + from + ":" + to;
      document.getElementById("new-spans").appendChild(input);
      form.submit();
    });
  }
})();
