// The Journeys view (#/journeys): the hotel's outreach policy, a form to edit it
// (admins), a preview of every invitation in every language of the hotel, "Send a test
// to me" (admins), and the send log (counts only).
//
// Loaded after shell.js, whose helpers it uses (api, post, el, coalesced, language,
// LoginRequired); shell.js's Console makes one Journeys and routes #/journeys to it.
// The server validates the policy and names every refused field
// ({"fields": {"journeys.1.when": "..."}}); each message is shown beside its field.
// Texts from the server go in as text, never as HTML.
"use strict";

const CHANNEL_NAMES = { whatsapp: "WhatsApp", sms: "SMS", email: "E-mail" };
const STATUS_NAMES = {
  planned: "planned", claimed: "sending", sent: "sent", failed: "failed",
  suppressed: "suppressed", cancelled: "cancelled", unknown: "unknown",
};
const WHEN_KINDS = [
  ["before_arrival", "days before arrival, at"],
  ["after_arrival", "days after arrival, at"],
  ["after_checkout", "hours after check-out"],
];

let fieldSeq = 0;
function fid(name) { fieldSeq += 1; return `o-${name}-${fieldSeq}`; }

// a <label for> and its <input>, kept on one line: returns [span with both, input]
function labelled(text, props) {
  const input = el("input", { id: fid(props.name || "f"), ...props });
  const label = el("label", { for: input.id, text });
  const pair = props.type === "checkbox" ? el("span", { className: "pair" }, input, label)
    : el("span", { className: "pair" }, label, input);
  return [pair, input];
}

function numberOrNull(input) {
  const v = input.value.trim();
  return v === "" ? null : Number(v);
}

class Journeys {
  constructor(app) {
    this.app = app;
    this.state = null; // the last GET /api/outreach answer
    this.refresh = coalesced(() => this.load());
    this.refreshLog = coalesced(() => this.loadLog());
    // the view's content is made the first time it is shown (its form fields would
    // otherwise sit hidden beside the Reports view's "From" and "To")
    this.section = el("section", { id: "journeys", "aria-labelledby": "journeys-title" });
    this.section.hidden = true;
    this.built = false;
    app.main.append(this.section);
    this.addNav();
  }

  $(id) { return document.getElementById(id); }

  get admin() { return this.app.main.dataset.role === "admin"; }

  build() {
    const from = el("input", { type: "date", id: "log-from", name: "from", min: "2000-01-01", max: "2100-12-31" });
    const to = el("input", { type: "date", id: "log-to", name: "to", min: "2000-01-01", max: "2100-12-31" });
    const period = el("form", { id: "log-period", className: "period" },
      el("label", { for: "log-from", text: "From" }), from,
      el("label", { for: "log-to", text: "To" }), to,
      el("button", { type: "submit", id: "log-show", text: "Show log" }));
    period.addEventListener("submit", (e) => { e.preventDefault(); this.refreshLog(); });
    const form = el("form", { id: "outreach-form", novalidate: "" });
    form.addEventListener("submit", (e) => { e.preventDefault(); this.save(); });
    this.section.append(
      el("h1", { id: "journeys-title", tabindex: "-1", text: "Journeys" }),
      el("p", { id: "outreach-source", className: "hint" }),
      el("p", { id: "outreach-error", className: "error", role: "alert", hidden: "" }),
      el("p", { id: "outreach-status", className: "hint", role: "status" }),
      form,
      el("h2", { id: "preview-title", text: "What guests receive" }),
      el("p", { className: "hint", id: "preview-help",
        text: "Each journey's invitation in every language of the hotel, with a sample first name and a sample link." }),
      el("p", { id: "preview-error", className: "error", role: "alert", hidden: "" }),
      el("div", { id: "preview", "aria-busy": "true" }),
      el("h2", { id: "log-title", text: "Send log" }),
      period,
      el("p", { className: "hint", text: "Whole days in UTC, 92 at most; empty: the last 90 days. Counts only: no guest is named." }),
      el("p", { id: "log-error", className: "error", role: "alert", hidden: "" }),
      el("div", { id: "send-log", "aria-busy": "true" }));
    this.built = true;
  }

