// The console shell: inbox (waiting / mine / all / resolved), the conversation view,
// and the live connection.
//
// The websocket carries ids only. On every (re)connection the server sends
// {"type": "ready"} and the page re-reads everything it shows from the JSON API
// (persist first, publish second: nothing missed while offline is lost); a
// "conversation" event re-reads the inbox (and the open conversation), a "message"
// event the open conversation's transcript after the last message it holds.
//
// Every text that comes from the server (guest, staff, bot) is inserted with
// textContent — never as HTML.
"use strict";

// csrf, LoginRequired, request and el come from dom.js (loaded first).

function api(method, url, body) {
  return request(method, url, { json: body });
}

function post(url, body) {
  return api("POST", url, body);
}

// One call of `fn` at a time; calls made meanwhile run it once more afterwards, so
// the last answer shown is never older than the last event.
function coalesced(fn) {
  let running = null;
  let again = false;
  const run = async () => {
    if (running) { again = true; return running; }
    running = (async () => {
      try {
        do { again = false; await fn(); } while (again);
      } catch (e) {
        if (!(e instanceof LoginRequired)) console.warn("refresh failed", e.name);
      } finally {
        running = null;
      }
    })();
    return running;
  };
  return run;
}

// ---- formatting ------------------------------------------------------------------

const REASONS = {
  low_rating: "Low rating",
  request: "Asked for a person",
  complaint: "Complaint",
  urgent: "Urgent",
  misunderstood: "Not understood",
  misunderstandings: "Not understood",
};
const STATES = {
  bot: "with the bot",
  waiting_for_staff: "waiting",
  with_staff: "with staff",
  resolved: "resolved",
};

// Epoch seconds (number or numeric string) or an ISO date -> milliseconds, or NaN.
function millis(value) {
  if (typeof value === "number") return value * 1000;
  if (typeof value !== "string" || !value) return NaN;
  if (/^\d+(\.\d+)?$/.test(value)) return parseFloat(value) * 1000;
  return Date.parse(value);
}

function duration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} days`;
}

// An element whose text the ticker keeps up to date: "<prefix><time since><suffix>".
function since(value, prefix, suffix = "") {
  const at = millis(value);
  const node = el("time", { className: "since" });
  if (Number.isNaN(at)) { node.textContent = ""; return node; }
  node.dateTime = new Date(at).toISOString();
  node.title = new Date(at).toLocaleString();
  node.dataset.since = String(at);
  node.dataset.prefix = prefix;
  node.dataset.suffix = suffix;
  tick(node);
  return node;
}

function tick(node) {
  const d = node.dataset;
  node.textContent = d.prefix + duration(Date.now() - Number(d.since)) + (d.suffix || "");
}

function percent(score) {
  return typeof score === "number" ? `${Math.round(score * 100)} %` : "";
}

function rating(r) {
  if (!r || r.value === undefined || r.value === null) return "";
  return r.question ? `${r.value} for ${r.question}` : String(r.value);
}

function language(code) {
  return typeof code === "string" && code ? code.toUpperCase() : "?";
}

// ---- topics in a guest's text ------------------------------------------------------
//
// `mentions` = [{topic, polarity, words}] (bot/insights): the words that decided a topic
// are wrapped in <mark class="topic topic-<polarity>" data-topic="<topic>"> (the style
// sheet writes the topic's name after them; a word that decided several topics names
// them all, "mixed" when their polarities differ). Text goes in as text, never as HTML.

const MENTION_POLARITIES = new Set(["positive", "negative", "neutral"]);

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function marked(text, mentions, className = "text") {
  const p = el("p", { className });
  const byWord = new Map(); // lower-case word -> the mentions it decided (a word may serve several topics)
  for (const m of Array.isArray(mentions) ? mentions : []) {
    if (typeof m.topic !== "string") continue;
    for (const w of Array.isArray(m.words) ? m.words : []) {
      if (typeof w !== "string" || !w.trim() || w.length > 100) continue;
      const key = w.toLocaleLowerCase();
      if (!byWord.has(key)) byWord.set(key, []);
      if (!byWord.get(key).some((o) => o.topic === m.topic)) byWord.get(key).push(m);
    }
  }
  if (!byWord.size || typeof text !== "string") { p.textContent = text; return p; }
  const words = [...byWord.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${words.join("|")})(?![\\p{L}\\p{N}])`, "giu");
  let last = 0;
  for (const match of text.matchAll(re)) {
    if (match.index > last) p.append(text.slice(last, match.index));
    const found = byWord.get(match[0].toLocaleLowerCase()) || [];
    const kinds = new Set(found.map((m) => (MENTION_POLARITIES.has(m.polarity) ? m.polarity : "neutral")));
    const polarity = kinds.size === 1 ? [...kinds][0] : kinds.size ? "mixed" : "neutral";
    const topic = found.map((m) => m.topic).join(", ");
    p.append(el("mark", { className: `topic topic-${polarity}`, dataset: { topic },
      title: `${topic} (${polarity})`, text: match[0] }));
    last = match.index + match[0].length;
  }
  if (last < text.length) p.append(text.slice(last));
  return p;
}

// ---- the console -------------------------------------------------------------------

class Console {
  constructor(main) {
    this.main = main;
    this.tenant = main.dataset.tenant;
    this.base = `/t/${encodeURIComponent(this.tenant)}`;
    this.me = null;
    this.view = "waiting";
    this.open = null; // id of the conversation shown
    this.doc = null;
    this.shown = new Map(); // seq -> <li> of the open conversation
    this.contiguous = 0; // every message up to this seq is shown
    this.canned = new Map(); // language -> {key: text}
    this.unread = new Set(); // conversations with guest messages since this page last showed them
    this.title = document.title;
    this.refreshInbox = coalesced(() => this.loadInbox());
    this.refreshConversation = coalesced(() => this.loadConversation());
    this.$ = (id) => document.getElementById(id);
  }

  async start() {
    this.setupTabs();
    this.setupConversation();
    const section = this.$("requests");
    this.requests = section ? new Requests(this) : null;
    this.reports = new Reports(this);
    // the Journeys view lives in journeys.js (loaded after this file, before DOMContentLoaded)
    this.journeys = typeof Journeys === "function" ? new Journeys(this) : null;
    window.addEventListener("hashchange", () => this.route());
    setInterval(() => document.querySelectorAll("time[data-since]").forEach(tick), 5000);
    const duty = this.$("duty-switch") ? new DutySwitch(this) : null;
    try {
      const me = await api("GET", `${this.base}/api/me`);
      this.me = me.ok ? me.data.id : null;
      if (me.ok && duty) duty.set(me.data.on_duty === true);
    } catch (_) { /* the live connection retries */ }
    this.route();
    connectLive(this);
  }

  resync() {
    this.refreshInbox();
    if (this.open) this.refreshConversation();
  }

