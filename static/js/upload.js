// Sends each chosen file on its own, in pieces that resume after a dropped
// connection (tus-js-client, static/js/vendor/), so every file gets its own progress
// bar and its own retry and a weak phone connection loses at most one piece. Where the browser can, the
// file's SHA-256 is computed here first: the server refuses the file unless the
// bytes it received hash to the same value. Without this script the form still posts.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  var list = document.getElementById("upload-list");
  if (!form || !list || !window.FormData || !window.fetch || !Blob.prototype.slice || !window.tus || !tus.isSupported) return;
  var msg = list.dataset;
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var RETRY_DELAYS = [1000, 2000, 4000, 8000, 15000, 30000];
  // Web Crypto hashes a whole file at once: beyond this size it would use too much of a phone's memory.
  var HASH_LIMIT = 256 * 1024 * 1024;
  // The URLs in the form's data attributes carry this id where each call puts its own.
  var ZERO = "00000000-0000-0000-0000-000000000000";
  function url(name, id) { return form.dataset[name].replace(ZERO, id); }

  function details() {
    var data = {};
    form.querySelectorAll("select, textarea, input:not([type=file])").forEach(function (el) {
      if (el.name && el.name !== "csrfmiddlewaretoken" && el.value) data[el.name] = el.value;
    });
    return data;
  }

  function row(file) {
    var li = document.createElement("li");
    var name = document.createElement("span");
    name.className = "name";
    name.textContent = file.name;
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", file.name);
    var status = document.createElement("span");
    status.className = "status";
    var hash = document.createElement("small");
    hash.className = "hash";
    li.append(name, bar, status, hash);
    list.append(li);
    return { li: li, bar: bar, status: status, hash: hash };
  }

  function say(ui, state, text) {
    ui.li.className = state;
    ui.status.textContent = text;
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function fingerprint(file) {
    if (!window.crypto || !crypto.subtle || file.size > HASH_LIMIT) return Promise.resolve("");
    return file.arrayBuffer()
      .then(function (buf) { return crypto.subtle.digest("SHA-256", buf); })
      .then(hex, function () { return ""; });
  }

  function api(method, url, body) {
    var headers = { "X-CSRFToken": csrf, Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(url, { method: method, headers: headers, credentials: "same-origin",
                        body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (b) { b.httpStatus = r.status; return b; });
      });
  }

  // The upload a page reload or a new try can go on with: same name, size and date.
  function resumeKey(file) { return "hg-upload:" + form.dataset.api + ":" + [file.name, file.size, file.lastModified].join(":"); }

  function open(file, sha256) {
    var saved = localStorage.getItem(resumeKey(file));
    var fresh = function () {
      var body = details();
      body.filename = file.name;
      body.size = file.size;
      body.sha256 = sha256;
      return api("POST", form.dataset.api, body);
    };
    if (!saved) return fresh();
    return api("GET", url("status", saved)).then(function (b) {
      return b.httpStatus === 200 && !b.complete ? b : fresh();
    });
  }

  // Sends the pieces with tus-js-client, which resumes from the server's offset (HEAD) after a
  // dropped connection or a refused piece and waits a little longer before each new try; resolves
  // with where the upload stands at the end (with its evidence item), as the JSON API says it.
  function sendAll(upload, file, ui) {
    return new Promise(function (resolve, reject) {
      var sending = new tus.Upload(file, {
        uploadUrl: upload.url,
        uploadSize: file.size,
        chunkSize: upload.chunk_bytes,
        retryDelays: RETRY_DELAYS,
        headers: { "X-CSRFToken": csrf, Accept: "application/json" },
        storeFingerprintForResuming: false,
        onProgress: function (sent, total) { ui.bar.value = Math.floor((sent / total) * 100); },
        onShouldRetry: function (err, attempt) {
          var status = err.originalResponse ? err.originalResponse.getStatus() : 0;
          if (!status || status >= 500 || status === 409) say(ui, "waiting", msg.msgWaiting);
          return !status || status >= 500 || status === 409 || status === 423;
        },
        onChunkComplete: function () { say(ui, "sending", msg.msgSending); },
        onSuccess: function () {
          api("GET", url("status", upload.id)).then(function (b) {
            if (b.httpStatus === 200 && b.complete) resolve(b); else reject(b);
          }, function () { reject({ error: msg.msgNetwork, resumable: true }); });
        },
        onError: function (err) {
          var body = {};
          try { body = JSON.parse(err.originalResponse.getBody()); } catch (e) { body = {}; }
          reject(body.error ? body : { error: msg.msgNetwork, resumable: true });
        },
      });
      sending.start();
    });
  }

  function start(file, ui) {
    say(ui, "sending", window.crypto && crypto.subtle ? msg.msgHashing : msg.msgSending);
    fingerprint(file).then(function (sha256) {
      if (sha256) ui.hash.textContent = msg.msgLocalHash + " " + sha256;
      return open(file, sha256).then(function (upload) {
        if (upload.httpStatus !== 200 && upload.httpStatus !== 201) throw upload;
        localStorage.setItem(resumeKey(file), upload.id);
        say(ui, "sending", msg.msgSending);
        return upload.complete ? upload : sendAll(upload, file, ui);
      }).then(function (done) {
        localStorage.removeItem(resumeKey(file));
        received(ui, done.evidence, sha256);
      });
    }).catch(function (problem) { failed(file, ui, problem); });
  }

  function received(ui, item, localHash) {
    ui.bar.value = 100;
    var text = (item.duplicate ? msg.msgDuplicate : msg.msgDone) + " · SHA-256 " + item.sha256;
    if (localHash) text += " · " + (localHash === item.sha256 ? msg.msgHashMatch : msg.msgFailed);
    say(ui, item.duplicate ? "duplicate" : "done", text);
    var link = document.createElement("a");
    link.href = url("item", item.id);
    link.textContent = msg.msgOpen;
    var stage = document.createElement("span");
    stage.className = "stage";
    ui.li.append(stage, link);
    follow(item, stage);
  }

  // Shows the item moving through processing: received → time-stamped → read or transcribed → ready.
  function follow(item, stage) {
    var path = [msg.msgStatusReceived];
    item.jobs.forEach(function (j) { if (j.status === "done") path.push(j.label); });
    if (item.status === "ready") path.push(msg.msgStatusReady);
    var failedJob = item.jobs.filter(function (j) { return j.status === "failed"; })[0];
    if (failedJob) path.push(msg.msgFailed + ": " + failedJob.label + " · " + failedJob.error);
    stage.textContent = path.join(" → ");
    stage.dataset.status = item.status;
    if (item.status === "ready" || item.status === "failed") return;
    setTimeout(function () {
      api("GET", url("evidence", item.id))
        .then(function (b) { follow(b.httpStatus === 200 ? b : item, stage); },
              function () { follow(item, stage); });
    }, 2500);
  }

  function failed(file, ui, problem) {
    say(ui, "failed", msg.msgFailed + ": " + ((problem && problem.error) || msg.msgNetwork) + " ");
    if (problem && problem.code === "hash_mismatch") localStorage.removeItem(resumeKey(file));
    var retry = document.createElement("button");
    retry.type = "button";
    retry.textContent = msg.msgRetry;
    retry.addEventListener("click", function () { retry.remove(); start(file, ui); });
    ui.status.append(retry);
  }

  // Until here the form would post the files in one request, as without JavaScript.
  form.dataset.ready = "pieces";
  form.addEventListener("submit", function (e) {
    var input = form.querySelector("input[type=file]");
    if (!input.files.length) return;
    e.preventDefault();
    Array.prototype.forEach.call(input.files, function (file) { start(file, row(file)); });
    input.value = "";
    // On a phone the list sits below the form: bring it into view.
    list.scrollIntoView({ behavior: "smooth", block: "start" });
  });
})();