  addNav() {
    const link = el("a", { href: "#/journeys", id: "nav-journeys", text: "Journeys" });
    const reports = this.$("nav-reports");
    if (reports) reports.after(" ", link);
  }

  show(on) {
    this.section.hidden = !on;
    const nav = this.$("nav-journeys");
    if (nav) {
      if (on) nav.setAttribute("aria-current", "page");
      else nav.removeAttribute("aria-current");
    }
    if (!on) return;
    if (!this.built) this.build();
    this.refresh();
    this.refreshLog();
    this.$("journeys-title").focus();
  }

  fail(id, text) {
    const node = this.$(id);
    node.textContent = text;
    node.hidden = false;
  }

  async load() {
    let r;
    try {
      r = await api("GET", `${this.app.base}/api/outreach`);
    } catch (e) {
      if (e instanceof LoginRequired) throw e;
      this.fail("outreach-error", "The journeys cannot be loaded; try again.");
      return;
    }
    if (!r.ok) { this.fail("outreach-error", `The journeys cannot be loaded (${r.data.error || r.status}).`); return; }
    this.$("outreach-error").hidden = true;
    this.render(r.data);
    await this.loadPreview();
  }

  // ---- the policy form ---------------------------------------------------------------

  render(state) {
    this.state = state;
    const p = state.policy;
    const when = state.updated_at ? new Date(state.updated_at * 1000).toLocaleString() : "";
    this.$("outreach-source").textContent = state.source === "console"
      ? `Edited in the console (version ${state.version}, by ${state.updated_by || "?"}, ${when}).`
      : "From the hotel's configuration file (not edited in the console yet).";
    const form = this.$("outreach-form");
    const fields = el("fieldset", { id: "outreach-fields" });
    if (!state.can_edit) fields.disabled = true;
    fields.append(el("legend", { text: state.can_edit ? "Settings" : "Settings (only admins can change them)" }));
    fields.append(this.general(p), this.reviewLinks(p.review_links || []),
      el("h2", { text: "Journeys" }),
      el("div", { id: "journey-list" }, ...(p.journeys || []).map((j) => this.journey(j))));
    const parts = [fields];
    if (state.can_edit) {
      const add = el("button", { type: "button", id: "journey-add", text: "Add journey" });
      add.addEventListener("click", () => this.$("journey-list").append(this.journey({
        id: "", when: { after: "checkout", hours: 3 }, channels: ["email"] })));
      const actions = el("p", { className: "actions" }, add,
        el("button", { type: "submit", id: "outreach-save", text: "Save settings" }));
      if (state.source === "console") {
        const reset = el("button", { type: "button", id: "outreach-reset", text: "Back to the configuration file" });
        reset.addEventListener("click", () => this.reset());
        actions.append(reset);
      }
      parts.push(actions);
    }
    form.replaceChildren(...parts);
  }

  general(p) {
    const [enabledPair, enabled] = labelled("Invite guests (outreach on)", { type: "checkbox", name: "enabled" });
    enabled.checked = p.enabled === true;
    const q = p.quiet_hours || {};
    const [qfL, qf] = labelled("Quiet hours from", { type: "time", name: "quiet-from", value: q.from || "" });
    const [qtL, qt] = labelled("to", { type: "time", name: "quiet-to", value: q.to || "" });
    const [chL, ch] = labelled("At most one message per guest every (hours)",
      { type: "number", name: "cap-hours", min: "0", step: "any", value: String(p.cap.hours) });
    const [csL, cs] = labelled("and per stay", { type: "number", name: "cap-stay", min: "1", max: "10", step: "1", value: String(p.cap.per_stay) });
    const [coL, co] = labelled("Check-out time", { type: "time", name: "checkout", value: p.checkout_time || "" });
    this.inputs = { enabled, qf, qt, ch, cs, co, rates: {} };
    const rates = el("div", { className: "row", dataset: { field: "rate_per_second" } },
      el("span", { text: "Messages per second per sender:" }));
    for (const c of Object.keys(CHANNEL_NAMES)) {
      const [l, i] = labelled(CHANNEL_NAMES[c], { type: "number", name: `rate-${c}`, min: "0.01", step: "any",
        value: String((p.rate_per_second || {})[c] ?? "") });
      this.inputs.rates[c] = i;
      rates.append(l);
    }
    return el("div", { className: "general" },
      el("div", { className: "row", dataset: { field: "enabled" } }, enabledPair),
      el("div", { className: "row", dataset: { field: "quiet_hours" } }, qfL, qtL,
        el("span", { className: "hint", text: "(hotel time; both empty: none)" })),
      el("div", { className: "row", dataset: { field: "cap" } }, chL, csL),
      el("div", { className: "row", dataset: { field: "checkout_time" } }, coL),
      rates);
  }