  onEvent(msg) {
    if (msg.type === "conversation") {
      this.refreshInbox();
      if (msg.conversation === this.open) this.refreshConversation();
    } else if (msg.type === "message") {
      if (msg.conversation === this.open) this.refreshConversation();
      else this.markUnread(msg.conversation);
    }
  }

  markUnread(id) {
    this.unread.add(id);
    for (const li of document.querySelectorAll("#inbox-list li")) {
      if (li.dataset.conversation === id && !li.querySelector(".unread")) li.firstChild.append(this.unreadMark());
    }
  }

  unreadMark() {
    return el("span", { className: "unread", text: "new messages" });
  }

  // ---- inbox ------------------------------------------------------------------------

  setupTabs() {
    const tabs = [...document.querySelectorAll('#inbox-tabs [role="tab"]')];
    const select = (tab, focus) => {
      for (const t of tabs) {
        const on = t === tab;
        t.setAttribute("aria-selected", on ? "true" : "false");
        t.tabIndex = on ? 0 : -1;
      }
      if (focus) tab.focus();
      this.$("inbox-panel").setAttribute("aria-labelledby", tab.id);
      this.view = tab.dataset.view;
      this.refreshInbox();
    };
    for (const tab of tabs) {
      tab.addEventListener("click", () => select(tab, false));
      tab.addEventListener("keydown", (e) => {
        const i = tabs.indexOf(tab);
        const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
        if (next === undefined) return;
        e.preventDefault();
        select(tabs[(next + tabs.length) % tabs.length], true);
      });
    }
  }

  async loadInbox() {
    const view = this.view;
    const list = this.$("inbox-list");
    const error = this.$("inbox-error");
    let r;
    try {
      r = await api("GET", `${this.base}/api/conversations?view=${view}`);
    } catch (e) {
      if (e instanceof LoginRequired) throw e;
      error.textContent = "The inbox cannot be loaded; retrying when the connection is back.";
      error.hidden = false;
      return;
    }
    if (view !== this.view) return; // another tab was chosen meanwhile (it re-reads)
    if (!r.ok) {
      error.textContent = `The inbox cannot be loaded (${r.data.error || r.status}).`;
      error.hidden = false;
      return;
    }
    error.hidden = true;
    const conversations = r.data.conversations || [];
    // a keyboard user keeps their place when the list is redrawn (live updates redraw it)
    const active = list.contains(document.activeElement) ? document.activeElement.closest("a.row") : null;
    const focused = active ? active.getAttribute("href") : null;
    list.replaceChildren(...conversations.map((c) => this.row(c)));
    if (focused) {
      const again = [...list.querySelectorAll("a.row")].find((a) => a.getAttribute("href") === focused);
      if (again) again.focus();
    }
    list.setAttribute("aria-busy", "false");
    this.$("inbox-empty").hidden = conversations.length > 0;
    if (view === "waiting") this.setWaiting(conversations.length);
    else {
      const w = await api("GET", `${this.base}/api/conversations?view=waiting`).catch(() => null);
      if (w && w.ok) this.setWaiting((w.data.conversations || []).length);
    }
  }

  setWaiting(n) {
    this.$("waiting-count").textContent = n ? `(${n})` : "";
    document.title = n ? `(${n}) ${this.title}` : this.title;
  }

  row(c) {
    const link = el("a", { href: `#/c/${encodeURIComponent(c.id)}`, className: "row" });
    const reason = el("strong", { className: "reason", text: REASONS[c.reason] || c.reason || "Escalated" });
    const facts = el("span", { className: "facts" },
      el("span", { className: "lang", title: "Language", text: language(c.language) }),
      el("span", { className: "channel", title: "Channel", text: c.channel || "?" }));
    if (this.view !== "waiting") {
      facts.append(el("span", { className: "state", dataset: { state: c.state }, text: this.stateText(c) }));
    }
    const r = rating(c.last_rating);
    if (r) facts.append(el("span", { className: "rating", title: "Last rating", text: `rated ${r}` }));
    const when = c.state === "waiting_for_staff"
      ? since(c.escalated_at, "waiting ")
      : since(c.escalated_at, "escalated ", " ago");
    link.append(reason, facts, when);
    if (this.unread.has(c.id)) link.append(this.unreadMark());
    const li = el("li", { dataset: { conversation: c.id, state: c.state } }, link);
    if (c.id === this.open) link.setAttribute("aria-current", "true");
    return li;
  }

  stateText(c) {
    if (c.state === "with_staff") return c.assigned_to === this.me ? "with you" : "with another agent";
    return STATES[c.state] || c.state;
  }

  // ---- routing ----------------------------------------------------------------------

  route() {
    const hash = window.location.hash;
    const view = hash === "#/reports" ? "reports"
      : hash === "#/journeys" && this.journeys ? "journeys"
        : hash === "#/requests" && this.requests ? "requests" : "inbox";
    this.main.dataset.view = view;
    if (this.requests) this.requests.show(view === "requests");
    this.reports.show(view === "reports");
    if (this.journeys) this.journeys.show(view === "journeys");
    const m = /^#\/c\/(.+)$/.exec(window.location.hash);
    const id = m ? decodeURIComponent(m[1]) : null;
    if (id === this.open) return;
    this.open = id;
    this.doc = null;
    this.shown.clear();
    this.contiguous = 0;
    this.$("transcript").replaceChildren();
    this.$("conversation-facts").replaceChildren();
    this.$("conversation-error").hidden = true;
    this.$("canned-list").replaceChildren();
    this.main.dataset.open = id || "";
    if (id) this.unread.delete(id);
    for (const mark of document.querySelectorAll(`#inbox-list li[data-conversation] .unread`)) {
      if (mark.closest("li").dataset.conversation === id) mark.remove();
    }
    this.$("conversation").hidden = !id;
    for (const a of document.querySelectorAll("#inbox-list a.row")) {
      if (a.getAttribute("href") === `#/c/${encodeURIComponent(id)}`) a.setAttribute("aria-current", "true");
      else a.removeAttribute("aria-current");
    }
    if (id) {
      this.$("conversation-title").textContent = "Conversation";
      this.setControls(null);
      this.refreshConversation();
      this.$("conversation-title").focus();
    }
  }

  // ---- conversation -----------------------------------------------------------------

  setupConversation() {
    this.$("back-to-inbox").addEventListener("click", (e) => {
      e.preventDefault();
      window.location.hash = "";
    });
    this.$("take").addEventListener("click", () => this.act("take"));
    this.$("hand-back").addEventListener("click", () => this.act("hand_back"));
    this.$("resolve").addEventListener("click", () =>
      this.act("resolve", { ask_satisfaction: this.$("ask-satisfaction").checked }));

    const reply = this.$("reply-text");
    const count = () => {
      const n = reply.value.length;
      const counter = this.$("reply-count");
      counter.textContent = `${n} / ${reply.maxLength}`;
      counter.classList.toggle("near-limit", n > reply.maxLength * 0.9);
    };
    this.countReply = count;
    reply.addEventListener("input", count);
    this.composer("reply-form", "reply-text", "replies", "reply");
    this.composer("note-form", "note-text", "notes", "note");
  }

