"""The stay-import API and the console's outreach administration against the running
stack: an admin creates a token (shown once, stored hashed), a PMS posts batches with
it (new, then unchanged when replayed, typed errors per item, 422 when nothing could
be written), and every bad input has its clear answer: no, malformed, unknown, revoked
or another tenant's token 401; malformed JSON 400; wrong content type 415; oversized
413; two identical batches at once store each stay once; the rate per token 429. The
console upload checks a guest list (dry run), then imports it; agents get 403, other
tenants' staff 404, a missing CSRF token 403; the column mapping is used by the upload
and the CLI; the CLI creates, lists and revokes tokens."""

from __future__ import annotations

import asyncio
import json
import re
import secrets
from typing import Any

import aiohttp
import pytest

from bot.base.names import API_TOKENS, STAYS
from bot.outreach.stays import stay_id
from tests.console.client import Browser, audit_records, clear_login_failures, make_staff
from tests.stack.client import mongo, tenant_db
from tests.stack.test_outreach_import import run

pytestmark = pytest.mark.stack

INVALID = {"error": "token_invalid", "detail": "send Authorization: Bearer <an API token of this hotel>"}


@pytest.fixture(autouse=True)
async def _fresh_ip(stack):
    await clear_login_failures(stack)
    yield
    client = mongo(stack)  # each test's tokens are revoked after it (a tenant has at most 20 valid)
    try:
        for tenant in ("alpenhof", "laguna"):
            coll = tenant_db(stack, client, tenant)[API_TOKENS]
            await coll.update_many({"revoked_at": 0}, {"$set": {"revoked_at": 1.0, "revoked_by": "test"}})
    finally:
        client.close()


@pytest.fixture()
async def admin(stack):
    account = await make_staff(stack, {"alpenhof": "admin"})
    async with Browser(stack) as b:
        await b.login_ok(account, "alpenhof")
        b.account = account  # type: ignore[attr-defined]
        yield b


async def new_token(admin: Browser, name: str = "PMS") -> dict[str, Any]:
    status, made = await admin.request("POST", "/t/alpenhof/api/outreach/tokens", {"name": name})
    assert status == 201, made
    return made


async def post(
    stack,
    tenant: str,
    token: str | None,
    body: Any = None,
    *,
    raw: bytes | None = None,
    content_type: str = "application/json",
    header: str | None = None,
) -> tuple[int, Any, Any]:
    headers = {"Content-Type": content_type}
    if header is not None:
        headers["Authorization"] = header
    elif token is not None:
        headers["Authorization"] = f"Bearer {token}"
    data = raw if raw is not None else json.dumps(body).encode()
    url = f"{stack.settings.console_url}/t/{tenant}/api/stays"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http:
        async with http.post(url, data=data, headers=headers) as r:
            text = await r.text()
            try:
                return r.status, json.loads(text), r.headers
            except ValueError:
                return r.status, text, r.headers


def stay(reservation: str, **fields: Any) -> dict[str, Any]:
    return {
        "reservation": reservation,
        "status": "expected",
        "arrival": "2026-12-20",
        "departure": "2026-12-23",
        "phone": "+49 170 " + str(1_000_000 + secrets.randbelow(8_999_999)),
        "language": "de",
        **fields,
    }


async def stays_of(stack, tenant: str, refs: list[str]) -> list[dict]:
    client = mongo(stack)
    try:
        ids = [stay_id(stack.settings.guest_key, tenant, r) for r in refs]
        return await tenant_db(stack, client, tenant)[STAYS].find({"_id": {"$in": ids}}).to_list(None)
    finally:
        client.close()


