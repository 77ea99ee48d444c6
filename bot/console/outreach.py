"""Outreach administration in the console, for the tenant's admins:

    GET  /t/<tenant>/outreach                          the page (static/outreach.js)
    POST /t/<tenant>/api/outreach/upload?dry_run=1     a guest list (CSV or XLSX) as the body
    GET  /t/<tenant>/api/outreach/mapping              the column mapping
    POST /t/<tenant>/api/outreach/mapping              {mapping: {"Gastname": "first_name"}}
    GET  /t/<tenant>/api/outreach/tokens               the API tokens (never the tokens)
    POST /t/<tenant>/api/outreach/tokens               {name}: a new token, shown once (201)
    POST /t/<tenant>/api/outreach/tokens/<id>/revoke   end one

Every handler passes `access(..., need="admin")` first (audited; agents 403, another
tenant 404); the POSTs carry the session's CSRF token like every console change.

The upload's body is the file itself (any content type but JSON), at most `MAX_UPLOAD`
bytes, read into memory and parsed there (bot/outreach/parse.py with the tenant's column
mapping): it is never written to disk, and dropped when the answer is sent. Parsing
and storing run shielded (a browser that leaves does not cut an import short) with a
response timeout of `UPLOAD_SECONDS` for that connection, once the body is in. With
`dry_run=1` nothing is stored: the page shows the counts and every rejected row (line,
column, reason) and sends the same bytes again without it to import
(bot/outreach/importer.py, rejected rows skipped, as the CLI does). An import is audited
as `stays.import` with its id and counts.
"""

from __future__ import annotations

import asyncio
import logging
from html import escape
from typing import Any

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.audit.log import AuditRecord
from bot.base.errors import InvalidInput
from bot.base.logs import event
from bot.base.sealing import Cipher
from bot.console.access import NotVisible, access
from bot.console.pages import _csrf_meta, _logout, _page
from bot.console.routes import json_body
from bot.console.stays_api import bulk, read_body
from bot.outreach.importer import ImportReport, import_stays
from bot.outreach.mapping import MappingStore, hotel_of
from bot.outreach.parse import STAY_FIELDS, parse_bytes
from bot.outreach.stays import StayStore
from bot.outreach.tokens import TokenStore, new_token_id
from bot.storage.mongo import MongoStore

logger = logging.getLogger(__name__)

MAX_UPLOAD = 5_000_000  # bytes: some 50,000 rows; larger lists go through the CLI
UPLOADS_AT_ONCE = 2  # per console process: bounds the memory uploads hold
UPLOAD_SECONDS = 300  # the response timeout of an upload's connection (50,000 rows: ~40 s)
OUTREACH_ROUTES = (
    ("GET", "/t/<tenant>/outreach", "outreach_page"),
    ("POST", "/t/<tenant>/api/outreach/upload", "outreach_upload"),
    ("GET", "/t/<tenant>/api/outreach/mapping", "mapping_show"),
    ("POST", "/t/<tenant>/api/outreach/mapping", "mapping_save"),
    ("GET", "/t/<tenant>/api/outreach/tokens", "tokens_list"),
    ("POST", "/t/<tenant>/api/outreach/tokens", "tokens_create"),
    ("POST", "/t/<tenant>/api/outreach/tokens/<token_id>/revoke", "tokens_revoke"),
)


def register(app: Sanic) -> None:
    handlers = {
        "outreach_page": outreach_page,
        "outreach_upload": outreach_upload,
        "mapping_show": mapping_show,
        "mapping_save": mapping_save,
        "tokens_list": tokens_list,
        "tokens_create": tokens_create,
        "tokens_revoke": tokens_revoke,
    }
    for method, path, name in OUTREACH_ROUTES:
        stream = name == "outreach_upload"  # read by the handler, with its own limit
        app.add_route(handlers[name], path, methods=[method], name=name, stream=stream)
    app.register_listener(_open, "before_server_start")


async def _open(app: Sanic, _loop: Any) -> None:
    app.ctx.upload_slots = asyncio.Semaphore(UPLOADS_AT_ONCE)
    app.ctx.upload_jobs = set()  # running imports (shielded from a client that leaves)


def _mongo(request: Request) -> MongoStore:
    return MongoStore(request.app.ctx.mongo, request.app.ctx.settings.db_prefix)


# ---- the page ---------------------------------------------------------------------------


async def outreach_page(request: Request, tenant: str) -> HTTPResponse:
    grant = await access(
        request, tenant, action="outreach.open", resource_type="tenant", resource_id=tenant, need="admin"
    )
    name = request.app.ctx.tenants.get(grant.tenant_id).name
    return response.html(
        page(grant.tenant_id, name, grant.staff.username, request.ctx.session.csrf, MAX_UPLOAD)
    )