  // A form with one textarea: Enter submits, Shift+Enter is a new line.
  composer(formId, textId, path, what) {
    const form = this.$(formId);
    const text = this.$(textId);
    text.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        form.requestSubmit();
      }
    });
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const value = text.value.trim();
      if (!value || !this.open) return;
      const ok = await this.act(path, { text: value }, what);
      if (ok) {
        text.value = "";
        if (this.countReply) this.countReply();
        text.focus();
      }
    });
  }

  async loadConversation() {
    const id = this.open;
    if (!id) return;
    const url = `${this.base}/api/conversations/${encodeURIComponent(id)}?since=${this.contiguous}`;
    let r;
    try {
      r = await api("GET", url);
    } catch (e) {
      if (e instanceof LoginRequired) throw e;
      this.error("The conversation cannot be loaded; retrying when the connection is back.");
      return;
    }
    if (id !== this.open) return; // another conversation was opened meanwhile
    if (r.status === 404) {
      this.error("This conversation does not exist (any more).");
      this.setControls(null);
      return;
    }
    if (!r.ok) {
      this.error(`The conversation cannot be loaded (${r.data.error || r.status}).`);
      return;
    }
    const first = this.doc === null;
    this.doc = r.data.conversation;
    this.showFacts(this.doc);
    this.setControls(this.doc);
    this.addMessages(r.data.messages || []);
    if (first) this.loadCanned(this.doc.language);
  }

  error(text) {
    const p = this.$("conversation-error");
    p.textContent = text;
    p.hidden = !text;
  }

  showFacts(c) {
    this.$("conversation-title").textContent =
      `${REASONS[c.reason] || c.reason || "Conversation"} · ${language(c.language)} · ${c.channel || "?"}`;
    const dl = this.$("conversation-facts");
    const facts = [
      ["State", this.stateText(c)],
      ["Reason", REASONS[c.reason] || c.reason],
      ["Language", language(c.language)],
      ["Channel", c.channel],
      ["Escalated", since(c.escalated_at, "", " ago")],
      ["Last rating", rating(c.last_rating)],
      ["Score before", percent(c.score_before)],
      ["Score after", percent(c.score_after)],
      ["Recovery", typeof c.recovery === "number"
        ? `${c.recovery >= 0 ? "+" : ""}${Math.round(c.recovery * 100)} points` : ""],
      ["Handling question", c.awaiting_satisfaction ? "asked, no answer yet" : ""],
    ];
    dl.replaceChildren();
    for (const [name, value] of facts) {
      if (value === undefined || value === null || value === "") continue;
      const dd = el("dd", { dataset: { fact: name.toLowerCase().replace(/ /g, "-") } });
      if (value instanceof Node) { dd.append(value); if (!value.textContent) continue; } else dd.textContent = value;
      dl.append(el("div", {}, el("dt", { text: name }), dd));
    }
  }

  setControls(c) {
    const state = c ? c.state : null;
    const mine = !!c && state === "with_staff" && !!this.me && c.assigned_to === this.me;
    const other = !!c && state === "with_staff" && !mine;
    this.$("take").disabled = !c || state === "with_staff";
    this.$("hand-back").disabled = !mine;
    this.$("resolve").disabled = !(state === "waiting_for_staff" || mine);
    this.$("ask-satisfaction").disabled = this.$("resolve").disabled;
    for (const id of ["reply-text", "reply-send"]) this.$(id).disabled = !mine;
    for (const b of document.querySelectorAll("#canned-list button")) b.disabled = !mine;
    for (const id of ["note-text", "note-add"]) this.$(id).disabled = !c;
    const hint = !c ? "" : {
      waiting_for_staff: "Waiting for staff. Take it over to reply; the bot stays silent meanwhile.",
      with_staff: mine
        ? "You have this conversation. The bot stays silent until you hand it back or resolve it."
        : "Another agent has this conversation.",
      bot: "The bot is talking with the guest. Take it over to reply.",
      resolved: "Resolved. Take it over again if the guest needs a person.",
    }[state] || "";
    this.$("assignment").textContent = other ? "Another agent has this conversation." : hint;
  }

  addMessages(messages) {
    const list = this.$("transcript");
    // follow new messages unless the reader has scrolled up to read older ones
    const follow = list.children.length === 0 || list.scrollHeight - list.scrollTop - list.clientHeight < 60;
    for (const m of messages) {
      if (typeof m.seq !== "number" || this.shown.has(m.seq)) continue;
      const li = this.message(m);
      this.shown.set(m.seq, li);
      // in order of seq: a message stored late (lower seq) goes before later ones
      const after = [...list.children].find((n) => Number(n.dataset.seq) > m.seq);
      list.insertBefore(li, after || null);
    }
    while (this.shown.has(this.contiguous + 1)) this.contiguous += 1;
    if (follow) list.scrollTop = list.scrollHeight;
  }

  message(m) {
    const mine = m.staff && m.staff === this.me;
    const who = {
      guest: "Guest",
      bot: "Bot",
      staff: mine ? "You" : "Staff",
      note: mine ? "Private note · you" : "Private note · staff",
      system: "System",
    }[m.author] || m.author;
    const at = millis(m.at);
    const head = el("p", { className: "meta" }, el("span", { className: "author", text: who }));
    if (!Number.isNaN(at)) {
      head.append(el("time", {
        dateTime: new Date(at).toISOString(),
        text: new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }),
      }));
    }
    const text = m.author === "guest" ? marked(m.text, m.mentions) : el("p", { className: "text", text: m.text });
    return el("li", { className: `msg msg-${m.author}`, dataset: { seq: String(m.seq), author: m.author } },
      head, text);
  }

  async loadCanned(lang) {
    const list = this.$("canned-list");
    let texts = this.canned.get(lang);
    if (!texts) {
      const r = await api("GET", `${this.base}/api/canned?lang=${encodeURIComponent(lang || "")}`)
        .catch(() => null);
      if (!r || !r.ok) return;
      texts = r.data.canned || {};
      this.canned.set(lang, texts);
    }
    if (!this.doc || this.doc.language !== lang) return;
    const reply = this.$("reply-text");
    list.replaceChildren(...Object.entries(texts).map(([key, text]) => {
      const b = el("button", { type: "button", dataset: { key }, text });
      b.disabled = reply.disabled;
      b.addEventListener("click", () => {
        reply.focus();
        reply.setRangeText(text, reply.selectionStart, reply.selectionEnd, "end");
        this.countReply();
      });
      return el("li", {}, b);
    }));
    this.$("canned").querySelector("summary").textContent = `Canned replies (${language(lang)})`;
  }

  // POST an action on the open conversation; true when it was done.
  async act(path, body, what = path) {
    const id = this.open;
    if (!id) return false;
    const url = `${this.base}/api/conversations/${encodeURIComponent(id)}/${path}`;
    const buttons = [...document.querySelectorAll("#conversation button")];
    const before = buttons.map((b) => b.disabled);
    buttons.forEach((b) => { b.disabled = true; });
    let r;
    try {
      r = await post(url, body);
    } catch (e) {
      buttons.forEach((b, i) => { b.disabled = before[i]; });
      if (!(e instanceof LoginRequired)) this.error("The console cannot be reached; try again.");
      return false;
    }
    buttons.forEach((b, i) => { b.disabled = before[i]; });
    if (r.ok) {
      this.error("");
      if (path === "take") {
        // keyboard users land where they will type next
        await this.refreshConversation();
        this.$("reply-text").focus();
      }
    } else if (r.status === 409) {
      this.error({
        take: "Another agent has already taken this conversation over.",
        hand_back: "You cannot hand this conversation back: you no longer have it.",
        resolve: "This conversation cannot be resolved now: another agent has it, or it is not open.",
        reply: "Your reply was not sent: take the conversation over first (another agent may have it).",
      }[what] || "Someone else changed this conversation; it has been reloaded.");
    } else if (r.status === 404) {
      this.error("This conversation does not exist (any more).");
    } else if (r.status === 413) {
      this.error("The text is too long (2000 characters at most).");
    } else {
      this.error(`That did not work (${r.data.error || r.status}).`);
    }
    this.refreshConversation();
    this.refreshInbox();
    return r.ok;
  }
}

