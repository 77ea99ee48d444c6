// The console shell: logout, and the live connection. The websocket carries ids only;
// on every (re)connection the server sends {"type": "ready"} and the page re-fetches
// what it shows from the JSON API, so nothing missed while offline is lost.
"use strict";
const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

function post(url, body) {
  return fetch(url, {
    method: "POST",
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf(), Accept: "application/json" },
    credentials: "same-origin",
    referrerPolicy: "same-origin",
  });
}

function setupLogout() {
  const form = document.getElementById("logout");
  if (!form) return;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    await post("/logout").catch(() => null);
    window.location.assign("/login");
  });
}

function connectLive(tenant) {
  const status = document.getElementById("live-status");
  const log = document.getElementById("event-log");
  let delay = 500;
  const show = (state, text) => { status.dataset.state = state; status.textContent = text; };
  const open = () => {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${scheme}//${window.location.host}/t/${encodeURIComponent(tenant)}/live`);
    ws.addEventListener("message", (e) => {
      let msg;
      try { msg = JSON.parse(e.data); } catch (_) { return; }
      if (msg.type === "ready") {
        delay = 500;
        show("live", "live");
        document.dispatchEvent(new CustomEvent("rapport:resync"));
        return;
      }
      const li = document.createElement("li");
      li.textContent = JSON.stringify(msg);  // text, never HTML
      log.prepend(li);
      while (log.children.length > 50) log.lastChild.remove();
      document.dispatchEvent(new CustomEvent("rapport:live", { detail: msg }));
    });
    ws.addEventListener("close", (e) => {
      if (e.code === 4401) { window.location.assign("/login"); return; }
      show("offline", "reconnecting…");
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 15000);
    });
  };
  open();
}

// The inbox (waiting conversations), re-read from the API on every (re)connection and
// live event. Everything is inserted as text.
async function refreshInbox(tenant) {
  const section = document.getElementById("inbox");
  let data;
  try {
    const r = await fetch(`/t/${encodeURIComponent(tenant)}/api/conversations?view=waiting`, {
      credentials: "same-origin", headers: { Accept: "application/json" },
    });
    if (r.status === 401) { window.location.assign("/login"); return; }
    data = await r.json();
  } catch (_) { return; }
  const list = document.createElement("ul");
  list.id = "inbox-list";
  for (const c of data.conversations || []) {
    const li = document.createElement("li");
    li.dataset.conversation = c.id;
    li.textContent = `${c.channel || "?"} · ${c.language || "?"} · ${c.reason || ""} · since ${c.escalated_at || ""}`;
    list.append(li);
  }
  const old = document.getElementById("inbox-list") || section.querySelector(".empty");
  if (old) old.replaceWith(list); else section.append(list);
}

document.addEventListener("DOMContentLoaded", () => {
  setupLogout();
  const main = document.getElementById("console");
  if (!main || !main.dataset.tenant) return;
  const tenant = main.dataset.tenant;
  document.addEventListener("rapport:resync", () => refreshInbox(tenant));
  document.addEventListener("rapport:live", () => refreshInbox(tenant));
  connectLive(tenant);
});