async def test_a_pms_sends_a_batch_then_the_same_again_and_it_is_audited(stack, admin):
    made = await new_token(admin, "Mews middleware")
    token = made["token"]
    assert token.startswith("rpt_") and made["last_used_at"] is None
    status, listing = await admin.request("GET", "/t/alpenhof/api/outreach/tokens")
    assert status == 200 and made["id"] in {t["id"] for t in listing["tokens"]}
    assert token not in json.dumps(listing)  # shown once only
    client = mongo(stack)
    try:
        doc = await tenant_db(stack, client, "alpenhof")[API_TOKENS].find_one({"_id": made["id"]})
    finally:
        client.close()
    assert doc["created_by"] == admin.account.id and token not in json.dumps(doc, default=str)

    ref = "API-" + secrets.token_hex(4)
    body = {
        "stays": [
            stay(f"{ref}-1", first_name="Jürgen", email="j@example.org"),
            stay(f"{ref}-2", status="checked_out", checked_out_at="2026-12-23T10:15:00"),
            stay(f"{ref}-3", status="maybe", phone="12"),
            stay(f"{ref}-1"),
        ]
    }
    status, answer, _ = await post(stack, "alpenhof", token, body)
    assert status == 200, answer
    assert {k: answer[k] for k in ("received", "new", "changed", "unchanged", "rejected")} == {
        "received": 4,
        "new": 2,
        "changed": 0,
        "unchanged": 0,
        "rejected": 2,
    }
    results = answer["results"]
    assert [(r["index"], r["reservation"], r["outcome"]) for r in results] == [
        (0, f"{ref}-1", "new"),
        (1, f"{ref}-2", "new"),
        (2, f"{ref}-3", "rejected"),
        (3, f"{ref}-1", "rejected"),
    ]
    assert [(e["field"], e["code"]) for e in results[2]["errors"]] == [
        ("status", "invalid_status"),
        ("phone", "invalid_phone"),
    ]
    assert results[3]["errors"] == [
        {"field": "reservation", "code": "duplicate", "message": "the same reservation as item 0"}
    ]
    stored = await stays_of(stack, "alpenhof", [f"{ref}-1", f"{ref}-2"])
    assert len(stored) == 2 and {d["source"] for d in stored} == {"api"}
    assert all("j@example.org" not in json.dumps(d, default=str) for d in stored)  # sealed

    status, replay, _ = await post(stack, "alpenhof", token, body)
    assert status == 200 and (replay["new"], replay["unchanged"], replay["rejected"]) == (0, 2, 2)
    records = await audit_records(
        stack, stack.settings.db_prefix + "alpenhof", actor=f"token:{made['id']}", action="stays.api"
    )
    assert [r["detail"]["new"] for r in records] == [2, 0] and records[0]["resource_id"] == answer["batch"]
    assert ref not in json.dumps(records, default=str)  # ids and counts only
    status, listing = await admin.request("GET", "/t/alpenhof/api/outreach/tokens")
    (mine,) = [t for t in listing["tokens"] if t["id"] == made["id"]]
    assert mine["last_used_at"] is not None
    assert ref not in (stack.logs_dir / "console.log").read_text(errors="replace")


async def test_missing_malformed_unknown_revoked_and_other_tenants_tokens_are_401(stack, admin):
    made = await new_token(admin)
    body = {"stays": [stay("R401-" + secrets.token_hex(3))]}
    laguna_admin = await make_staff(stack, {"laguna": "admin"})
    async with Browser(stack) as lb:
        await lb.login_ok(laguna_admin, "laguna")
        status, laguna = await lb.request("POST", "/t/laguna/api/outreach/tokens", {"name": "laguna PMS"})
        assert status == 201
    cases = [
        ("alpenhof", None, None),
        ("alpenhof", None, "Basic dXNlcjpwYXNz"),
        ("alpenhof", None, f"Bearer {made['token']} extra"),
        ("alpenhof", "rpt_" + secrets.token_urlsafe(32), None),  # well formed, unknown
        ("alpenhof", "x" * 5000, None),
        ("alpenhof", laguna["token"], None),  # laguna's token on alpenhof
        ("laguna", made["token"], None),  # and the other way round
        ("nowhere", made["token"], None),  # a tenant that does not exist: the same answer
    ]
    for tenant, token, header in cases:
        status, answer, headers = await post(stack, tenant, token, body, header=header)
        assert (status, answer) == (401, INVALID), (tenant, header, status, answer)
        assert headers["WWW-Authenticate"].startswith("Bearer")
    status, _, _ = await post(stack, "alpenhof", made["token"], body)
    assert status == 200
    status, revoked = await admin.request("POST", f"/t/alpenhof/api/outreach/tokens/{made['id']}/revoke")
    assert status == 200 and revoked["revoked_at"] and revoked["revoked_by"] == admin.account.id
    status, answer, _ = await post(stack, "alpenhof", made["token"], body)
    assert (status, answer) == (401, INVALID)  # revoked: the same answer as unknown
    denied = await audit_records(
        stack, stack.settings.db_prefix + "alpenhof", actor=f"token:{made['id']}", outcome="denied"
    )
    assert len(denied) == 1
    status, answer = await admin.request("POST", "/t/alpenhof/api/outreach/tokens/tok_000000000000/revoke")
    assert (status, answer) == (404, {"error": "not_found"})
    # laguna's token cannot be revoked (nor seen) from alpenhof
    status, _ = await admin.request("POST", f"/t/alpenhof/api/outreach/tokens/{laguna['id']}/revoke")
    assert status == 404


