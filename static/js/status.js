// Refreshes the processing status on the item page until the item is ready or failed.
(function () {
  "use strict";
  function poll() {
    var box = document.getElementById("item-status");
    if (!box || box.dataset.final) return;
    fetch(box.dataset.url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, "text/html").getElementById("item-status");
        if (next) box.replaceWith(next);
        setTimeout(poll, 3000);
      })
      .catch(function () { setTimeout(poll, 10000); });
  }
  setTimeout(poll, 2000);
})();