  reviewLinks(links) {
    const list = el("div", { id: "review-links" });
    const row = (link) => {
      const [sL, s] = labelled("Site", { name: "review-site", value: link.site || "", maxlength: "40" });
      const [uL, u] = labelled("Link (https)", { type: "url", name: "review-url", value: link.url || "", maxlength: "500" });
      const remove = el("button", { type: "button", text: "Remove" });
      const node = el("div", { className: "row review-link" }, sL, uL, remove);
      remove.addEventListener("click", () => node.remove());
      return node;
    };
    list.append(...links.map(row));
    const add = el("button", { type: "button", id: "review-add", text: "Add review link" });
    add.addEventListener("click", () => list.append(row({})));
    return el("fieldset", { dataset: { field: "review_links" } },
      el("legend", { text: "Review links (offered to every guest after the survey)" }), list,
      this.state.can_edit ? add : "");
  }

  journey(j) {
    const box = el("fieldset", { className: "journey" });
    box.append(el("legend", { text: j.id ? `Journey ${j.id}` : "New journey" }));
    const [idL, id] = labelled("Id", { name: "journey-id", value: j.id || "", pattern: "[a-z_]{2,30}", maxlength: "30" });
    const [onL, on] = labelled("Enabled", { type: "checkbox", name: "journey-enabled" });
    on.checked = j.enabled !== false;
    const w = j.when || {};
    const kind = w.after === "checkout" ? "after_checkout" : w.before === "arrival" ? "before_arrival" : "after_arrival";
    const kindSel = el("select", { id: fid("when-kind"), name: "when-kind" },
      ...WHEN_KINDS.map(([v, t]) => el("option", { value: v, text: t })));
    kindSel.value = kind;
    const [dL, days] = labelled("Days", { type: "number", name: "when-days", min: "0", max: "60", step: "1",
      value: w.days === undefined ? "1" : String(w.days) });
    const [aL, atI] = labelled("At", { type: "time", name: "when-at", value: w.at || "10:00" });
    const [hL, hours] = labelled("Hours", { type: "number", name: "when-hours", min: "0", step: "any",
      value: w.hours === undefined ? "3" : String(w.hours) });
    const arrival = el("span", { className: "when-arrival" }, dL, " ", aL);
    const checkout = el("span", { className: "when-checkout" }, hL);
    const sync = () => {
      arrival.hidden = kindSel.value === "after_checkout";
      checkout.hidden = kindSel.value !== "after_checkout";
    };
    kindSel.addEventListener("change", sync);
    sync();
    const channelSel = [0, 1, 2].map((n) => {
      const s = el("select", { id: fid(`channel-${n}`), name: `channel-${n}` },
        el("option", { value: "", text: "—" }),
        ...Object.entries(CHANNEL_NAMES).map(([v, t]) => el("option", { value: v, text: t })));
      s.value = (j.channels || [])[n] || "";
      return s;
    });
    const channels = el("div", { className: "row", dataset: { part: "channels" } },
      el("span", { text: "Channels, in order:" }),
      ...channelSel.map((s, n) => el("span", { className: "pair" }, el("label", { for: s.id, text: ["1st", "2nd", "3rd"][n] }), s)));
    const [rL, reminder] = labelled("Reminder after (hours; empty: none)", { type: "number", name: "reminder",
      min: "1", step: "any", value: j.reminder ? String(j.reminder.after_hours) : "" });
    const templates = {};
    const tplRow = el("div", { className: "row", dataset: { part: "whatsapp_template" } },
      el("span", { text: "WhatsApp template (Twilio content SID) per language:" }));
    for (const lang of this.state.languages) {
      const [l, i] = labelled(language(lang), { name: `template-${lang}`, value: (j.whatsapp_template || {})[lang] || "",
        maxlength: "34", size: "36", placeholder: "HX…" });
      templates[lang] = i;
      tplRow.append(l);
    }
    box.append(
      el("div", { className: "row" },
        el("span", { dataset: { part: "id" } }, idL),
        el("span", { dataset: { part: "enabled" } }, onL)),
      el("div", { className: "row", dataset: { part: "when" } }, el("label", { for: kindSel.id, text: "When" }),
        kindSel, arrival, checkout),
      channels,
      el("div", { className: "row", dataset: { part: "reminder" } }, rL),
      tplRow);
    if (this.state.can_edit) {
      const remove = el("button", { type: "button", className: "journey-remove", text: "Remove journey" });
      remove.addEventListener("click", () => box.remove());
      box.append(remove);
    }
    box.readJourney = () => {
      const out = { id: id.value.trim(), channels: channelSel.map((s) => s.value).filter(Boolean) };
      if (kindSel.value === "after_checkout") out.when = { after: "checkout", hours: numberOrNull(hours) };
      else {
        const side = kindSel.value === "before_arrival" ? "before" : "after";
        out.when = { [side]: "arrival", days: numberOrNull(days), at: atI.value };
      }
      const rem = numberOrNull(reminder);
      if (rem !== null) out.reminder = { after_hours: rem };
      const tpl = {};
      for (const [lang, input] of Object.entries(templates)) if (input.value.trim()) tpl[lang] = input.value.trim();
      if (Object.keys(tpl).length) out.whatsapp_template = tpl;
      if (!on.checked) out.enabled = false;
      return out;
    };
    return box;
  }