@pytest.mark.parametrize(
    ("raw", "content_type", "status", "code"),
    [
        (b'{"stays": [', "application/json", 400, "json_invalid"),
        (b'{"stays": [NaN]}', "application/json", 400, "json_invalid"),
        (b"[" * 30_000 + b"]" * 30_000, "application/json", 400, "json_too_deep"),
        (b'["stays"]', "application/json", 400, "json_object_required"),
        (b'{"stays": "R-1"}', "application/json", 400, "stays_required"),
        (b'{"stays": []}', "application/json", 400, "stays_empty"),
        (b'{"stays": [], "extra": 1}', "application/json", 400, "parameter_unknown"),
        (b"", "application/json", 400, "json_invalid"),
        (b'{"stays": []}', "text/plain", 415, "json_required"),
        (b"reservation,status\nR-1,expected\n", "text/csv", 415, "json_required"),
        (b'{"stays": [], "x": "' + b"a" * 1_100_000 + b'"}', "application/json", 413, "too_large"),
    ],
    ids=[
        "truncated",
        "nan",
        "deep",
        "array",
        "stays-string",
        "empty",
        "unknown-key",
        "no-body",
        "text",
        "csv",
        "oversized",
    ],
)
async def test_bad_bodies_get_their_typed_answer(stack, admin, raw, content_type, status, code):
    made = await new_token(admin, f"bad body {code}")
    got, answer, _ = await post(stack, "alpenhof", made["token"], raw=raw, content_type=content_type)
    assert (got, answer["error"]) == (status, code), answer


async def test_too_many_stays_is_413_and_a_batch_of_only_invalid_stays_is_422(stack, admin):
    made = await new_token(admin)
    ref = "R422-" + secrets.token_hex(3)
    status, answer, _ = await post(stack, "alpenhof", made["token"], {"stays": [stay(ref)] * 501})
    assert (status, answer["error"]) == (413, "batch_too_large")
    body = {"stays": [stay(ref, arrival="tomorrow"), "not a stay", stay(ref + "x", phone=None, room=1)]}
    status, answer, _ = await post(stack, "alpenhof", made["token"], body)
    assert status == 422 and answer["rejected"] == 3 and answer["written"] is False
    assert [[(e["field"], e["code"]) for e in r["errors"]] for r in answer["results"]] == [
        [("arrival", "invalid_date")],
        [(None, "not_object")],
        [("room", "unknown_field"), (None, "no_contact")],
    ]
    status, answer, _ = await post(
        stack, "alpenhof", made["token"], {"stays": [stay(ref), stay("")], "strict": True}
    )
    assert status == 422 and [r["outcome"] for r in answer["results"]] == ["rejected", "rejected"]
    assert await stays_of(stack, "alpenhof", [ref, ref + "x"]) == []


async def test_two_identical_batches_at_once_store_each_stay_once(stack, admin):
    made = await new_token(admin)
    ref = "RC-" + secrets.token_hex(4)
    body = {"stays": [stay(f"{ref}-{i}") for i in range(50)]}
    (s1, a1, _), (s2, a2, _) = await asyncio.gather(
        post(stack, "alpenhof", made["token"], body), post(stack, "alpenhof", made["token"], body)
    )
    assert (s1, s2) == (200, 200), (a1, a2)
    assert a1["rejected"] == a2["rejected"] == 0
    assert a1["new"] + a1["unchanged"] == 50 and a2["new"] + a2["unchanged"] == 50
    stored = await stays_of(stack, "alpenhof", [f"{ref}-{i}" for i in range(50)])
    assert len(stored) == 50
    status, again, _ = await post(stack, "alpenhof", made["token"], body)
    assert status == 200 and again["unchanged"] == 50


async def test_the_rate_per_token_is_limited(stack, admin):
    fast, other = await new_token(admin, "fast"), await new_token(admin, "other")
    answers = await asyncio.gather(
        *(post(stack, "alpenhof", fast["token"], raw=b"{}", content_type="text/plain") for _ in range(30))
    )
    statuses = [s for s, _, _ in answers]
    assert statuses.count(429) >= 5 and set(statuses) == {415, 429}, statuses
    (limited,) = {(s, a["error"], h["Retry-After"]) for s, a, h in answers if s == 429}
    assert limited == (429, "rate_limited", "5")
    status, _, _ = await post(stack, "alpenhof", other["token"], raw=b"{}", content_type="text/plain")
    assert status == 415  # another token has its own budget


# ---- the console's administration -----------------------------------------------------

GUEST_LIST = "Buchungscode;Zustand;Anreise;Abreise;Gastname;Handy;Notiz\n{rows}"


