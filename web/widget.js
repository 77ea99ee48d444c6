// Rapport web chat widget. Mount: <section id="rapport-chat" data-widget-key="...">.
// Talks socket.io to the Rasa server's webchat channel (channels/webchat.py).
(function () {
  "use strict";
  var root = document.getElementById("rapport-chat");
  if (!root) return;
  var widgetKey = root.getAttribute("data-widget-key");
  var tokenKey = "rapport-token-" + widgetKey;
  var log = document.createElement("div");
  log.className = "rapport-log";
  log.setAttribute("aria-live", "polite");
  var form = document.createElement("form");
  form.className = "rapport-form";
  var input = document.createElement("input");
  input.name = "message";
  input.autocomplete = "off";
  input.maxLength = 2000;
  input.placeholder = "…";
  var button = document.createElement("button");
  button.type = "submit";
  button.textContent = "➤";
  form.appendChild(input);
  form.appendChild(button);
  root.appendChild(log);
  root.appendChild(form);

  function add(kind, text) {
    var div = document.createElement("div");
    div.className = "rapport-msg rapport-" + kind;
    div.textContent = text; // never innerHTML: texts are untrusted
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
  }

  // long-polling only: the server's websocket transport does not work (channels/webchat.py)
  var socket = io({ path: "/socket.io", transports: ["polling"], auth: { widget_key: widgetKey } });
  var ready = false;
  socket.on("connect", function () {
    socket.emit("session_request", { token: window.localStorage.getItem(tokenKey) });
  });
  socket.on("session_confirm", function (data) {
    window.localStorage.setItem(tokenKey, data.token);
    if (!ready && !data.resumed) send("/start", true);
    ready = true;
  });
  socket.on("bot_uttered", function (data) { add("bot", data.text); });
  socket.on("rapport_error", function (data) { add("error", "⚠ " + data.error); });
  socket.on("connect_error", function () { add("error", "⚠ connection refused"); });

  function send(text, silent) {
    if (!silent) add("guest", text);
    socket.emit("user_uttered", { message: text, locale: navigator.language });
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text, false);
  });
})();
