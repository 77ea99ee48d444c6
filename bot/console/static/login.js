// Submits the login form with fetch so the request carries the page's real Origin
// (the page's Referrer-Policy is no-referrer, under which a plain form POST sends
// "Origin: null", which the server refuses).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("login");
  const error = document.getElementById("login-error");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.hidden = true;
    let r;
    try {
      r = await fetch("/login", {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        referrerPolicy: "same-origin",
      });
    } catch (_) {
      error.textContent = "The console cannot be reached.";
      error.hidden = false;
      return;
    }
    const data = await r.json().catch(() => ({}));
    if (r.ok && data.next) {
      window.location.assign(data.next);
      return;
    }
    if (data.login_csrf) form.elements.csrf.value = data.login_csrf;
    form.elements.password.value = "";
    error.textContent = data.message || "Login failed.";
    error.hidden = false;
  });
});