def page(tenant_id: str, tenant_name: str, username: str, csrf: str, max_upload: int) -> str:
    """Upload, column mapping and API tokens; static/outreach.js does the rest."""
    fields = ",".join(STAY_FIELDS)
    body = f"""<header>
<strong>{escape(tenant_name)}</strong>
<span class="who">{escape(username)} <span class="role">admin</span></span>
<nav class="admin-nav" aria-label="Views"><a href="/t/{escape(tenant_id)}/">Inbox</a></nav>
{_logout(csrf)}
</header>
<main id="outreach" data-tenant="{escape(tenant_id)}" data-fields="{escape(fields)}"
 data-max-upload="{max_upload}">
<h1>Guest lists and the import API</h1>
<section id="upload" aria-labelledby="upload-title">
<h2 id="upload-title">Upload a guest list</h2>
<p class="hint" id="upload-help">A CSV or XLSX export of your PMS, at most {max_upload // 1_000_000} MB.
It is checked first and nothing is stored until you import it; the file itself is never kept.</p>
<form id="upload-form">
<label for="upload-file">Guest list</label>
<input type="file" id="upload-file" name="file" required aria-describedby="upload-help"
 accept=".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet">
<button type="submit" id="upload-check">Check the list</button>
</form>
<p id="upload-error" class="error" role="alert" hidden></p>
<div id="upload-result" hidden>
<p id="upload-summary" role="status"></p>
<p id="upload-ignored" class="hint" hidden></p>
<div class="table-wrap">
<table id="upload-rejections" class="dsr" hidden>
<caption>Rejected rows (not imported)</caption>
<thead><tr><th scope="col">Line</th><th scope="col">Column</th><th scope="col">Reason</th></tr></thead>
<tbody id="upload-rejected"></tbody>
</table>
</div>
<p class="actions"><button type="button" id="upload-import" hidden>Import</button></p>
</div>
</section>
<section id="mapping" aria-labelledby="mapping-title">
<h2 id="mapping-title">Column mapping</h2>
<p class="hint">Your export's column names and the field each one holds, for the upload here
and the command-line import. The template's names and the usual ones in English, German, French,
Spanish and Italian need no mapping.</p>
<div class="table-wrap">
<table class="dsr">
<thead><tr><th scope="col">Column in your export</th><th scope="col">Field</th>
<th scope="col">Actions</th></tr></thead>
<tbody id="mapping-rows"></tbody>
</table>
</div>
<p class="actions"><button type="button" id="mapping-add">Add a column</button>
<button type="button" id="mapping-save">Save the mapping</button></p>
<p id="mapping-error" class="error" role="alert" hidden></p>
<p id="mapping-status" class="hint" role="status"></p>
</section>
<section id="tokens" aria-labelledby="tokens-title">
<h2 id="tokens-title">API tokens</h2>
<p class="hint">For a PMS or middleware sending stays to <code>POST /t/{escape(tenant_id)}/api/stays</code>.
A token is shown once, when it is created; revoke one that is no longer used.</p>
<form id="token-form">
<label for="token-name">Name</label>
<input id="token-name" name="name" maxlength="64" required placeholder="the system that uses it">
<button type="submit" id="token-create">Create a token</button>
</form>
<div id="token-new" class="notice" role="status" hidden>
<p>Copy this token now: it is not shown again.</p>
<p><code id="token-value"></code></p>
</div>
<p id="token-error" class="error" role="alert" hidden></p>
<div class="table-wrap">
<table class="dsr">
<thead><tr><th scope="col">Name</th><th scope="col">Id</th><th scope="col">Created</th>
<th scope="col">Last used</th><th scope="col">State</th><th scope="col">Actions</th></tr></thead>
<tbody id="token-list" aria-busy="true"></tbody>
</table>
</div>
</section>
</main>"""
    return _page("Guest lists", body, script="outreach.js", meta=_csrf_meta(csrf))


# ---- upload -----------------------------------------------------------------------------


def _flag(args: Any, name: str) -> bool:
    value = args.get(name, "0")
    if value not in ("0", "1", "true", "false"):
        raise InvalidInput(f"{name}_invalid", "1 or 0")
    return value in ("1", "true")