  read() {
    const i = this.inputs;
    const policy = {
      enabled: i.enabled.checked,
      cap: { hours: numberOrNull(i.ch), per_stay: numberOrNull(i.cs) },
      checkout_time: i.co.value,
      rate_per_second: {},
      review_links: [],
      journeys: [...document.querySelectorAll("#journey-list > fieldset.journey")].map((b) => b.readJourney()),
    };
    if (i.qf.value || i.qt.value) policy.quiet_hours = { from: i.qf.value, to: i.qt.value };
    for (const [c, input] of Object.entries(i.rates)) policy.rate_per_second[c] = numberOrNull(input);
    for (const row of document.querySelectorAll("#review-links .review-link")) {
      const [site, url] = row.querySelectorAll("input");
      if (site.value.trim() || url.value.trim()) policy.review_links.push({ site: site.value.trim(), url: url.value.trim() });
    }
    return policy;
  }

  clearErrors() {
    for (const node of this.section.querySelectorAll(".field-error")) node.remove();
    for (const node of this.section.querySelectorAll("[aria-invalid]")) {
      node.removeAttribute("aria-invalid");
      node.removeAttribute("aria-describedby");
    }
    this.$("outreach-error").hidden = true;
  }

  // "journeys.1.when" -> the journey's "when" row; "quiet_hours" -> its row; else the form
  fieldNode(name) {
    const parts = name.split(".");
    if (parts[0] === "journeys" && parts.length > 1) {
      const box = document.querySelectorAll("#journey-list > fieldset.journey")[Number(parts[1])];
      if (box) return (parts[2] && box.querySelector(`[data-part="${parts[2]}"]`)) || box;
    }
    return this.section.querySelector(`#outreach-form [data-field="${parts[0]}"]`) || this.$("outreach-form");
  }

  showErrors(fields) {
    for (const [name, message] of Object.entries(fields)) {
      const node = this.fieldNode(name);
      const note = el("p", { className: "error field-error", id: fid("error"), dataset: { field: name }, text: message });
      node.append(note);
      for (const input of node.querySelectorAll("input, select")) {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", note.id);
      }
    }
    const n = Object.keys(fields).length;
    this.fail("outreach-error", `Not saved: ${n} field${n === 1 ? "" : "s"} to correct (marked below).`);
    const first = this.section.querySelector("[aria-invalid=\"true\"]");
    if (first) first.focus();
  }

