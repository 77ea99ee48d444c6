// Guest lists and the import API (admins; bot/console/outreach.py): upload a guest list
// (checked first, imported on request), the tenant's column mapping, API tokens.
//
// The chosen file is read into memory once; "Check the list" sends those bytes with
// ?dry_run=1 and "Import" sends the same bytes again, so what is imported is what was
// checked. Every text from the server is inserted with textContent, never as HTML.
"use strict";

// csrf, request and el come from dom.js (loaded first).

const $ = (id) => document.getElementById(id);

function show(node, text) {
  node.textContent = text;
  node.hidden = !text;
}

function when(epoch) {
  if (!epoch) return "never";
  return new Date(epoch * 1000).toISOString().slice(0, 16).replace("T", " ") + " UTC";
}

function count(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function problem(r) {
  return r.data.detail || r.data.error || `HTTP ${r.status}`;
}

// ---- upload ---------------------------------------------------------------------------

class Upload {
  constructor(base, maxBytes) {
    this.base = base;
    this.maxBytes = maxBytes;
    this.bytes = null;
    $("upload-form").addEventListener("submit", (e) => { e.preventDefault(); this.check(); });
    $("upload-file").addEventListener("change", () => { this.bytes = null; $("upload-result").hidden = true; });
    $("upload-import").addEventListener("click", () => this.apply());
  }

  async check() {
    const file = $("upload-file").files[0];
    show($("upload-error"), "");
    if (!file) { show($("upload-error"), "Choose a file first."); return; }
    if (file.size > this.maxBytes) {
      show($("upload-error"), `The file is larger than ${Math.floor(this.maxBytes / 1e6)} MB: split it, or use the command-line import.`);
      return;
    }
    this.bytes = await file.arrayBuffer();
    await this.send(true);
  }

  async apply() {
    if (!this.bytes) return;
    await this.send(false);
  }

  async send(dryRun) {
    const buttons = [$("upload-check"), $("upload-import")];
    buttons.forEach((b) => { b.disabled = true; });
    show($("upload-summary"), dryRun ? "Checking the list…" : "Importing…");
    $("upload-result").hidden = false;
    let r;
    try {
      r = await request("POST", `${this.base}/api/outreach/upload?dry_run=${dryRun ? 1 : 0}`, { bytes: this.bytes });
    } catch (_) {
      r = null;
    }
    buttons.forEach((b) => { b.disabled = false; });
    if (!r || !r.ok) {
      $("upload-result").hidden = true;
      show($("upload-error"), r ? `The list cannot be read: ${problem(r)}.` : "The console cannot be reached; try again.");
      return;
    }
    this.render(r.data);
    if (!dryRun) this.bytes = null;
  }

  render(report) {
    const rejected = report.rejected;
    const what = report.dry_run ? "would be" : "were";
    const summary = report.dry_run
      ? `${report.rows} rows checked: ${report.new} new, ${report.changed} changed, ${report.unchanged} unchanged, ${rejected} rejected. Nothing is stored yet.`
      : `Imported: ${report.new} new, ${report.changed} changed, ${report.unchanged} unchanged; ${rejected} rows rejected (not imported).`;
    show($("upload-summary"), summary);
    $("upload-summary").dataset.dryRun = report.dry_run ? "1" : "0";
    show($("upload-ignored"), report.ignored_columns.length
      ? `Columns ignored (map them below if they hold a field): ${report.ignored_columns.join(", ")}` : "");
    const rows = report.rejections.map((x) => el("tr", { dataset: { line: String(x.line) } },
      el("td", { text: String(x.line) }),
      el("td", { text: x.column || "(the row)" }),
      el("td", { text: x.reason })));
    $("upload-rejected").replaceChildren(...rows);
    $("upload-rejections").hidden = rows.length === 0;
    const importable = report.dry_run && (report.new + report.changed) > 0;
    const button = $("upload-import");
    button.hidden = !importable;
    button.textContent = `Import ${count(report.new + report.changed, "stay")}`
      + (rejected ? ` (${count(rejected, "rejected row")} ${what} skipped)` : "");
  }
}

// ---- column mapping ---------------------------------------------------------------------

class Mapping {
  constructor(base, fields) {
    this.base = base;
    this.fields = fields;
    $("mapping-add").addEventListener("click", () => { this.row("", ""); this.lastInput().focus(); });
    $("mapping-save").addEventListener("click", () => this.save());
  }

  lastInput() {
    const inputs = $("mapping-rows").querySelectorAll("input");
    return inputs[inputs.length - 1];
  }

  row(header, field) {
    const n = $("mapping-rows").children.length + 1;
    const input = el("input", { type: "text", maxlength: "64", "aria-label": `Column ${n} in your export` });
    input.value = header;
    const select = el("select", { "aria-label": `Field of column ${n}` },
      ...this.fields.map((f) => el("option", { value: f, text: f })));
    select.value = field || this.fields[0];
    const remove = el("button", { type: "button", text: "Remove" });
    const tr = el("tr", {}, el("td", {}, input), el("td", {}, select), el("td", {}, remove));
    remove.addEventListener("click", () => tr.remove());
    $("mapping-rows").append(tr);
  }

  async load() {
    const r = await request("GET", `${this.base}/api/outreach/mapping`);
    if (!r.ok) { show($("mapping-error"), `The mapping cannot be loaded: ${problem(r)}.`); return; }
    $("mapping-rows").replaceChildren();
    for (const m of r.data.mapping) this.row(m.header, m.field);
  }

  async save() {
    const mapping = {};
    for (const tr of $("mapping-rows").children) {
      const header = tr.querySelector("input").value.trim();
      if (header) mapping[header] = tr.querySelector("select").value;
    }
    show($("mapping-status"), "");
    const r = await request("POST", `${this.base}/api/outreach/mapping`, { json: { mapping } });
    if (!r.ok) { show($("mapping-error"), `The mapping was not saved: ${problem(r)}.`); return; }
    show($("mapping-error"), "");
    show($("mapping-status"), `Mapping saved (${count(r.data.mapping.length, "column")}).`);
    await this.load();
  }
}

// ---- API tokens -----------------------------------------------------------------------

class Tokens {
  constructor(base) {
    this.base = base;
    $("token-form").addEventListener("submit", (e) => { e.preventDefault(); this.create(); });
  }

  async load() {
    const r = await request("GET", `${this.base}/api/outreach/tokens`);
    const list = $("token-list");
    if (!r.ok) { show($("token-error"), `The tokens cannot be loaded: ${problem(r)}.`); return; }
    list.replaceChildren(...r.data.tokens.map((t) => {
      const actions = el("td", {});
      if (!t.revoked_at) {
        const revoke = el("button", { type: "button", text: "Revoke", "aria-label": `Revoke ${t.name}` });
        revoke.addEventListener("click", () => this.revoke(t));
        actions.append(revoke);
      }
      return el("tr", { dataset: { token: t.id } },
        el("td", { text: t.name }),
        el("td", {}, el("code", { text: t.id })),
        el("td", { text: when(t.created_at) }),
        el("td", { text: when(t.last_used_at) }),
        el("td", { text: t.revoked_at ? `revoked ${when(t.revoked_at)}` : "valid" }),
        actions);
    }));
    list.setAttribute("aria-busy", "false");
  }

  async create() {
    const name = $("token-name").value;
    const r = await request("POST", `${this.base}/api/outreach/tokens`, { json: { name } });
    if (!r.ok) { show($("token-error"), `No token was created: ${problem(r)}.`); return; }
    show($("token-error"), "");
    $("token-value").textContent = r.data.token;
    $("token-new").hidden = false;
    $("token-name").value = "";
    await this.load();
  }

  async revoke(t) {
    if (!window.confirm(`Revoke the token "${t.name}"? Calls with it are refused from now on.`)) return;
    const r = await request("POST", `${this.base}/api/outreach/tokens/${encodeURIComponent(t.id)}/revoke`);
    if (!r.ok) show($("token-error"), `The token was not revoked: ${problem(r)}.`);
    $("token-new").hidden = true;
    await this.load();
  }
}

function setupLogout() {
  const form = $("logout");
  if (!form) return;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    await request("POST", "/logout").catch(() => null);
    window.location.assign("/login");
  });
}

document.addEventListener("DOMContentLoaded", () => {
  setupLogout();
  const main = $("outreach");
  if (!main) return;
  const base = `/t/${encodeURIComponent(main.dataset.tenant)}`;
  new Upload(base, Number(main.dataset.maxUpload));
  const mapping = new Mapping(base, main.dataset.fields.split(","));
  const tokens = new Tokens(base);
  mapping.load().catch(() => null);
  tokens.load().catch(() => null);
});
