// The upload page's queue (static/js/queue-core.js keeps it in IndexedDB). Each chosen file is
// fingerprinted (SHA-256) here, put in the queue and sent in pieces that resume after a dropped
// connection; a file chosen offline, or left when the page was closed, is sent when the connection
// returns (Background Sync, the `online` event, or the next visit). Each file has its own row:
// waiting, sending, sent, confirmed (the server's hash is the phone's), or refused/failed with the
// reason, a retry and a remove button. Without this script the form still posts the files.
// The statement-link page uses the same queue for a relative's recording (static/js/record.js).
(function () {
  "use strict";
  var form = document.getElementById("upload-form") || document.getElementById("record-form");
  var list = document.getElementById("upload-list");
  if (!form || !list || !window.indexedDB || !window.fetch || !Blob.prototype.slice || !window.HGQueue) return;
  var msg = list.dataset;
  var tokenInput = document.querySelector("[name=csrfmiddlewaretoken]");
  var csrf = tokenInput ? tokenInput.value : "";
  var scope = form.dataset.api;
  // Web Crypto hashes a whole file at once: beyond this size it would use too much of a phone's memory.
  var HASH_LIMIT = 256 * 1024 * 1024;
  // The URLs in the form's data attributes carry this id where each call puts its own.
  var ZERO = "00000000-0000-0000-0000-000000000000";
  var rows = {};

  function url(name, id) { return form.dataset[name] ? form.dataset[name].replace(ZERO, id) : ""; }

  function details() {
    var data = {};
    if (form.id !== "upload-form") return data;
    form.querySelectorAll("select, textarea, input:not([type=file])").forEach(function (el) {
      if (el.name && el.name !== "csrfmiddlewaretoken" && el.value) data[el.name] = el.value;
    });
    return data;
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function fingerprint(blob) {
    if (!window.crypto || !crypto.subtle || blob.size > HASH_LIMIT) return Promise.resolve("");
    return blob.arrayBuffer()
      .then(function (buf) { return crypto.subtle.digest("SHA-256", buf); })
      .then(hex, function () { return ""; });
  }

  function button(text, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "link";
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }

  function row(entry) {
    if (rows[entry.id]) return rows[entry.id];
    var li = document.createElement("li");
    li.dataset.entry = entry.id;
    var name = document.createElement("span");
    name.className = "name";
    name.textContent = entry.name;
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", entry.name);
    var status = document.createElement("span");
    status.className = "status";
    var hash = document.createElement("small");
    hash.className = "hash";
    var actions = document.createElement("span");
    actions.className = "actions";
    li.append(name, bar, status, hash, actions);
    list.append(li);
    rows[entry.id] = { li: li, bar: bar, status: status, hash: hash, actions: actions, followed: false };
    return rows[entry.id];
  }

  var STATE_TEXT = {
    hashing: "msgHashing",
    waiting: "msgQueued",
    sending: "msgSending",
    sent: "msgDone",
    confirmed: "msgDone",
    failed: "msgFailed",
    refused: "msgRefused",
  };

  function show(entry) {
    if (entry.removed) {
      if (rows[entry.id]) rows[entry.id].li.remove();
      delete rows[entry.id];
      return;
    }
    if (entry.scope !== scope) return;
    var ui = row(entry);
    var item = entry.item;
    ui.li.dataset.state = entry.state;
    ui.li.className = entry.state === "confirmed" || entry.state === "sent" ? (item && item.duplicate ? "duplicate" : "done") : entry.state;
    ui.bar.value = entry.size ? Math.floor((entry.offset / entry.size) * 100) : 0;
    if (entry.sha256) ui.hash.textContent = msg.msgLocalHash + " " + entry.sha256;
    var text = msg[STATE_TEXT[entry.state]] || "";
    if (entry.state === "waiting" && !HGQueue.online()) text = msg.msgOffline;
    if ((entry.state === "sent" || entry.state === "confirmed") && item) {
      text = (item.duplicate ? msg.msgDuplicate : msg.msgDone) + " · SHA-256 " + item.sha256;
      if (entry.sha256) text += " · " + (entry.state === "confirmed" ? msg.msgHashMatch : msg.msgHashDiffers);
    }
    if ((entry.state === "failed" || entry.state === "refused") && entry.error) text += ": " + entry.error;
    ui.status.textContent = text + " ";
    actionsFor(entry, ui);
    if (item && !ui.followed && url("evidence", item.id)) follow(entry, ui);
    if (item && form.id === "record-form") linkClosed();
  }

  // A relative's recording that arrived closed the link: the written form can no longer be sent.
  function linkClosed() {
    ["statement-form", "recorder"].forEach(function (id) {
      var el = document.getElementById(id);
      if (el) el.hidden = true;
    });
    var done = document.getElementById("link-done");
    if (done) done.hidden = false;
  }

  function actionsFor(entry, ui) {
    ui.actions.textContent = "";
    if (entry.state === "failed" || entry.state === "refused") {
      if (entry.state === "failed" || entry.code === "hash_mismatch") {
        ui.actions.append(button(msg.msgRetry, function () { entry.csrf = csrf || entry.csrf; HGQueue.send(entry); }));
      }
      ui.actions.append(button(msg.msgRemove, function () { HGQueue.remove(entry.id); }));
    } else if (entry.state === "confirmed") {
      ui.actions.append(button(msg.msgClear, function () { HGQueue.remove(entry.id); }));
    }
  }

  // Shows the item moving through processing: received → time-stamped → read or transcribed → ready.
  function follow(entry, ui) {
    ui.followed = true;
    var link = document.createElement("a");
    var stage = document.createElement("span");
    stage.className = "stage";
    if (url("item", entry.item.id)) {
      link.href = url("item", entry.item.id);
      link.textContent = msg.msgOpen;
      ui.li.append(stage, link);
    } else {
      ui.li.append(stage);
    }
    track(entry.item, stage);
  }

  function track(item, stage) {
    var path = [msg.msgStatusReceived];
    (item.jobs || []).forEach(function (j) { if (j.status === "done") path.push(j.label); });
    if (item.status === "ready") path.push(msg.msgStatusReady);
    var failedJob = (item.jobs || []).filter(function (j) { return j.status === "failed"; })[0];
    if (failedJob) path.push(msg.msgFailed + ": " + failedJob.label + " · " + failedJob.error);
    stage.textContent = path.join(" → ");
    stage.dataset.status = item.status;
    if (item.status === "ready" || item.status === "failed") return;
    setTimeout(function () {
      fetch(url("evidence", item.id), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : item; }, function () { return item; })
        .then(function (b) { track(b, stage); });
    }, 2500);
  }

  function sendAll() {
    return HGQueue.flush(csrf);
  }

  // The phone's fingerprint, then the entry may go.
  function hashed(entry) {
    return fingerprint(entry.blob).then(function (sha256) {
      entry.sha256 = sha256;
      entry.state = "waiting";
      return HGQueue.put(entry);
    });
  }

  // Puts files (or a recording) in the queue, all listed at once, then fingerprints them and sends
  // the queue if the phone is online (else asks for Background Sync).
  function enqueue(files, extra) {
    var fields = details();
    Object.keys(extra || {}).forEach(function (k) { fields[k] = extra[k]; });
    return files.reduce(function (chain, f) {
      return chain.then(function (added) {
        return HGQueue.add({ scope: scope, blob: f.blob, name: f.name, details: fields, csrf: csrf })
          .then(function (entry) { return added.concat([entry]); });
      });
    }, Promise.resolve([])).then(function (added) {
      return added.reduce(function (chain, entry) { return chain.then(function () { return hashed(entry); }); }, Promise.resolve());
    }).then(function () {
      if (!HGQueue.online()) return HGQueue.askForSync();
      return HGQueue.askForSync().then(sendAll);
    });
  }

  HGQueue.onChange(show);
  window.HGUploads = { enqueue: enqueue, scope: scope };
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("message", function (e) {
      if (e.data && e.data.type === "hg-queue-flush") sendAll();
    });
  }
  window.addEventListener("online", sendAll);
  window.addEventListener("offline", function () {
    HGQueue.all().then(function (entries) { entries.forEach(show); });
  });

  // What the queue kept from an earlier visit is listed, and sent if it is still waiting.
  HGQueue.prune().then(HGQueue.all).then(function (entries) {
    var mine = entries.filter(function (e) { return e.scope === scope; }).sort(function (a, b) { return a.created - b.created; });
    mine.forEach(show);
    return mine.filter(function (e) { return e.state === "hashing" && e.blob; })
      .reduce(function (chain, e) { return chain.then(function () { return hashed(e); }); }, Promise.resolve());
  }).then(sendAll);

  if (form.id !== "upload-form") return;
  // Until here the form would post the files in one request, as without JavaScript.
  form.dataset.ready = "pieces";
  form.addEventListener("submit", function (e) {
    var input = form.querySelector("input[type=file]");
    if (!input.files.length) return;
    e.preventDefault();
    var files = Array.prototype.map.call(input.files, function (file) { return { blob: file, name: file.name }; });
    input.value = "";
    enqueue(files);
    // On a phone the list sits below the form: bring it into view.
    list.scrollIntoView({ behavior: "smooth", block: "start" });
  });
})();