  async save() {
    this.clearErrors();
    const status = this.$("outreach-status");
    status.textContent = "Saving…";
    let r;
    try {
      r = await post(`${this.app.base}/api/outreach`, { policy: this.read(), version: this.state.version });
    } catch (e) {
      if (e instanceof LoginRequired) throw e;
      status.textContent = "";
      this.fail("outreach-error", "Not saved: the console cannot be reached; try again.");
      return;
    }
    status.textContent = "";
    if (r.status === 400 && r.data.fields) { this.showErrors(r.data.fields); return; }
    if (r.status === 409) {
      this.fail("outreach-error", "Not saved: another admin saved the settings meanwhile. Reload the page to see theirs.");
      return;
    }
    if (!r.ok) { this.fail("outreach-error", `Not saved: ${r.data.detail || r.data.error || r.status}.`); return; }
    this.render(r.data);
    status.textContent = `Saved (version ${r.data.version}).`;
    await this.loadPreview();
  }

  async reset() {
    this.clearErrors();
    const r = await post(`${this.app.base}/api/outreach/reset`, { version: this.state.version });
    if (!r.ok) { this.fail("outreach-error", `Not reset: ${r.data.detail || r.data.error || r.status}.`); return; }
    this.render(r.data);
    this.$("outreach-status").textContent = "Back to the configuration file's settings.";
    await this.loadPreview();
  }

  // ---- previews and tests ------------------------------------------------------------

  async loadPreview() {
    const box = this.$("preview");
    let r;
    try {
      r = await api("GET", `${this.app.base}/api/outreach/preview`);
    } catch (e) {
      if (e instanceof LoginRequired) throw e;
      this.fail("preview-error", "The previews cannot be loaded; try again.");
      return;
    }
    if (!r.ok) { this.fail("preview-error", `The previews cannot be loaded (${r.data.error || r.status}).`); return; }
    this.$("preview-error").hidden = true;
    const journeys = r.data.journeys || [];
    box.replaceChildren(...(journeys.length ? journeys.map((j) => this.preview(j))
      : [el("p", { className: "empty", text: "No journeys yet." })]));
    box.setAttribute("aria-busy", "false");
  }

  preview(j) {
    const section = el("section", { className: "preview", dataset: { journey: j.id } },
      el("h3", { text: `${j.id}${j.enabled ? "" : " (disabled)"} · ${j.channels.map((c) => CHANNEL_NAMES[c] || c).join(" → ")}` }));
    for (const [lang, entry] of Object.entries(j.languages)) {
      const details = el("details", { dataset: { language: lang } },
        el("summary", { text: language(lang) }),
        this.message("Invitation", entry.invitation));
      if (entry.reminder) details.append(this.message("Reminder", entry.reminder));
      section.append(details);
    }
    if (this.state && this.state.can_edit) section.append(this.testForm(j));
    return section;
  }

  message(title, m) {
    const vars = Object.entries(m.whatsapp.variables).map(([k, v]) => `{{${k}}} = ${v || "(empty)"}`).join("\n");
    return el("div", { className: "message" },
      el("h4", { text: title }),
      el("dl", { className: "preview-parts" },
        el("dt", { text: "SMS / WhatsApp text" }), el("dd", {}, el("pre", { className: "sms", text: m.sms })),
        el("dt", { text: "E-mail subject" }), el("dd", { className: "subject", text: m.email.subject }),
        el("dt", { text: "E-mail body" }), el("dd", {}, el("pre", { className: "email-body", text: m.email.body })),
        el("dt", { text: "WhatsApp template" }),
        el("dd", { className: "template", text: m.whatsapp.template || "none for this language (free text within 24 hours only)" }),
        el("dt", { text: "Template variables" }), el("dd", {}, el("pre", { className: "variables", text: vars }))));
  }