async def test_upload_dry_run_then_import_with_the_tenants_mapping(stack, admin):
    mark = "NOTE" + secrets.token_hex(6)  # an ignored column: must not be kept anywhere
    ref = "UP-" + secrets.token_hex(4)
    rows = "\n".join(
        [
            f"{ref}-1;erwartet;2026-12-20;2026-12-23;Jürgen;0170 1234567;{mark}",
            f"{ref}-2;abgereist;2026-12-01;2026-12-04;Anna;+39 347 123 4567;{mark}",
            f"{ref}-3;bald;2026-12-01;2026-12-04;;12;{mark}",
        ]
    )
    data = GUEST_LIST.format(rows=rows).encode("utf-8")
    status, answer = await admin.request(
        "POST", "/t/alpenhof/api/outreach/upload?dry_run=1", raw=data, content_type="text/csv"
    )
    assert (status, answer["error"]) == (400, "bad_file")  # unknown column names, before the mapping
    mapping = {"Buchungscode": "reservation", "Zustand": "status", "Gastname": "first_name", "Handy": "phone"}
    status, saved = await admin.request("POST", "/t/alpenhof/api/outreach/mapping", {"mapping": mapping})
    assert status == 200 and len(saved["mapping"]) == 4
    status, shown = await admin.request("GET", "/t/alpenhof/api/outreach/mapping")
    assert shown["mapping"][0] == {"header": "Buchungscode", "field": "reservation"}

    status, dry = await admin.request(
        "POST", "/t/alpenhof/api/outreach/upload?dry_run=1", raw=data, content_type="text/csv"
    )
    assert status == 200, dry
    assert (dry["dry_run"], dry["new"], dry["rejected"], dry["written"]) == (True, 2, 1, 0)
    assert dry["ignored_columns"] == ["Notiz"]
    assert [(r["line"], r["column"]) for r in dry["rejections"]] == [(4, "Zustand"), (4, "Handy")]
    assert await stays_of(stack, "alpenhof", [f"{ref}-1"]) == []

    status, done = await admin.request(
        "POST", "/t/alpenhof/api/outreach/upload", raw=data, content_type="text/csv"
    )
    assert status == 200 and (done["dry_run"], done["new"], done["written"]) == (False, 2, 2)
    assert len(await stays_of(stack, "alpenhof", [f"{ref}-1", f"{ref}-2"])) == 2
    records = await audit_records(stack, stack.settings.db_prefix + "alpenhof", action="stays.import")
    (record,) = [r for r in records if r["resource_id"] == done["import"]]
    assert record["actor"] == admin.account.id and record["detail"]["new"] == 2

    # the CLI reads the same mapping
    path = stack.settings.data_dir / f"{ref}.csv"
    path.write_text(GUEST_LIST.format(rows=f"{ref}-4;erwartet;2026-12-20;2026-12-23;;0170 7654321;x\n"))
    try:
        cli = await run(stack, "bot.outreach", "import", "--tenant", "alpenhof", "--file", str(path))
    finally:
        path.unlink()
    assert cli.returncode == 0 and "new 1," in cli.stdout, cli.stdout + cli.stderr
    status, _ = await admin.request("POST", "/t/alpenhof/api/outreach/mapping", {"mapping": {}})
    assert status == 200

    # the uploaded file was never written anywhere: its ignored column is in no file
    found = []
    for root in (stack.settings.data_dir, stack.logs_dir):
        for p in root.rglob("*"):
            if p.is_file() and p.stat().st_size < 200_000_000 and mark.encode() in p.read_bytes():
                found.append(p)
    assert found == []


@pytest.mark.parametrize(
    ("raw", "content_type", "status", "code"),
    [
        (b"", "text/csv", 400, "file_required"),
        (b"\xd0\xcf\x11\xe0rest", "application/vnd.ms-excel", 400, "bad_file"),
        (b"PK\x03\x04 not a zip", "application/octet-stream", 400, "bad_file"),
        (b'{"stays": []}', "application/json", 415, "file_required"),
        (b"reservation;status\n" + b"x" * 5_000_001, "text/csv", 413, "too_large"),
    ],
    ids=["empty", "xls", "broken-xlsx", "json", "oversized"],
)
async def test_bad_uploads(admin, raw, content_type, status, code):
    got, answer = await admin.request(
        "POST", "/t/alpenhof/api/outreach/upload?dry_run=1", raw=raw, content_type=content_type
    )
    assert (got, answer["error"]) == (status, code), answer


