// Recording a spoken statement in the page (MediaRecorder): big plain buttons, a running clock,
// a listen-back before sending. The recording goes through the upload queue (upload.js), so it is
// fingerprinted on the phone, kept if the connection drops and sent when it returns, then
// transcribed and time-stamped like any recording. Android Chrome records Opus in WebM, iOS
// Safari AAC in MP4; the server takes both. Without MediaRecorder the section stays hidden.
(function () {
  "use strict";
  var box = document.getElementById("recorder");
  if (!box || !window.MediaRecorder || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.HGUploads) return;
  var start = document.getElementById("record-start");
  var stop = document.getElementById("record-stop");
  var send = document.getElementById("record-send");
  var again = document.getElementById("record-again");
  var clock = document.getElementById("record-time");
  var playback = document.getElementById("record-playback");
  var note = document.getElementById("record-note");
  var TYPES = ["audio/webm;codecs=opus", "audio/mp4", "audio/webm", "audio/ogg;codecs=opus"];
  var recorder = null;
  var chunks = [];
  var began = 0;
  var ticking = null;
  var blob = null;

  function supported() {
    if (!MediaRecorder.isTypeSupported) return "";
    return TYPES.filter(function (t) { return MediaRecorder.isTypeSupported(t); })[0] || "";
  }

  function show(el, on) { el.hidden = !on; }

  function tick() {
    var s = Math.floor((Date.now() - began) / 1000);
    clock.textContent = Math.floor(s / 60) + ":" + HGQueue.pad(s % 60);
  }

  function stamp(d) {
    var p = HGQueue.pad;
    return "" + d.getFullYear() + p(d.getMonth() + 1) + p(d.getDate()) + "_" + p(d.getHours()) + p(d.getMinutes()) + p(d.getSeconds());
  }

  function ended() {
    clearInterval(ticking);
    recorder.stream.getTracks().forEach(function (t) { t.stop(); });
    var type = (recorder.mimeType || chunks[0] && chunks[0].type || "audio/webm").split(";")[0];
    var ext = type.indexOf("mp4") >= 0 ? "m4a" : type.indexOf("ogg") >= 0 ? "ogg" : "webm";
    // A File carries the name and the moment it was made (its lastModified, device-reported).
    blob = new File(chunks, box.dataset.prefix + "_" + stamp(new Date(began)) + "." + ext, { type: type, lastModified: Date.now() });
    playback.src = URL.createObjectURL(blob);
    show(playback, true);
    show(stop, false);
    show(send, true);
    show(again, true);
    box.dataset.state = "recorded";
  }

  start.addEventListener("click", function () {
    note.textContent = "";
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      var type = supported();
      recorder = type ? new MediaRecorder(stream, { mimeType: type }) : new MediaRecorder(stream);
      chunks = [];
      recorder.ondataavailable = function (e) { if (e.data && e.data.size) chunks.push(e.data); };
      recorder.onstop = ended;
      // Pieces every second: a phone that locks mid-recording keeps what was said so far.
      recorder.start(1000);
      began = Date.now();
      ticking = setInterval(tick, 500);
      tick();
      show(start, false);
      show(stop, true);
      show(send, false);
      show(again, false);
      show(playback, false);
      box.dataset.state = "recording";
      stop.focus();
    }, function () { note.textContent = box.dataset.msgNoMicrophone; });
  });

  stop.addEventListener("click", function () { if (recorder && recorder.state !== "inactive") recorder.stop(); });

  again.addEventListener("click", function () {
    blob = null;
    show(playback, false);
    show(send, false);
    show(again, false);
    show(start, true);
    clock.textContent = "0:00";
    box.dataset.state = "";
  });

  send.addEventListener("click", function () {
    if (!blob) return;
    var extra = { kind: "spoken_statement" };
    var name = document.getElementById("id_name");
    if (name && name.value) extra.name = name.value;
    HGUploads.enqueue([{ blob: blob, name: blob.name }], extra);
    blob = null;
    show(send, false);
    show(again, false);
    show(start, true);
    note.textContent = box.dataset.msgQueued;
    box.dataset.state = "queued";
  });

  box.hidden = false;
})();