// ---- on/off duty (the header's switch; on-duty staff are told of escalations) ------

class DutySwitch {
  constructor(app) {
    this.app = app;
    this.button = app.$("duty-switch");
    this.error = app.$("duty-error");
    this.button.addEventListener("click", () => this.toggle());
  }

  get on() {
    return this.button.getAttribute("aria-checked") === "true";
  }

  set(on) {
    const state = on ? "on" : "off";
    this.button.setAttribute("aria-checked", on ? "true" : "false");
    this.button.dataset.state = state;
    this.button.querySelector(".switch-state").textContent = state;
  }

  async toggle() {
    const want = !this.on;
    this.button.disabled = true;
    let r;
    try {
      r = await post(`${this.app.base}/api/me/duty`, { on_duty: want });
    } catch (e) {
      this.button.disabled = false;
      if (!(e instanceof LoginRequired)) this.fail("The console cannot be reached; your duty state is unchanged.");
      return;
    }
    this.button.disabled = false;
    if (r.ok && typeof r.data.on_duty === "boolean") {
      this.set(r.data.on_duty);
      this.fail("");
    } else {
      this.fail(`Your duty state could not be changed (${r.data.error || r.status}).`);
    }
  }

  fail(text) {
    this.error.textContent = text;
    this.error.hidden = !text;
  }
}

// ---- data-subject requests (admins only; the page holds the section for admins) -----

const DSR_STATUS = {
  received: "received",
  verification_pending: "verification pending",
  verified: "verified",
  awaiting_approval: "awaiting approval",
  done: "done",
  rejected: "rejected",
};

const DSR_OPEN = ["received", "verification_pending", "verified", "awaiting_approval"];

