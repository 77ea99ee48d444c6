// Shared by the console's page scripts, loaded before them (bot/console/pages.py _page):
// the CSRF token, one JSON API call, and building DOM nodes whose texts go in as text.
"use strict";

const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

class LoginRequired extends Error {}

// A JSON body (`json`) or raw bytes (`bytes`, e.g. an uploaded file); a 401 goes back to
// the login page. Resolves to {status, ok, data}.
async function request(method, url, { json, bytes } = {}) {
  const init = {
    method,
    credentials: "same-origin",
    referrerPolicy: "same-origin",
    headers: { Accept: "application/json" },
  };
  if (method !== "GET") {
    init.headers["X-CSRF-Token"] = csrf();
    if (bytes !== undefined) {
      init.headers["Content-Type"] = "application/octet-stream";
      init.body = bytes;
    } else {
      init.headers["Content-Type"] = "application/json";
      if (json !== undefined) init.body = JSON.stringify(json);
    }
  }
  const r = await fetch(url, init);
  if (r.status === 401) {
    window.location.assign("/login");
    throw new LoginRequired();
  }
  const data = await r.json().catch(() => ({}));
  return { status: r.status, ok: r.ok, data };
}

// el("li", {className: "x", text: "guest text"}, child, ...): text goes in as text.
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === "text") node.textContent = String(value);
    else if (key === "className") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}