ADMIN_ROUTES = [
    ("GET", "/t/{t}/outreach", None),
    ("POST", "/t/{t}/api/outreach/upload?dry_run=1", b"reservation;status\n"),
    ("GET", "/t/{t}/api/outreach/mapping", None),
    ("POST", "/t/{t}/api/outreach/mapping", {"mapping": {}}),
    ("GET", "/t/{t}/api/outreach/tokens", None),
    ("POST", "/t/{t}/api/outreach/tokens", {"name": "x"}),
    ("POST", "/t/{t}/api/outreach/tokens/tok_000000000000/revoke", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ROUTES, ids=lambda v: str(v)[:30])
async def test_agents_403_other_tenants_404_no_csrf_403(stack, method, path, body):
    agent = await make_staff(stack, {"alpenhof": "agent"})
    laguna = await make_staff(stack, {"laguna": "admin"})
    raw = body if isinstance(body, bytes) else None
    json_body = body if not isinstance(body, bytes) else None
    kwargs: dict[str, Any] = {"raw": raw, "content_type": "text/csv"} if raw is not None else {}
    async with Browser(stack) as b:
        await b.login_ok(agent, "alpenhof")
        status, answer = await b.request(method, path.format(t="alpenhof"), json_body, **kwargs)
        assert (status, answer) == (403, {"error": "forbidden"})
    async with Browser(stack) as b:
        await b.login_ok(laguna, "laguna")
        status, answer = await b.request(method, path.format(t="alpenhof"), json_body, **kwargs)
        assert (status, answer) == (404, {"error": "not_found"})
        if method == "POST":
            status, answer = await b.request(method, path.format(t="laguna"), json_body, csrf=None, **kwargs)
            assert (status, answer) == (403, {"error": "csrf"})
    for database in (stack.settings.db_prefix + "laguna", stack.settings.control_db):
        denied = await audit_records(stack, database, actor=laguna.id, tenant="alpenhof")
        assert [r["outcome"] for r in denied] == ["denied"], database
    assert await audit_records(stack, stack.settings.db_prefix + "alpenhof", actor=laguna.id) == []


async def test_the_cli_creates_lists_and_revokes_tokens(stack, admin):
    made = await run(
        stack, "bot.outreach", "tokens", "create", "--tenant", "alpenhof", "--name", "night audit"
    )
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    token_id = re.search(r"tok_[0-9a-f]{12}", made.stderr).group(0)
    assert token.startswith("rpt_") and token_id.startswith("tok_")
    listed = await run(stack, "bot.outreach", "tokens", "list", "--tenant", "alpenhof")
    assert token_id in listed.stdout and "'night audit'" in listed.stdout and token not in listed.stdout
    status, _, _ = await post(stack, "alpenhof", token, {"stays": [stay("CLI-" + secrets.token_hex(3))]})
    assert status == 200
    gone = await run(stack, "bot.outreach", "tokens", "revoke", "--tenant", "alpenhof", "--id", token_id)
    assert gone.returncode == 0 and f"token {token_id} revoked" in gone.stdout
    status, _, _ = await post(stack, "alpenhof", token, {"stays": [stay("CLI-" + secrets.token_hex(3))]})
    assert status == 401
    nothing = await run(stack, "bot.outreach", "tokens", "revoke", "--tenant", "alpenhof", "--id", "tok_nope")
    assert nothing.returncode == 2 and "no such token" in nothing.stderr
    records = await audit_records(stack, stack.settings.db_prefix + "alpenhof", resource_id=token_id)
    assert [r["action"] for r in records] == ["api_token.create", "api_token.revoke"]


async def test_a_full_batch_of_500_stays(stack, admin):
    """The largest batch, every field given: accepted, then replayed (timed, for the docs)."""
    made = await new_token(admin)
    ref = "R500-" + secrets.token_hex(4)
    body = {
        "stays": [
            stay(
                f"{ref}-{i}",
                status="checked_out",
                first_name="Zoë",
                email=f"guest{i}@example.org",
                checked_out_at="2026-12-23T10:15:00+01:00",
                room_type="Double superior",
                booking_channel="Booking.com",
                country="AT",
            )
            for i in range(500)
        ]
    }
    assert len(json.dumps(body)) < 1_000_000
    started = asyncio.get_running_loop().time()
    status, answer, _ = await post(stack, "alpenhof", made["token"], body)
    first = asyncio.get_running_loop().time() - started
    assert status == 200 and answer["new"] == 500, answer.get("rejected")
    started = asyncio.get_running_loop().time()
    status, answer, _ = await post(stack, "alpenhof", made["token"], body)
    replay = asyncio.get_running_loop().time() - started
    assert status == 200 and answer["unchanged"] == 500
    print(f"\n500 stays: new {first:.2f} s, replayed {replay:.2f} s")