// Epoch seconds -> "YYYY-MM-DD HH:MM" (UTC), or "".
function day(value) {
  const at = millis(value);
  if (Number.isNaN(at)) return "";
  return new Date(at).toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

class Requests {
  constructor(app) {
    this.app = app;
    this.$ = app.$;
    this.rejecting = null; // id of the request the reject form is for
    this.loadedSubprocessors = false;
    this.refresh = coalesced(() => this.load());
    this.$("dsr-status").addEventListener("change", () => this.refresh());
    this.$("nav-inbox").addEventListener("click", (e) => {
      e.preventDefault();
      window.location.hash = "";
    });
    this.$("dsr-reject-cancel").addEventListener("click", () => this.closeReject());
    this.$("dsr-reject-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const reason = this.$("dsr-reject-reason").value.trim();
      if (!reason || !this.rejecting) { this.$("dsr-reject-reason").reportValidity(); return; }
      const id = this.rejecting;
      if (await this.decide(id, "reject", { reason })) this.closeReject();
    });
    this.setupExtend();
  }

  show(on) {
    this.$("requests").hidden = !on;
    const nav = this.$("nav-requests");
    if (on) nav.setAttribute("aria-current", "page");
    else nav.removeAttribute("aria-current");
    if (!on) return;
    this.refresh();
    if (!this.loadedSubprocessors) this.loadSubprocessors();
    this.$("requests-title").focus();
  }

  async load() {
    const status = this.$("dsr-status").value;
    const query = status ? `?status=${encodeURIComponent(status)}` : "";
    const error = this.$("dsr-error");
    const list = this.$("dsr-list");
    let r;
    try {
      r = await api("GET", `${this.app.base}/api/dsr${query}`);
    } catch (e) {
      if (e instanceof LoginRequired) throw e;
      error.textContent = "The requests cannot be loaded; try again.";
      error.hidden = false;
      return;
    }
    if (status !== this.$("dsr-status").value) return; // the filter changed meanwhile
    if (!r.ok) {
      error.textContent = `The requests cannot be loaded (${r.data.error || r.status}).`;
      error.hidden = false;
      return;
    }
    error.hidden = true;
    const items = r.data.requests || [];
    list.replaceChildren(...items.map((d) => this.row(d)));
    list.setAttribute("aria-busy", "false");
    this.$("dsr-empty").hidden = items.length > 0;
  }

  row(d) {
    const deadline = d.extended_until
      ? el("span", { className: "extended" },
        el("span", { className: "until", title: "Extended deadline", text: `${day(d.extended_until)} (extended)` }))
      : el("span", { className: "until", text: day(d.deadline_at) });
    const actions = el("td", { className: "dsr-actions" });
    if (d.status === "awaiting_approval") {
      const approve = el("button", { type: "button", className: "approve", text: "Approve" });
      approve.setAttribute("aria-label", `Approve ${d.id}`);
      approve.addEventListener("click", () => this.decide(d.id, "approve"));
      const reject = el("button", { type: "button", className: "reject", text: "Reject" });
      reject.setAttribute("aria-label", `Reject ${d.id}`);
      reject.addEventListener("click", () => this.openReject(d.id));
      actions.append(approve, " ", reject);
    }
    if (DSR_OPEN.includes(d.status)) {
      const extend = el("button", { type: "button", className: "extend", text: "Extend" });
      extend.setAttribute("aria-label", `Extend the deadline of ${d.id}`);
      extend.addEventListener("click", () => this.openExtend(d));
      actions.append(" ", extend);
    }
    if (d.extension_reason) {
      deadline.append(el("span", { className: "extension-reason", text: `Reason: ${d.extension_reason}` }));
    }
    return el("tr", { dataset: { request: d.id, status: d.status } },
      el("td", { className: "id", text: d.id }),
      el("td", { className: "type", text: d.type }),
      el("td", { className: "status", text: DSR_STATUS[d.status] || d.status }),
      el("td", { className: "created", text: day(d.created_at) }),
      el("td", { className: "deadline" }, deadline),
      el("td", { className: "channel", text: d.channel || "?" }),
      el("td", { className: "lang", text: language(d.language) }),
      actions);
  }

  openReject(id) {
    this.closeExtend();
    this.rejecting = id;
    this.$("dsr-reject-id").textContent = id;
    this.$("dsr-reject-reason").value = "";
    this.$("dsr-reject-form").hidden = false;
    this.$("dsr-reject-reason").focus();
  }

  closeReject() {
    this.rejecting = null;
    this.$("dsr-reject-form").hidden = true;
  }

  // ---- extending a deadline (1-60 days after the original one, with a reason) --------

  setupExtend() {
    this.extending = null; // the request the extend form is for
    const days = this.$("dsr-extend-days");
    days.addEventListener("input", () => this.previewExtend());
    this.$("dsr-extend-cancel").addEventListener("click", () => this.closeExtend());
    this.$("dsr-extend-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      if (!this.extending) return;
      const n = Number(days.value);
      const reason = this.$("dsr-extend-reason").value.trim();
      if (!Number.isInteger(n) || n < 1 || n > 60) {
        this.extendError("Give a whole number of days from 1 to 60 (two further months at most).", days);
        return;
      }
      if (!reason) {
        this.extendError("Give a reason for the extension: it is recorded and told to the guest.",
          this.$("dsr-extend-reason"));
        return;
      }
      const id = this.extending.id;
      if (await this.decide(id, "extend", { days: n, reason }, (text) => this.extendError(text))) {
        this.closeExtend();
      }
    });
  }

  openExtend(d) {
    this.closeReject();
    this.extending = d;
    this.$("dsr-extend-id").textContent = d.id;
    this.$("dsr-extend-days").value = "30";
    this.$("dsr-extend-reason").value = "";
    this.extendError("");
    this.previewExtend();
    this.$("dsr-extend-form").hidden = false;
    this.$("dsr-extend-days").focus();
  }

  closeExtend() {
    this.extending = null;
    this.extendError("");
    this.$("dsr-extend-form").hidden = true;
  }

  previewExtend() {
    const d = this.extending;
    const n = Number(this.$("dsr-extend-days").value);
    const out = this.$("dsr-extend-until");
    if (!d || !Number.isInteger(n) || n < 1 || n > 60) { out.textContent = ""; return; }
    out.textContent = `Original deadline ${day(d.deadline_at)}; new deadline ${day(Number(d.deadline_at) + n * 86400)}.`;
  }

  extendError(text, field) {
    const p = this.$("dsr-extend-error");
    p.textContent = text;
    p.hidden = !text;
    for (const id of ["dsr-extend-days", "dsr-extend-reason"]) this.$(id).removeAttribute("aria-invalid");
    if (field) {
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-errormessage", "dsr-extend-error");
      field.focus();
    }
  }

  // POST a decision; true when it was taken. `fail(text)` shows a refusal where the
  // form is (default: above the list).
  async decide(id, action, body, fail) {
    const error = this.$("dsr-error");
    const message = this.$("dsr-message");
    const buttons = [...document.querySelectorAll("#requests button")];
    buttons.forEach((b) => { b.disabled = true; });
    let r;
    try {
      r = await post(`${this.app.base}/api/dsr/${encodeURIComponent(id)}/${action}`, body);
    } catch (e) {
      buttons.forEach((b) => { b.disabled = false; });
      if (!(e instanceof LoginRequired)) {
        error.textContent = "The console cannot be reached; try again.";
        error.hidden = false;
      }
      return false;
    }
    buttons.forEach((b) => { b.disabled = false; });
    if (r.ok) {
      error.hidden = true;
      message.textContent = {
        approve: `Request ${id} approved.`,
        reject: `Request ${id} rejected.`,
        extend: `Deadline of request ${id} extended to ${day(r.data.extended_until)}; `
          + `reason recorded: ${r.data.extension_reason}`,
      }[action];
    } else {
      message.textContent = "";
      const text = r.status === 409
        ? (action === "extend"
          ? `Request ${id} is no longer open; its deadline cannot be extended. The list has been reloaded.`
          : `Request ${id} is no longer awaiting a decision; the list has been reloaded.`)
        : r.status === 404
          ? `Request ${id} does not exist (any more).`
          : r.data.error === "reason_required"
            ? "Give a reason: it is recorded and told to the guest."
            : `That did not work (${r.data.detail || r.data.error || r.status}).`;
      if (fail) fail(text);
      else {
        error.textContent = text;
        error.hidden = false;
      }
    }
    this.refresh();
    return r.ok;
  }

  async loadSubprocessors() {
    const error = this.$("subprocessors-error");
    const r = await api("GET", `${this.app.base}/api/subprocessors`).catch(() => null);
    if (!r || !r.ok) {
      error.textContent = "The subprocessors cannot be loaded.";
      error.hidden = false;
      return;
    }
    error.hidden = true;
    this.loadedSubprocessors = true;
    this.$("subprocessors-list").replaceChildren(...(r.data.subprocessors || []).map((s) =>
      el("tr", {},
        el("td", { className: "name", text: s.name }),
        el("td", { className: "purpose", text: s.purpose }),
        el("td", { className: "region", text: s.region }))));
  }
}

// ---- reports (agents and admins): figures of the hotel's ratings over a period -------
//
// The view is built here (the page holds no markup for it); figures come from
// /api/reports, which leaves out guests who restricted processing and hides small
// groups (null with "suppressed": true, shown as "hidden"). Charts use the vendored
// Chart.js, loaded the first time the view opens; the tables carry the same figures.

const CHART_JS = "/static/vendor/chart-4.6.1.umd.min.js";
let chartLibrary = null;

function loadChartLibrary() {
  if (!chartLibrary) {
    chartLibrary = new Promise((resolve, reject) => {
      if (window.Chart) { resolve(window.Chart); return; }
      const script = el("script", { src: CHART_JS });
      script.addEventListener("load", () => resolve(window.Chart));
      script.addEventListener("error", () => { chartLibrary = null; reject(new Error("chart library")); });
      document.head.append(script);
    });
  }
  return chartLibrary;
}

