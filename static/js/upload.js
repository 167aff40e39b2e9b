// Sends each chosen file to the API on its own request, so every file gets its
// own progress bar and its own retry; without this script the form still posts.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  var list = document.getElementById("upload-list");
  if (!form || !list || !window.FormData) return;
  var msg = list.dataset;

  function fieldsFor(file) {
    var data = new FormData();
    data.append("file", file, file.name);
    form.querySelectorAll("select, textarea, input:not([type=file])").forEach(function (el) {
      if (el.name && el.name !== "csrfmiddlewaretoken") data.append(el.name, el.value);
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
    li.append(name, bar, status);
    list.append(li);
    return { li: li, bar: bar, status: status };
  }

  function send(file, ui) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.dataset.api);
    xhr.setRequestHeader("X-CSRFToken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) ui.bar.value = Math.round((e.loaded / e.total) * 100);
    };
    xhr.onload = function () {
      var body = {};
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = {}; }
      if (xhr.status === 200 || xhr.status === 201) {
        ui.bar.value = 100;
        ui.status.textContent = (body.duplicate ? msg.msgDuplicate : msg.msgDone) + " · SHA-256 " + body.sha256;
        ui.li.className = body.duplicate ? "duplicate" : "done";
      } else {
        failed(file, ui, body.error || msg.msgFailed);
      }
    };
    xhr.onerror = function () { failed(file, ui, msg.msgNetwork); };
    ui.li.className = "sending";
    ui.status.textContent = "";
    xhr.send(fieldsFor(file));
  }

  function failed(file, ui, text) {
    ui.li.className = "failed";
    ui.status.textContent = msg.msgFailed + ": " + text + " ";
    var retry = document.createElement("button");
    retry.type = "button";
    retry.textContent = msg.msgRetry;
    retry.addEventListener("click", function () { retry.remove(); send(file, ui); });
    ui.status.append(retry);
  }

  form.addEventListener("submit", function (e) {
    var input = form.querySelector("input[type=file]");
    if (!input.files.length) return;
    e.preventDefault();
    Array.prototype.forEach.call(input.files, function (file) { send(file, row(file)); });
    input.value = "";
  });
})();
