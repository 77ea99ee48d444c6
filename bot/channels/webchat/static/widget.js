// Rapport web chat widget. Demo page mount: <section id="rapport-chat" data-widget-key="...">;
// hotel sites use embed.js (one script tag), which calls RapportWidget.mount().
// Talks socket.io to the Rasa server's webchat channel (bot/channels/webchat/channel.py).
// The visible history lives in sessionStorage (per widget key, last 50 messages): the
// server keeps no copy, so a reload re-renders it from the browser.
// An invitation's link page (/webhooks/webchat/i/<token>) adds data-invite="<token>": the
// session is then the invited guest's (the server checks the token on every connect) and
// no session token is kept in localStorage.
(function () {
  "use strict";
  var STRINGS = {
    en: { title: "Your feedback", placeholder: "Type your message…", send: "Send", typing: "typing…",
          lost: "Connection lost — reconnecting…", rateLimited: "Too many messages — please wait a moment.",
          refused: "Chat unavailable", open: "Open chat", close: "Close chat",
          inviteRefused: "This feedback link no longer works." },
    de: { title: "Ihr Feedback", placeholder: "Nachricht eingeben…", send: "Senden", typing: "schreibt…",
          lost: "Verbindung unterbrochen – neuer Versuch…", rateLimited: "Zu viele Nachrichten – bitte einen Moment warten.",
          refused: "Chat nicht verfügbar", open: "Chat öffnen", close: "Chat schließen",
          inviteRefused: "Dieser Feedback-Link funktioniert nicht mehr." },
    fr: { title: "Votre avis", placeholder: "Écrivez votre message…", send: "Envoyer", typing: "écrit…",
          lost: "Connexion perdue — reconnexion…", rateLimited: "Trop de messages — veuillez patienter un instant.",
          refused: "Chat indisponible", open: "Ouvrir le chat", close: "Fermer le chat",
          inviteRefused: "Ce lien d'avis ne fonctionne plus." },
    es: { title: "Su opinión", placeholder: "Escriba su mensaje…", send: "Enviar", typing: "escribiendo…",
          lost: "Conexión perdida — reconectando…", rateLimited: "Demasiados mensajes — espere un momento.",
          refused: "Chat no disponible", open: "Abrir chat", close: "Cerrar chat",
          inviteRefused: "Este enlace para opinar ya no funciona." },
    it: { title: "La sua opinione", placeholder: "Scriva il suo messaggio…", send: "Invia", typing: "sta scrivendo…",
          lost: "Connessione persa — riconnessione…", rateLimited: "Troppi messaggi — attenda un momento.",
          refused: "Chat non disponibile", open: "Apri chat", close: "Chiudi chat",
          inviteRefused: "Questo link per il feedback non funziona più." }
  };
  var HISTORY_MAX = 50;

  function browserLanguage() {
    var tag = (navigator.language || "").slice(0, 2).toLowerCase();
    return STRINGS[tag] ? tag : null;
  }

  function storage(kind) {
    try { return window[kind]; } catch (e) { return null; } // blocked storage (privacy settings)
  }

  function el(tag, className) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    return node;
  }

  function mount(root, opts) {
    var widgetKey = opts.widgetKey;
    var invite = opts.invite || null; // an invitation link's token: the invited guest's chat
    var tokenKey = "rapport-token-" + widgetKey;
    var historyKey = invite ? "rapport-history-i-" + invite.slice(-22) : "rapport-history-" + widgetKey;
    var local = storage("localStorage");
    var session = storage("sessionStorage");
    var lang = browserLanguage() || "en";
    var langFromBrowser = browserLanguage() !== null;

    root.classList.add("rapport-chat");
    var title = el("h2", "rapport-title");
    var log = el("div", "rapport-log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "polite");
    var typing = el("div", "rapport-typing");
    typing.setAttribute("role", "status");
    typing.hidden = true;
    var status = el("div", "rapport-status");
    status.setAttribute("role", "alert");
    status.hidden = true;
    var form = el("form", "rapport-form");
    var input = el("input");
    input.name = "message";
    input.type = "text";
    input.autocomplete = "off";
    input.maxLength = 2000;
    var button = el("button");
    button.type = "submit";
    var icon = el("span");
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = "➤";
    button.appendChild(icon);
    form.appendChild(input);
    form.appendChild(button);
    root.appendChild(title);
    root.appendChild(log);
    root.appendChild(typing);
    root.appendChild(status);
    root.appendChild(form);

    var statusKey = null;
    function texts() {
      var t = STRINGS[lang];
      root.setAttribute("lang", lang);
      title.textContent = t.title;
      input.placeholder = t.placeholder;
      input.setAttribute("aria-label", t.placeholder);
      button.setAttribute("aria-label", t.send);
      button.title = t.send;
      typing.textContent = t.typing;
      if (statusKey) status.textContent = t[statusKey];
      if (opts.onLanguage) opts.onLanguage(t);
    }
    texts();

    function showStatus(key) {
      statusKey = key;
      status.hidden = !key;
      status.textContent = key ? STRINGS[lang][key] : "";
    }

    function loadHistory() {
      try { return JSON.parse((session && session.getItem(historyKey)) || "[]") || []; } catch (e) { return []; }
    }
    var history = loadHistory();
    function remember(kind, text) {
      history.push({ k: kind, t: text });
      if (history.length > HISTORY_MAX) history = history.slice(-HISTORY_MAX);
      try { if (session) session.setItem(historyKey, JSON.stringify(history)); } catch (e) { /* full */ }
    }
    function forget() {
      history = [];
      if (session) session.removeItem(historyKey);
      log.textContent = "";
    }

    function add(kind, text, keep) {
      var div = el("div", "rapport-msg rapport-" + kind);
      div.textContent = text; // never innerHTML: texts are untrusted
      log.appendChild(div);
      log.scrollTop = log.scrollHeight;
      if (keep) remember(kind, text);
    }
    history.forEach(function (m) {
      if ((m.k === "bot" || m.k === "guest" || m.k === "staff") && typeof m.t === "string") add(m.k, m.t, false);
    });
    // staff messages already shown (ids), so a redelivery after a reconnect is not doubled
    var seenKey = invite ? "rapport-staff-seen-i-" + invite.slice(-22) : "rapport-staff-seen-" + widgetKey;
    var seen = (function () {
      try { return JSON.parse((session && session.getItem(seenKey)) || "[]") || []; } catch (e) { return []; }
    })();

    var typingTimer = null;
    function setTyping(on) {
      typing.hidden = !on;
      if (typingTimer) window.clearTimeout(typingTimer);
      typingTimer = on ? window.setTimeout(function () { typing.hidden = true; }, 30000) : null;
    }

    var socket = null;
    var ready = false;
    function send(text, silent) {
      if (!silent) add("guest", text, true);
      setTyping(true);
      socket.emit("user_uttered", { message: text, locale: navigator.language });
    }

    function connect() {
      if (socket) return;
      // long-polling first (works through any proxy), upgraded to a websocket when possible
      var options = { path: "/socket.io", transports: ["polling", "websocket"], auth: { widget_key: widgetKey } };
      var client = opts.io || window.io; // embed.js passes its private copy (window.RapportIo)
      socket = opts.origin ? client(opts.origin, options) : client(options);
      socket.on("connect", function () {
        showStatus(null);
        socket.emit("session_request", invite ? { invite: invite } : { token: local && local.getItem(tokenKey) });
      });
      socket.on("session_confirm", function (data) {
        if (local && !invite) local.setItem(tokenKey, data.token);
        if (!langFromBrowser && STRINGS[data.language]) {
          lang = data.language;
          texts();
        }
        if (invite) {
          // the invitation asked the first question: "/start" shows it here (once per tab)
          if (!ready && !history.length) send("/start", true);
        } else if (!data.resumed) {
          if (history.length) forget(); // a new session (expired token): the old history is gone
          if (!ready) send("/start", true);
        }
        ready = true;
      });
      socket.on("bot_uttered", function (data) {
        setTyping(false);
        add("bot", data.text, true);
      });
      // a member of staff has taken over: their replies, acknowledged once shown
      socket.on("staff_uttered", function (data) {
        if (!data || typeof data.text !== "string" || typeof data.id !== "string") return;
        setTyping(false);
        if (seen.indexOf(data.id) < 0) {
          add("staff", data.text, true);
          seen.push(data.id);
          if (seen.length > 200) seen = seen.slice(-200);
          try { if (session) session.setItem(seenKey, JSON.stringify(seen)); } catch (e) { /* full */ }
        }
        socket.emit("staff_received", { id: data.id });
      });
      socket.on("rapport_error", function (data) {
        setTyping(false);
        if (data && data.error === "rate_limited") add("error", STRINGS[lang].rateLimited, false);
        else if (data && data.error === "invite_refused") add("error", STRINGS[lang].inviteRefused, false);
        else add("error", "⚠ " + (data && data.error), false);
      });
      socket.on("connect_error", function () { setTyping(false); showStatus("refused"); });
      socket.on("disconnect", function () { setTyping(false); showStatus("lost"); });
    }

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var text = input.value.trim();
      if (!text || !socket) return;
      input.value = "";
      send(text, false);
    });

    return { connect: connect, input: input, strings: function () { return STRINGS[lang]; } };
  }

  window.RapportWidget = { mount: mount, strings: STRINGS };

  var root = document.getElementById("rapport-chat");
  if (root && root.getAttribute("data-widget-key") && !window.RapportEmbedded) {
    mount(root, {
      widgetKey: root.getAttribute("data-widget-key"),
      invite: root.getAttribute("data-invite")
    }).connect();
  }
})();