const DIMENSION_TITLES = { month: "By month", channel: "By channel", language: "By language" };
const HIDDEN_TITLE = "hidden: fewer than 5 answers, or needed to keep such a figure hidden";

function hidden() {
  return el("span", { className: "suppressed", title: HIDDEN_TITLE, text: "hidden" });
}

function figure(value, format = String) {
  return value === null || value === undefined ? "–" : format(value);
}

function mean(value) {
  return figure(value, (v) => v.toFixed(2));
}

class Reports {
  constructor(app) {
    this.app = app;
    this.charts = [];
    this.refresh = coalesced(() => this.load());
    this.section = this.build();
    app.main.append(this.section);
    this.addNav();
  }

  $(id) { return document.getElementById(id); }

  build() {
    const from = el("input", { type: "date", id: "report-from", name: "from", min: "2000-01-01", max: "2100-12-31" });
    const to = el("input", { type: "date", id: "report-to", name: "to", min: "2000-01-01", max: "2100-12-31" });
    const form = el("form", { id: "report-period", className: "period", "aria-describedby": "report-period-help" },
      el("label", { for: "report-from", text: "From" }), from,
      el("label", { for: "report-to", text: "To" }), to,
      el("button", { type: "submit", id: "report-show", text: "Show" }));
    form.addEventListener("submit", (e) => { e.preventDefault(); this.refresh(); });
    const section = el("section", { id: "reports", "aria-labelledby": "reports-title" },
      el("h1", { id: "reports-title", tabindex: "-1", text: "Reports" }),
      form,
      el("p", { id: "report-period-help", className: "hint",
        text: "Whole days in UTC, both included; two years at most. Empty: the last 90 days." }),
      el("p", { id: "report-error", className: "error", role: "alert", hidden: "" }),
      el("p", { id: "report-status", className: "hint", role: "status" }),
      el("div", { id: "report-body", "aria-busy": "true" }));
    section.hidden = true;
    return section;
  }

  addNav() {
    const link = el("a", { href: "#/reports", id: "nav-reports", text: "Reports" });
    let nav = document.querySelector("header .admin-nav");
    if (nav) {
      nav.prepend(link, " ");
      return;
    }
    const inbox = el("a", { href: "#", id: "nav-inbox", text: "Inbox" });
    inbox.addEventListener("click", (e) => { e.preventDefault(); window.location.hash = ""; });
    nav = el("nav", { className: "admin-nav", "aria-label": "Views" }, link, " ", inbox);
    const logout = document.getElementById("logout");
    logout.parentNode.insertBefore(nav, logout);
  }

  show(on) {
    this.section.hidden = !on;
    const nav = this.$("nav-reports");
    if (on) nav.setAttribute("aria-current", "page");
    else nav.removeAttribute("aria-current");
    if (!on) return;
    this.refresh();
    this.$("reports-title").focus();
  }

  async load() {
    const from = this.$("report-from").value;
    const to = this.$("report-to").value;
    const error = this.$("report-error");
    const status = this.$("report-status");
    if (from && to && from > to) {
      error.textContent = "The start of the period must not be after its end.";
      error.hidden = false;
      return;
    }
    const query = new URLSearchParams();
    if (from) query.set("from", from);
    if (to) query.set("to", to);
    status.textContent = "Computing the report…";
    this.$("report-body").setAttribute("aria-busy", "true");
    let r;
    try {
      const search = query.toString();
      r = await api("GET", `${this.app.base}/api/reports${search ? `?${search}` : ""}`);
    } catch (e) {
      if (e instanceof LoginRequired) throw e;
      status.textContent = "";
      error.textContent = "The report cannot be loaded; try again.";
      error.hidden = false;
      return;
    }
    status.textContent = "";
    if (!r.ok) {
      error.textContent = `The report cannot be shown: ${r.data.detail || r.data.error || r.status}.`;
      error.hidden = false;
      return;
    }
    error.hidden = true;
    this.render(r.data);
  }

  render(report) {
    this.period = report.period;
    this.$("report-from").value = report.period.from;
    this.$("report-to").value = report.period.to;
    for (const chart of this.charts) chart.destroy();
    this.charts = [];
    const body = this.$("report-body");
    const parts = [this.summary(report), el("ul", { className: "report-notes" },
      ...report.notes.map((n) => el("li", { text: n })))];
    if (report.suppressed) {
      parts.push(el("p", { className: "empty", id: "report-suppressed",
        text: "Fewer than 5 guests answered in this period: nothing can be shown." }));
    } else {
      const charts = el("div", { className: "report-charts" },
        this.canvas("report-chart-scores", "Mean score per question (0-100 %)"),
        this.canvas("report-chart-months", "Responses per month"),
        this.canvas("report-chart-topics", "Positive and negative mentions per topic (%)"));
      parts.push(charts);
      for (const q of report.questions) parts.push(this.question(q));
      for (const [dim, rows] of Object.entries(report.breakdowns)) {
        parts.push(this.breakdown(dim, rows, report.questions));
      }
    }
    if (report.topics) parts.push(this.topics(report.topics), this.unsolicited(report.topics.unsolicited || []));
    if (report.response_rate) parts.push(this.responseRate(report.response_rate));
    parts.push(this.exports(report.period));
    body.replaceChildren(...parts);
    body.setAttribute("aria-busy", "false");
    if (!report.suppressed) this.draw(report);
  }

