// The weekly digest switch in an admin's header (pages.py _digest_switch): reads
// GET /api/me/digest, toggles with POST {subscribed}. Uses dom.js's request.
"use strict";

(() => {
  const button = document.getElementById("digest-switch");
  const error = document.getElementById("digest-error");
  const main = document.getElementById("console");
  if (!button || !main) return;
  const url = `/t/${encodeURIComponent(main.dataset.tenant)}/api/me/digest`;

  const show = (on) => {
    const state = on ? "on" : "off";
    button.setAttribute("aria-checked", on ? "true" : "false");
    button.dataset.state = state;
    button.querySelector(".switch-state").textContent = state;
  };
  const fail = (text) => {
    error.textContent = text;
    error.hidden = !text;
  };
  const apply = (r) => {
    if (r.ok && typeof r.data.subscribed === "boolean") {
      show(r.data.subscribed);
      fail(r.data.subscribed && !r.data.has_email ? "Your account has no e-mail address: nothing can be sent." : "");
    } else {
      fail(`The digest setting could not be read or changed (${r.data.error || r.status}).`);
    }
  };

  const load = async () => {
    try {
      apply(await request("GET", url));
    } catch (e) {
      if (!(e instanceof LoginRequired)) fail("The console cannot be reached.");
    }
    button.disabled = false;
  };

  button.addEventListener("click", async () => {
    const want = button.getAttribute("aria-checked") !== "true";
    button.disabled = true;
    try {
      apply(await request("POST", url, { json: { subscribed: want } }));
    } catch (e) {
      if (!(e instanceof LoginRequired)) fail("The console cannot be reached; your digest setting is unchanged.");
    }
    button.disabled = false;
  });

  load(); // deferred: the page is parsed
})();
