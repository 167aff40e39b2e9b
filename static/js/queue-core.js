// The upload queue, kept in IndexedDB so that it survives a lost connection, a closed page and a
// dead battery. Each entry holds the file itself (a File or Blob), the details typed with it, the
// SHA-256 the phone computed and the phone's own facts about it, and where it stands:
//   waiting → sending → sent (the server has it) → confirmed (the server's hash is the phone's)
//   refused (the server said no: the case is gone, the link closed, the bytes changed) and
//   failed (it will be tried again) keep the file until the person removes it.
// Nothing here touches the page: upload.js shows the queue, the service worker (templates/pwa/sw.js)
// sends it on Background Sync. Files go with the tus core the server speaks (evidence/intake/api.py):
// announce (POST), ask where it stands (HEAD), send pieces (PATCH with Upload-Offset).
(function (root) {
  "use strict";
  var DB = "harassguard-uploads";
  var STORE = "queue";
  var SYNC_TAG = "hg-uploads";
  var RETRY_DELAYS = [1000, 2000, 4000, 8000, 15000, 30000];
  // Confirmed entries stay listed (without their bytes) this long, so the person sees they arrived.
  var KEEP_CONFIRMED_MS = 7 * 24 * 3600 * 1000;
  var listeners = [];

  function request(r) {
    return new Promise(function (resolve, reject) {
      r.onsuccess = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
    });
  }

  var opened = null;
  function db() {
    if (!opened) {
      var r = indexedDB.open(DB, 1);
      r.onupgradeneeded = function () { r.result.createObjectStore(STORE, { keyPath: "id" }); };
      opened = request(r);
    }
    return opened;
  }

  function store(mode) {
    return db().then(function (d) { return d.transaction(STORE, mode).objectStore(STORE); });
  }

  function all() { return store("readonly").then(function (s) { return request(s.getAll()); }); }
  function get(id) { return store("readonly").then(function (s) { return request(s.get(id)); }); }
  function remove(id) {
    return store("readwrite").then(function (s) { return request(s.delete(id)); }).then(function () { tell({ id: id, removed: true }); });
  }
  function put(entry) {
    entry.updated = Date.now();
    return store("readwrite").then(function (s) { return request(s.put(entry)); }).then(function () { tell(entry); return entry; });
  }

  function tell(entry) { listeners.forEach(function (fn) { try { fn(entry); } catch (e) { /* a listener's bug stops nothing */ } }); }

  function newId() {
    var bytes = new Uint8Array(16);
    (root.crypto || self.crypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // The phone's own facts when the file is picked: kept as device-reported on the item.
  function deviceFacts(file) {
    var now = new Date();
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
    return {
      file_last_modified: file.lastModified ? new Date(file.lastModified).toISOString() : null,
      device_clock_picked: now.toISOString(),
      device_utc_offset_minutes: -now.getTimezoneOffset(),
      device_time_zone: zone,
    };
  }

  // entry: {scope (the URL that announces a file), blob, name, details, sha256, csrf, label}
  function add(fields) {
    var entry = {
      id: newId(),
      scope: fields.scope,
      blob: fields.blob,
      name: fields.name || fields.blob.name || "recording",
      size: fields.blob.size,
      details: fields.details || {},
      device: deviceFacts(fields.blob),
      sha256: fields.sha256 || "",
      csrf: fields.csrf || "",
      // "hashing" until the page has fingerprinted it: nothing is sent without the phone's hash.
      state: fields.sha256 ? "waiting" : "hashing",
      offset: 0,
      created: Date.now(),
    };
    return put(entry);
  }

  function Refused(body) { this.body = body; }
  function Retry(body) { this.body = body; }

  function api(method, url, entry, body, extra) {
    var headers = { Accept: "application/json", "Tus-Resumable": "1.0.0" };
    if (entry.csrf) headers["X-CSRFToken"] = entry.csrf;
    Object.keys(extra || {}).forEach(function (k) { headers[k] = extra[k]; });
    if (body !== undefined && !(body instanceof Blob)) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(body);
    }
    return fetch(url, { method: method, headers: headers, credentials: "same-origin", body: body, cache: "no-store" })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (b) {
          b.httpStatus = r.status;
          // A case or link gone, a refused file: trying again changes nothing (signing in again does, for 401/403).
          if (r.status >= 400 && r.status < 500 && [401, 403, 408, 409, 423, 429].indexOf(r.status) < 0) throw new Refused(b);
          if (r.status >= 400) throw new Retry(b);
          return b;
        });
      }, function () { throw new Retry({}); });
  }

  function announce(entry) {
    var body = {};
    Object.keys(entry.details).forEach(function (k) { if (entry.details[k]) body[k] = entry.details[k]; });
    body.filename = entry.name;
    body.size = entry.size;
    body.sha256 = entry.sha256;
    Object.keys(entry.device).forEach(function (k) { if (entry.device[k] !== null && entry.device[k] !== "") body[k] = entry.device[k]; });
    body.device_clock_sent = new Date().toISOString();
    return api("POST", entry.scope, entry, body).then(function (upload) {
      entry.upload = upload.url;
      entry.chunk = upload.chunk_bytes;
      entry.offset = upload.offset;
      return put(entry).then(function () { return upload; });
    });
  }

  function where(entry) {
    return api("GET", entry.upload, entry).catch(function (problem) {
      // The server forgot an unfinished upload (UPLOAD_RESUME_HOURS): announce the file again.
      if (problem instanceof Refused && problem.body.httpStatus === 404) {
        entry.upload = "";
        return announce(entry);
      }
      throw problem;
    });
  }

  function wait(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  // Sends the pieces from where the server stands; a lost piece is asked about (HEAD/GET) and sent again.
  function pieces(entry, upload, attempt) {
    if (upload.complete) return Promise.resolve(upload);
    var end = Math.min(upload.offset + (entry.chunk || 1048576), entry.size);
    return api("PATCH", entry.upload, entry, entry.blob.slice(upload.offset, end), {
      "Upload-Offset": String(upload.offset),
      "Content-Type": "application/offset+octet-stream",
    }).then(function (next) {
      entry.offset = next.offset;
      return put(entry).then(function () { return pieces(entry, next, 0); });
    }, function (problem) {
      if (problem instanceof Refused || attempt >= RETRY_DELAYS.length) throw problem;
      return wait(RETRY_DELAYS[attempt]).then(function () { return where(entry); })
        .then(function (now) { return pieces(entry, now, attempt + 1); });
    });
  }

  function finished(entry, upload) {
    entry.item = upload.evidence;
    entry.serverSha256 = upload.evidence ? upload.evidence.sha256 : "";
    entry.offset = entry.size;
    if (entry.sha256 && entry.serverSha256 === entry.sha256) {
      entry.state = "confirmed";
      entry.blob = null; // the server holds the same bytes: the phone's copy is no longer needed here
    } else {
      entry.state = "sent";
    }
    return put(entry);
  }

  function sendNow(entry) {
    entry.state = "sending";
    entry.error = "";
    return put(entry)
      .then(function () { return entry.upload ? where(entry) : announce(entry); })
      .then(function (upload) { return pieces(entry, upload, 0); })
      .then(function (upload) { return finished(entry, upload); })
      .catch(function (problem) {
        var body = (problem && problem.body) || {};
        entry.state = problem instanceof Refused ? "refused" : "failed";
        entry.error = body.error || "";
        entry.code = body.code || "";
        // A file the server refused after receiving it (hash_mismatch) starts again from its first byte if retried.
        if (problem instanceof Refused) entry.upload = "";
        return put(entry);
      });
  }

  // Only one page or worker sends an entry at a time (Web Locks where the browser has them).
  function send(entry) {
    if (!entry.blob || entry.state === "confirmed" || entry.state === "refused") return Promise.resolve(entry);
    var locks = (root.navigator || {}).locks;
    if (!locks) return sendNow(entry);
    return locks.request("hg-upload-" + entry.id, { ifAvailable: true }, function (lock) {
      if (!lock) return entry;
      return get(entry.id).then(function (fresh) { return fresh && fresh.blob ? sendNow(fresh) : fresh; });
    });
  }

  function online() { return !root.navigator || root.navigator.onLine !== false; }

  // Sends every entry that is waiting or failed, one after the other (a phone's connection is narrow).
  function flush(csrf) {
    if (!online()) return Promise.resolve();
    return all().then(function (entries) {
      var due = entries.filter(function (e) { return e.blob && (e.state === "waiting" || e.state === "failed" || e.state === "sending"); });
      return due.reduce(function (chain, e) {
        return chain.then(function () {
          if (csrf) e.csrf = csrf;
          return send(e);
        });
      }, Promise.resolve());
    });
  }

  function prune() {
    return all().then(function (entries) {
      return Promise.all(entries.filter(function (e) {
        return e.state === "confirmed" && Date.now() - e.updated > KEEP_CONFIRMED_MS;
      }).map(function (e) { return remove(e.id); }));
    });
  }

  // Background Sync where the browser has it (Chrome on Android); elsewhere the next visit or `online` event.
  function askForSync() {
    if (!root.navigator || !navigator.serviceWorker) return Promise.resolve(false);
    return navigator.serviceWorker.ready.then(function (reg) {
      return reg.sync ? reg.sync.register(SYNC_TAG).then(function () { return true; }) : false;
    }).catch(function () { return false; });
  }

  root.HGQueue = {
    SYNC_TAG: SYNC_TAG,
    add: add,
    all: all,
    get: get,
    put: put,
    remove: remove,
    send: send,
    flush: flush,
    prune: prune,
    askForSync: askForSync,
    online: online,
    onChange: function (fn) { listeners.push(fn); },
    pad: pad,
  };
})(typeof window !== "undefined" ? window : self);