  // per topic: mentions, positive and negative share (each opens its comments), trend
  topics(part) {
    const share = (v) => figure(v, (x) => `${Math.round(x * 1000) / 10} %`);
    const signed = (v, format) => figure(v, (x) => `${x > 0 ? "+" : ""}${format(x)}`);
    const section = el("section", { className: "report-topics", id: "report-topics" },
      el("h2", { text: "Topics in comments" }),
      el("p", { className: "hint", text: `${part.note} Previous period: ${part.previous_period.from} – ${part.previous_period.to}.` }));
    const open = (t, polarity, value) => {
      if (t.suppressed || !t.mentions || value === null) return share(value);
      const b = el("button", { type: "button", className: "link", dataset: { topic: t.topic, polarity },
        title: `Show the ${polarity} comments about ${t.topic}`, text: share(value) });
      b.addEventListener("click", () => this.comments(t.topic, polarity));
      return b;
    };
    const body = part.topics.map((t) => el("tr", { dataset: { topic: t.topic } },
      el("th", { scope: "row" }, t.suppressed || !t.mentions ? t.topic : (() => {
        const b = el("button", { type: "button", className: "link", dataset: { topic: t.topic, polarity: "" },
          title: `Show the comments about ${t.topic}`, text: t.topic });
        b.addEventListener("click", () => this.comments(t.topic, ""));
        return b;
      })()),
      el("td", {}, t.suppressed ? hidden() : String(t.mentions)),
      el("td", {}, t.suppressed ? hidden() : open(t, "positive", t.positive_share)),
      el("td", {}, t.suppressed ? hidden() : open(t, "negative", t.negative_share)),
      el("td", {}, t.trend.suppressed ? hidden() : signed(t.trend.mentions, String)),
      el("td", {}, t.trend.suppressed ? hidden()
        : signed(t.trend.negative_share, (x) => `${Math.round(x * 1000) / 10} points`))));
    section.append(el("div", { className: "table-wrap" }, el("table", { className: "dsr report", id: "topics-table" },
      el("thead", {}, el("tr", {}, ...["Topic", "Mentions", "Positive", "Negative", "Change in mentions",
        "Change in negative share"].map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, ...body))));
    section.append(el("section", { id: "report-comments", className: "report-comments", hidden: "",
      "aria-labelledby": "report-comments-title" },
      el("h3", { id: "report-comments-title", tabindex: "-1" }),
      el("p", { id: "report-comments-status", className: "hint", role: "status" }),
      el("ul", { id: "report-comments-list", className: "comments" })));
    return section;
  }

  // the comments behind a topic's figure (staff of this hotel; hidden below 5 guests)
  async comments(topic, polarity) {
    const box = this.$("report-comments");
    const status = this.$("report-comments-status");
    const list = this.$("report-comments-list");
    box.hidden = false;
    this.$("report-comments-title").textContent = `Comments about ${topic}${polarity ? ` (${polarity})` : ""}`;
    status.textContent = "Loading the comments…";
    list.replaceChildren();
    const query = new URLSearchParams({ topic, from: this.period.from, to: this.period.to });
    if (polarity) query.set("polarity", polarity);
    let r;
    try {
      r = await api("GET", `${this.app.base}/api/reports/comments?${query}`);
    } catch (e) {
      if (e instanceof LoginRequired) throw e;
      status.textContent = "The comments cannot be loaded; try again.";
      return;
    }
    if (!r.ok) { status.textContent = `The comments cannot be shown: ${r.data.detail || r.data.error || r.status}.`; return; }
    const c = r.data;
    if (c.suppressed) {
      status.textContent = "Fewer than 5 guests wrote these comments: they are not shown.";
    } else {
      status.textContent = c.shown < c.count ? `The newest ${c.shown} of ${c.count} comments.` : `${c.count} comments.`;
      list.replaceChildren(...c.comments.map((m) => el("li", { className: "comment", dataset: { polarity: m.polarity } },
        marked(m.text, [{ topic, polarity: m.polarity, words: m.words }]),
        el("p", { className: "meta", text: [m.day, m.channel, language(m.language), m.polarity]
          .filter((x) => x).join(" · ") }))));
    }
    this.$("report-comments-title").focus();
  }

  // ratings guests gave for topics the hotel does not ask about
  unsolicited(rows) {
    const section = el("section", { className: "report-unsolicited", id: "report-unsolicited" },
      el("h2", { text: "Ratings of topics not asked about" }));
    if (!rows.length) {
      section.append(el("p", { className: "empty", text: "None in this period." }));
      return section;
    }
    section.append(el("div", { className: "table-wrap" }, el("table", { className: "dsr report", id: "unsolicited-table" },
      el("thead", {}, el("tr", {}, ...["Topic", "Ratings", "Mean"].map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, ...rows.map((u) => el("tr", { dataset: { topic: u.topic } },
        el("th", { scope: "row", text: u.topic }),
        el("td", {}, u.suppressed ? hidden() : String(u.count)),
        el("td", {}, u.suppressed ? hidden() : mean(u.mean_value))))))));
    return section;
  }

  // every table as CSV and XLSX (same figures, hidden cells included)
  exports(period) {
    const tables = [["questions", "Questions"], ["distribution", "Answers per value"], ["by_month", "By month"],
      ["by_channel", "By channel"], ["by_language", "By language"], ["nps", "NPS"], ["topics", "Topics"],
      ["unsolicited", "Ratings of topics not asked about"], ["response_rate", "Response rate"]];
    const link = (table, format) => {
      const query = new URLSearchParams({ table, format, from: period.from, to: period.to });
      return el("a", { href: `${this.app.base}/api/reports/export?${query}`, download: "",
        dataset: { table, format }, text: format.toUpperCase() });
    };
    return el("details", { id: "report-exports", className: "report-exports" },
      el("summary", { text: "Export tables (CSV, XLSX)" }),
      el("ul", {}, ...tables.map(([table, title]) => el("li", {}, `${title}: `, link(table, "csv"), " · ",
        link(table, "xlsx")))));
  }

  // answered / invited per journey, channel and language (bot/reports/outreach.py)
  responseRate(rr) {
    const rate = (row) => (row.suppressed ? hidden() : figure(row.rate, (v) => `${Math.round(v * 1000) / 10} %`));
    const count = (row, key) => (row.suppressed ? hidden() : String(row[key]));
    const section = el("section", { className: "response-rate", id: "report-response-rate" },
      el("h2", { text: "Response rate of invitations" }),
      el("p", { className: "hint", text: rr.note }));
    if (rr.suppressed || rr.invited === 0) {
      section.append(el("p", { className: "empty", id: "response-rate-empty", text: rr.suppressed
        ? "Fewer than 5 guests were invited in this period: nothing can be shown."
        : "No invitations were sent in this period." }));
      return section;
    }
    section.append(el("dl", { className: "facts", id: "response-rate-summary" },
      ...[["Invited", String(rr.invited)], ["Answered", String(rr.answered)], ["Rate", rate(rr)],
        ["After the reminder", rr.answered_after_reminder === null ? hidden() : String(rr.answered_after_reminder)]]
        .map(([name, value]) => el("div", {}, el("dt", { text: name }),
          el("dd", { dataset: { fact: name.toLowerCase() } }, value)))));
    const titles = { journey: "Journey", channel: "Channel", language: "Language" };
    for (const [dim, rows] of Object.entries(rr.breakdowns)) {
      section.append(el("div", { className: "table-wrap" }, el("table", { className: "dsr report", dataset: { rate: dim } },
        el("caption", { text: `By ${dim}` }),
        el("thead", {}, el("tr", {}, ...[titles[dim] || dim, "Invited", "Answered", "Rate"].map((t) => el("th", { scope: "col", text: t })))),
        el("tbody", {}, ...rows.map((row) => el("tr", { dataset: { key: row.key } },
          el("th", { scope: "row", text: dim === "language" ? language(row.key) : row.key }),
          el("td", {}, count(row, "invited")), el("td", {}, count(row, "answered")), el("td", {}, rate(row))))))));
    }
    return section;
  }

  summary(report) {
    const facts = [
      ["Period", `${report.period.from} – ${report.period.to} (${report.period.days} days)`],
      ["Responses", report.responses === null ? hidden() : String(report.responses)],
    ];
    if (report.nps) {
      facts.push(["NPS", report.nps.suppressed ? hidden() : figure(report.nps.score, (v) => v.toFixed(1))]);
    }
    return el("dl", { className: "facts", id: "report-summary" }, ...facts.map(([name, value]) =>
      el("div", {}, el("dt", { text: name }),
        el("dd", { dataset: { fact: name.toLowerCase() } }, value))));
  }

  canvas(id, title) {
    const canvas = el("canvas", { id, role: "img", "aria-label": `${title} (the tables below hold the figures)` });
    return el("figure", { className: "chart" }, el("figcaption", { text: title }),
      el("div", { className: "chart-box" }, canvas));
  }

  question(q) {
    const title = q.scale ? `${q.id} (${q.scale.low}–${q.scale.high})` : `${q.id} (text)`;
    const rows = [["Answers", q.suppressed ? hidden() : String(q.count)]];
    if (q.kind === "rating" && !q.suppressed) {
      rows.push(["Mean", mean(q.mean_value)], ["Mean score", percent(q.mean_score) || "–"]);
    }
    const table = el("table", { className: "dsr report" },
      el("caption", { text: title }),
      el("tbody", {}, ...rows.map(([name, value]) =>
        el("tr", {}, el("th", { scope: "row", text: name }), el("td", { dataset: { figure: name.toLowerCase() } }, value)))));
    const parts = [table];
    if (q.distribution && q.distribution.length) {
      const max = Math.max(1, ...q.distribution.map((d) => d.count || 0));
      parts.push(el("table", { className: "dsr report distribution" },
        el("caption", { text: `${q.id}: answers per value` }),
        el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Value" }),
          el("th", { scope: "col", text: "Answers" }), el("th", { scope: "col", text: "" }))),
        el("tbody", {}, ...q.distribution.map((d) => el("tr", { dataset: { value: String(d.value) } },
          el("th", { scope: "row", text: String(d.value) }),
          el("td", {}, d.suppressed ? hidden() : String(d.count)),
          el("td", {}, d.suppressed ? "" : el("meter", { min: "0", max: String(max), value: String(d.count) })))))));
    }
    return el("section", { className: "report-question", dataset: { question: q.id } }, ...parts);
  }