  testForm(j) {
    const langSel = el("select", { id: fid("test-lang") },
      ...this.state.languages.map((l) => el("option", { value: l, text: language(l) })));
    const chanSel = el("select", { id: fid("test-channel") });
    if (this.state.me.phone && this.state.senders.sms) chanSel.append(el("option", { value: "sms", text: "SMS to my phone" }));
    if (this.state.me.email && this.state.senders.email) chanSel.append(el("option", { value: "email", text: "E-mail to my address" }));
    const hasReminder = Object.values(j.languages).some((entry) => entry.reminder);
    const [reminderPair, reminder] = labelled("the reminder", { type: "checkbox", name: "test-reminder" });
    const button = el("button", { type: "submit", className: "test-send", text: "Send a test to me" });
    const status = el("p", { className: "hint test-status", role: "status" });
    const form = el("form", { className: "test row" },
      el("label", { for: langSel.id, text: "Language" }), langSel,
      el("label", { for: chanSel.id, text: "Channel" }), chanSel, hasReminder ? reminderPair : "", button, status);
    if (!chanSel.options.length) {
      button.disabled = true;
      status.textContent = "Add your phone or e-mail to your staff account to receive tests.";
    }
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      button.disabled = true;
      status.textContent = "Sending…";
      try {
        const r = await post(`${this.app.base}/api/outreach/test`,
          { journey: j.id, language: langSel.value, channel: chanSel.value, reminder: hasReminder && reminder.checked });
        if (r.ok) status.textContent = `Sent by ${CHANNEL_NAMES[r.data.channel]}; ${r.data.left} more this hour.`;
        else if (r.status === 429) status.textContent = `Limit reached: try again in ${Math.ceil((r.data.retry_after || 60) / 60)} min.`;
        else status.textContent = `Not sent: ${r.data.detail || r.data.error || r.status}.`;
      } catch (err) {
        if (err instanceof LoginRequired) throw err;
        status.textContent = "Not sent: the console cannot be reached.";
      } finally {
        button.disabled = false;
      }
    });
    return form;
  }

  // ---- the send log ------------------------------------------------------------------

  async loadLog() {
    const from = this.$("log-from").value;
    const to = this.$("log-to").value;
    const query = new URLSearchParams();
    if (from) query.set("from", from);
    if (to) query.set("to", to);
    const search = query.toString();
    let r;
    try {
      r = await api("GET", `${this.app.base}/api/outreach/log${search ? `?${search}` : ""}`);
    } catch (e) {
      if (e instanceof LoginRequired) throw e;
      this.fail("log-error", "The send log cannot be loaded; try again.");
      return;
    }
    if (!r.ok) { this.fail("log-error", `The send log cannot be shown: ${r.data.detail || r.data.error || r.status}.`); return; }
    this.$("log-error").hidden = true;
    this.$("log-from").value = r.data.period.from;
    this.$("log-to").value = r.data.period.to;
    const totals = Object.entries(r.data.totals).map(([s, n]) => `${STATUS_NAMES[s] || s}: ${n}`).join(", ");
    const reasons = Object.entries(r.data.reasons).map(([s, byReason]) =>
      `${STATUS_NAMES[s] || s}: ${Object.entries(byReason).map(([why, n]) => `${why.replace(/_/g, " ")} ${n}`).join(", ")}`);
    const parts = [el("p", { id: "log-totals", text: totals ? `In all: ${totals}.` : "Nothing in this period." })];
    if (reasons.length) parts.push(el("ul", { id: "log-reasons", className: "report-notes" }, ...reasons.map((t) => el("li", { text: t }))));
    if (r.data.rows.length) {
      parts.push(el("div", { className: "table-wrap" }, el("table", { className: "dsr report", id: "log-table" },
        el("thead", {}, el("tr", {}, ...["Day", "Journey", "Channel", "Status", "Count"].map((t) => el("th", { scope: "col", text: t })))),
        el("tbody", {}, ...r.data.rows.map((row) => el("tr", { dataset: { status: row.status } },
          el("td", { text: row.day }), el("td", { text: row.journey }),
          el("td", { text: CHANNEL_NAMES[row.channel] || "–" }),
          el("td", { text: STATUS_NAMES[row.status] || row.status }),
          el("td", { className: "count", text: String(row.count) })))))));
    }
    // the same log as CSV or XLSX (bot/reports/export.py; counts only)
    const link = (format) => el("a", { href: `${this.app.base}/api/reports/export?${new URLSearchParams({
      table: "send_log", format, from: r.data.period.from, to: r.data.period.to })}`, download: "",
    dataset: { format }, text: format.toUpperCase() });
    parts.push(el("p", { id: "log-export" }, "Export: ", link("csv"), " · ", link("xlsx")));
    const box = this.$("send-log");
    box.replaceChildren(...parts);
    box.setAttribute("aria-busy", "false");
  }
}
