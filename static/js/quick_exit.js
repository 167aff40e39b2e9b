/* Quick exit (accounts/privacy.py): the #quick-exit button or the Esc key blanks the page at once,
   clears the drafts it holds, asks the server to shut the session (the PIN, or signing out), then
   replaces this page with a neutral one: location.replace, so this page leaves the tab's history.
   Without JavaScript the button is still a plain link to the neutral page. */
(function () {
  "use strict";
  var link = document.getElementById("quick-exit");
  if (!link) return;
  var DRAFT_KEY = /^hg-draft/;  // localStorage keys of drafts; upload queues and resume keys are kept
  var leaving = false;

  function clearDrafts() {
    try { sessionStorage.clear(); } catch (e) { /* storage switched off */ }
    try {
      for (var i = localStorage.length - 1; i >= 0; i--) {
        var key = localStorage.key(i);
        if (key && DRAFT_KEY.test(key)) localStorage.removeItem(key);
      }
    } catch (e) { /* storage switched off */ }
    var fields = document.querySelectorAll("input, textarea, select");
    for (var j = 0; j < fields.length; j++) {
      var f = fields[j];
      if (f.type === "hidden" || f.type === "submit" || f.type === "button") continue;
      if (f.type === "checkbox" || f.type === "radio") f.checked = false;
      else if (f.tagName === "SELECT") f.selectedIndex = -1;
      else f.value = "";
    }
  }

  function leave(event) {
    if (event) event.preventDefault();
    if (leaving) return;
    leaving = true;
    var target = link.href, lock = link.getAttribute("data-lock");
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    clearDrafts();
    document.title = "";
    document.documentElement.style.visibility = "hidden";
    var go = function () { window.location.replace(target); };
    if (!lock || !token || !window.fetch) { go(); return; }
    var body = new FormData();
    body.append("csrfmiddlewaretoken", token.value);
    // Wait for the server to shut the session (so "back" finds it shut), but never long.
    var timer = setTimeout(go, 1200);
    fetch(lock, { method: "POST", body: body, credentials: "same-origin", keepalive: true })
      .then(function () { clearTimeout(timer); go(); }, function () { clearTimeout(timer); go(); });
  }

  link.addEventListener("click", leave);
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" || e.key === "Esc") leave(e);
  });
  // A page brought back from the browser's back-forward cache asks the server again,
  // which knows whether the session was shut by a quick exit.
  window.addEventListener("pageshow", function (e) {
    if (e.persisted) {
      document.documentElement.style.visibility = "hidden";
      window.location.reload();
    }
  });
})();