  breakdown(dim, rows, questions) {
    const head = el("tr", {}, el("th", { scope: "col", text: dim === "month" ? "Month" : dim[0].toUpperCase() + dim.slice(1) }),
      el("th", { scope: "col", text: "Responses" }),
      ...questions.map((q) => el("th", { scope: "col", text: q.kind === "rating" ? `${q.id} (score)` : `${q.id} (answers)` })));
    const body = rows.map((row) => el("tr", { dataset: { key: row.key } },
      el("th", { scope: "row", text: dim === "language" ? language(row.key) : row.key }),
      el("td", {}, row.suppressed ? hidden() : String(row.responses)),
      ...questions.map((q) => {
        const c = row.questions[q.id];
        if (!c || c.suppressed) return el("td", {}, hidden());
        if (q.kind !== "rating") return el("td", { text: String(c.count) });
        return el("td", { text: c.count ? `${percent(c.mean_score)} (${c.count})` : "–" });
      })));
    return el("section", { className: "report-breakdown", dataset: { dimension: dim } },
      el("h2", { text: DIMENSION_TITLES[dim] || dim }),
      el("div", { className: "table-wrap" },
        el("table", { className: "dsr report" }, el("thead", {}, head), el("tbody", {}, ...body))));
  }

  async draw(report) {
    let Chart;
    try {
      Chart = await loadChartLibrary();
    } catch (_) {
      this.$("report-status").textContent = "Charts are unavailable; the tables hold every figure.";
      return;
    }
    const ratings = report.questions.filter((q) => q.kind === "rating");
    const months = report.breakdowns.month || [];
    const common = { animation: false, responsive: true, maintainAspectRatio: false };
    const scores = this.$("report-chart-scores");
    const byMonth = this.$("report-chart-months");
    const byTopic = this.$("report-chart-topics");
    if (!scores || !byMonth || !byTopic) return; // another report replaced this one meanwhile
    const topics = ((report.topics || {}).topics || []).filter((t) => !t.suppressed && t.mentions);
    const pct = (v) => (v === null ? null : Math.round(v * 1000) / 10);
    this.charts.push(new Chart(byTopic, {
      type: "bar",
      data: {
        labels: topics.map((t) => t.topic),
        datasets: [
          { label: "Positive (%)", data: topics.map((t) => pct(t.positive_share)), backgroundColor: "#2e8b57" },
          { label: "Negative (%)", data: topics.map((t) => pct(t.negative_share)), backgroundColor: "#c0392b" },
        ],
      },
      options: { ...common, scales: { y: { min: 0, max: 100 } } },
    }));
    this.charts.push(new Chart(scores, {
      type: "bar",
      data: {
        labels: ratings.map((q) => q.id),
        datasets: [{ label: "Mean score (%)",
          data: ratings.map((q) => (q.suppressed || q.mean_score === null ? null : Math.round(q.mean_score * 1000) / 10)) }],
      },
      options: { ...common, scales: { y: { min: 0, max: 100 } }, plugins: { legend: { display: false } } },
    }));
    this.charts.push(new Chart(byMonth, {
      type: "bar",
      data: {
        labels: months.map((m) => m.key),
        datasets: [{ label: "Responses", data: months.map((m) => (m.suppressed ? null : m.responses)) }],
      },
      options: { ...common, scales: { y: { beginAtZero: true } }, plugins: { legend: { display: false } } },
    }));
  }
}

// ---- live connection ------------------------------------------------------------------

function connectLive(app) {
  const status = document.getElementById("live-status");
  let delay = 500;
  const show = (state, text) => { status.dataset.state = state; status.textContent = text; };
  const open = () => {
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${scheme}//${window.location.host}${app.base}/live`);
    ws.addEventListener("message", (e) => {
      let msg;
      try { msg = JSON.parse(e.data); } catch (_) { return; }
      if (!msg || typeof msg !== "object") return;
      if (msg.type === "ready") {
        delay = 500;
        show("live", "live");
        app.resync();
        return;
      }
      app.onEvent(msg);
    });
    ws.addEventListener("close", async (e) => {
      if (e.code === 4401) { window.location.assign("/login"); return; }
      show("offline", "offline, reconnecting…");
      // a refused handshake (session expired) looks like any drop: ask the API
      try { await api("GET", `${app.base}/api/me`); } catch (err) { if (err instanceof LoginRequired) return; }
      const wait = delay * (0.75 + Math.random() / 2);
      delay = Math.min(delay * 2, 15000);
      setTimeout(open, wait);
    });
  };
  open();
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

document.addEventListener("DOMContentLoaded", () => {
  setupLogout();
  const main = document.getElementById("console");
  if (!main || !main.dataset.tenant) return;
  new Console(main).start();
});