async def outreach_upload(request: Request, tenant: str) -> HTTPResponse:
    grant = await access(request, tenant, action="stays.upload", resource_type="stays", need="admin")
    dry_run = _flag(request.args, "dry_run")
    kind = (request.content_type or "").lower()
    if kind.startswith(("application/json", "multipart/", "application/x-www")):
        return response.json(
            {"error": "file_required", "detail": "send the file itself as the body"}, status=415
        )
    ctx = request.app.ctx
    async with ctx.upload_slots:
        data = await read_body(request, MAX_UPLOAD)
        if not data:
            raise InvalidInput("file_required", "the body is empty: send the guest list")
        # parsing and storing a large list outlasts the console's 30 s response timeout:
        # this connection gets longer (the body is in: no slow sender holds it)
        protocol = getattr(request.transport, "get_protocol", lambda: None)()
        if protocol is not None and hasattr(protocol, "response_timeout"):
            protocol.response_timeout = max(protocol.response_timeout, UPLOAD_SECONDS)
        # shielded: a browser that goes away mid-import does not cut the import short
        job = asyncio.ensure_future(_upload(request, grant.tenant_id, grant.staff.id, data, dry_run))
        ctx.upload_jobs.add(job)
        job.add_done_callback(ctx.upload_jobs.discard)
        del data
        report = await asyncio.shield(job)
    event(logger, "console.outreach.upload", tenant=grant.tenant_id, actor=grant.staff.id, **report.counts())
    return response.json(report.public())


async def _upload(request: Request, tenant_id: str, actor: str, data: bytes, dry_run: bool) -> ImportReport:
    ctx, s = request.app.ctx, request.app.ctx.settings
    columns = await MappingStore(_mongo(request), tenant_id).columns()
    hotel = hotel_of(ctx.tenants.get(tenant_id), columns)
    parsed = await asyncio.to_thread(parse_bytes, data, hotel)  # BadFile: 400 bad_file
    del data
    store = StayStore(bulk(request), tenant_id, Cipher(s.data_keys), s.guest_key)
    report = await import_stays(store, parsed, dry_run=dry_run)
    if not dry_run:
        record = AuditRecord(
            actor, "stays.import", "stays", report.import_id, "allowed", tenant_id, report.counts()
        )
        await ctx.audit.tenant(tenant_id, record)
    return report


# ---- column mapping ---------------------------------------------------------------------


def _mapping_public(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    return {"mapping": [{"header": h, "field": f} for h, f in pairs], "fields": list(STAY_FIELDS)}


async def mapping_show(request: Request, tenant: str) -> HTTPResponse:
    grant = await access(
        request, tenant, action="outreach_mapping.read", resource_type="mapping", need="admin"
    )
    return response.json(_mapping_public(await MappingStore(_mongo(request), grant.tenant_id).get()))


async def mapping_save(request: Request, tenant: str) -> HTTPResponse:
    grant = await access(
        request, tenant, action="outreach_mapping.save", resource_type="mapping", need="admin"
    )
    body = json_body(request)
    pairs = await MappingStore(_mongo(request), grant.tenant_id).save(body.get("mapping"), by=grant.staff.id)
    event(
        logger, "console.outreach.mapping", tenant=grant.tenant_id, actor=grant.staff.id, columns=len(pairs)
    )
    return response.json(_mapping_public(pairs))


# ---- API tokens -------------------------------------------------------------------------


async def tokens_list(request: Request, tenant: str) -> HTTPResponse:
    grant = await access(request, tenant, action="api_token.list", resource_type="api_token", need="admin")
    tokens = await TokenStore(_mongo(request), grant.tenant_id).list()
    return response.json({"tokens": [t.public() for t in tokens]})


async def tokens_create(request: Request, tenant: str) -> HTTPResponse:
    token_id = new_token_id()
    grant = await access(
        request,
        tenant,
        action="api_token.create",
        resource_type="api_token",
        resource_id=token_id,
        need="admin",
    )
    body = json_body(request)
    store = TokenStore(_mongo(request), grant.tenant_id)
    token, made = await store.create(body.get("name"), by=grant.staff.id, token_id=token_id)
    event(
        logger, "console.outreach.token_created", tenant=grant.tenant_id, actor=grant.staff.id, token=made.id
    )
    return response.json({**made.public(), "token": token}, status=201)


async def tokens_revoke(request: Request, tenant: str, token_id: str) -> HTTPResponse:
    grant = await access(
        request,
        tenant,
        action="api_token.revoke",
        resource_type="api_token",
        resource_id=token_id[:40],
        need="admin",
    )
    revoked = await TokenStore(_mongo(request), grant.tenant_id).revoke(token_id, by=grant.staff.id)
    if revoked is None:
        raise NotVisible("no such token")
    event(
        logger,
        "console.outreach.token_revoked",
        tenant=grant.tenant_id,
        actor=grant.staff.id,
        token=revoked.id,
    )
    return response.json(revoked.public())
