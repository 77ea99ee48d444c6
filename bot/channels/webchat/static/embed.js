// Rapport chat for a hotel's own site — one script tag:
//   <script src="https://<rapport>/webhooks/webchat/static/embed.js" data-widget-key="wk_..." async></script>
// Adds a floating chat button and panel; loads the style, the socket.io client and the
// widget from the same origin as this script. The page's origin must be allowed for this
// widget key on the server (the tenant's widget_origins in config/tenants.yml). The chat
// connects when the guest first opens it.
// The page's own globals are left alone: the socket.io client is loaded as
// socket.io.embed.js, which sets window.RapportIo only (not window.io, nor an AMD or
// CommonJS module), so a page with its own socket.io or RequireJS keeps them.
(function () {
  "use strict";
  var script = document.currentScript ||
    document.querySelector('script[data-widget-key][src*="/webhooks/webchat/static/embed.js"]');
  if (!script || document.getElementById("rapport-embed")) return;
  var widgetKey = script.getAttribute("data-widget-key");
  if (!widgetKey) return;
  var origin = new URL(script.src, window.location.href).origin;
  var base = origin + "/webhooks/webchat/static/";
  var openKey = "rapport-open-" + widgetKey;

  function load(src, done) {
    var s = document.createElement("script");
    s.src = base + src;
    s.async = false;
    s.onload = done;
    document.head.appendChild(s);
  }

  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = base + "widget.css";
  document.head.appendChild(css);

  var container = document.createElement("div");
  container.id = "rapport-embed";
  container.className = "rapport-embed";
  var panel = document.createElement("section");
  panel.id = "rapport-embed-panel";
  panel.className = "rapport-panel";
  panel.hidden = true;
  var launcher = document.createElement("button");
  launcher.type = "button";
  launcher.className = "rapport-launcher";
  launcher.setAttribute("aria-controls", panel.id);
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-label", "Chat");
  launcher.innerHTML = '<span aria-hidden="true">💬</span>';
  container.appendChild(panel);
  container.appendChild(launcher);

  var widget = null;
  var strings = null;
  function labels() {
    if (strings) launcher.setAttribute("aria-label", panel.hidden ? strings.open : strings.close);
  }
  function setOpen(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", open ? "true" : "false");
    labels();
    try { window.sessionStorage.setItem(openKey, open ? "1" : ""); } catch (e) { /* blocked */ }
    if (open && widget) {
      widget.connect();
      widget.input.focus();
    }
  }
  launcher.addEventListener("click", function () { setOpen(panel.hidden); });
  panel.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { setOpen(false); launcher.focus(); }
  });

  function start() {
    document.body.appendChild(container);
    window.RapportEmbedded = true; // widget.js: do not auto-mount a #rapport-chat of the page
    load("socket.io.embed.js", function () {
      load("widget.js", function () {
        widget = window.RapportWidget.mount(panel, {
          widgetKey: widgetKey,
          origin: origin,
          io: window.RapportIo,
          onLanguage: function (t) { strings = t; labels(); }
        });
        var wasOpen = false;
        try { wasOpen = window.sessionStorage.getItem(openKey) === "1"; } catch (e) { /* blocked */ }
        if (wasOpen || !panel.hidden) setOpen(true);
      });
    });
  }
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
