"""Journeys in the running console (bot/console/journeys.py): the outreach policy read
by agents and admins, saved by admins only (refused fields named, stale versions 409,
audited), previews in every language, "send a test to me" through the outbox to the
Twilio and SMTP stand-ins (5 an hour, no invitation written), the send log and the
response rate in Reports; bad input answered (400, 403, 404, 413). And the Journeys
view in Chromium under the console's CSP: edit, save, a refused field, previews, a test
arriving at the Twilio stand-in."""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import email
import email.policy
import secrets
import time

import aiohttp
import pytest
from playwright.async_api import expect

from bot.base.names import INVITATIONS, OUTREACH_SETTINGS
from bot.console.journeys import JOURNEY_ROUTES, TEST_KEY
from bot.i18n import Catalog
from bot.staff.accounts import StaffStore
from tests.console.client import Browser, audit_records, clear_login_failures, make_staff, redis
from tests.console.client import mongo as console_mongo
from tests.stack.client import mongo, tenant_db
from tests.stack.test_browser import CHROMIUM, chromium, wait_until
from tests.stack.test_console_ui import console

pytestmark = pytest.mark.stack

TENANT = "alpenhof"
API = f"/t/{TENANT}/api/outreach"
CATALOG = Catalog.load()
SID = "HX" + "ab" * 16
FROM, TO = "2004-05-01", "2004-05-31"  # long before anything other tests store


@pytest.fixture(autouse=True)
async def _fresh(stack):
    """Every test starts from the file's policy (tenants.yml) and leaves it so."""
    await clear_login_failures(stack)
    await _drop_policy(stack)
    yield
    await _drop_policy(stack)


async def _drop_policy(stack) -> None:
    client = mongo(stack)
    try:
        await tenant_db(stack, client, TENANT)[OUTREACH_SETTINGS].delete_many({})
    finally:
        client.close()


async def _contact(stack, staff_id: str, **fields) -> None:
    client = console_mongo(stack)
    try:
        await StaffStore(client[stack.settings.control_db]).collection.update_one(
            {"_id": staff_id}, {"$set": fields}
        )
    finally:
        client.close()


def db(stack, tenant: str = TENANT) -> str:
    return stack.settings.db_prefix + tenant


async def _sms_to(stack, number: str) -> list[dict]:
    async with aiohttp.ClientSession() as s, s.get(stack.fake_twilio.base_url + "/_fake/messages") as r:
        return [m for m in await r.json() if m.get("to") == number]


async def _mail_to(stack, address: str) -> list[dict]:
    async with aiohttp.ClientSession() as s, s.get(stack.fake_email.http_url + "/_fake/mail") as r:
        return [m for m in await r.json() if address in m["rcpt_tos"]]


async def _wait(fetch, count: int = 1, timeout: float = 15) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = await fetch()
        if len(got) >= count:
            return got
        await asyncio.sleep(0.2)
    return await fetch()


async def _invitation_count(stack) -> int:
    client = mongo(stack)
    try:
        return await tenant_db(stack, client, TENANT)[INVITATIONS].count_documents({})
    finally:
        client.close()


def _phone() -> str:
    return "+4915" + "".join(secrets.choice("0123456789") for _ in range(9))


# ---- the policy --------------------------------------------------------------------------


async def test_agents_read_the_policy_admins_save_it_and_the_change_is_audited(stack):
    admin = await make_staff(stack, {TENANT: "admin"})
    agent = await make_staff(stack, {TENANT: "agent"})
    async with Browser(stack) as a, Browser(stack) as g:
        await a.login_ok(admin, TENANT)
        await g.login_ok(agent, TENANT)
        status, shown = await g.request("GET", API)
        assert status == 200 and shown["source"] == "config" and shown["version"] == 0
        assert shown["can_edit"] is False and shown["languages"] == ["de", "en", "it", "fr", "es"]
        assert [j["id"] for j in shown["policy"]["journeys"]] == ["in_stay", "post_stay"]
        # the agent may not save
        assert await g.request("POST", API, {"policy": shown["policy"], "version": 0}) == (
            403,
            {"error": "forbidden"},
        )
        policy = copy.deepcopy(shown["policy"])
        policy["quiet_hours"] = {"from": "22:30", "to": "08:00"}
        policy["journeys"][1]["whatsapp_template"] = {"de": SID}
        status, saved = await a.request("POST", API, {"policy": policy, "version": 0})
        assert status == 200, saved
        assert (
            saved["version"] == 1 and saved["source"] == "console" and saved["updated_by"] == admin.username
        )
        assert (
            saved["policy"]["quiet_hours"] == {"from": "22:30", "to": "08:00"} and saved["can_edit"] is True
        )
        status, again = await g.request("GET", API)
        assert again["policy"] == saved["policy"] and again["version"] == 1
        # a stale version is refused, and so is a save over the file's version 0
        for stale in (0, 5):
            status, body = await a.request("POST", API, {"policy": policy, "version": stale})
            assert status == 409 and body["error"] == "conflict"
        # back to the file
        status, back = await a.request("POST", f"{API}/reset", {"version": 1})
        assert status == 200 and back["source"] == "config" and back["policy"] == shown["policy"]
    records = await audit_records(stack, db(stack), actor=admin.id)
    actions = [(r["action"], r["outcome"]) for r in records]
    assert ("outreach.policy.change", "allowed") in actions and (
        "outreach.policy.reset",
        "allowed",
    ) in actions
    change = next(r for r in records if r["action"] == "outreach.policy.change")
    assert change["resource_id"] == TENANT and change["detail"] == {
        "version": 1,
        "journeys": 2,
        "enabled": True,
    }
    assert admin.username not in str(records)
    denied = await audit_records(stack, db(stack), actor=agent.id, action="outreach.policy.edit")
    assert [r["outcome"] for r in denied] == ["denied"]


async def test_a_refused_policy_names_each_field_and_changes_nothing(stack):
    admin = await make_staff(stack, {TENANT: "admin"})
    async with Browser(stack) as b:
        await b.login_ok(admin, TENANT)
        _, shown = await b.request("GET", API)
        policy = copy.deepcopy(shown["policy"])
        policy["checkout_time"] = "noon"
        policy["journeys"][0]["channels"] = ["pigeon"]
        policy["journeys"][1]["whatsapp_template"] = {"ja": SID}
        status, body = await b.request("POST", API, {"policy": policy, "version": 0})
        assert status == 400 and body["error"] == "policy_invalid", body
        assert set(body["fields"]) == {"checkout_time", "journeys.0.channels", "journeys.1.whatsapp_template"}
        assert all(body["fields"].values())
        for bad in (
            {"policy": shown["policy"], "version": "1"},
            {"policy": "x", "version": 0},
            {"version": 0},
        ):
            status, body = await b.request("POST", API, bad)
            assert status == 400, (bad, body)
        status, body = await b.request("POST", API, {"policy": shown["policy"], "version": 0, "more": 1})
        assert (status, body["error"]) == (400, "field_unknown")
        assert (await b.request("GET", API))[1]["source"] == "config"


@pytest.mark.parametrize(
    ("raw", "content_type", "status", "code"),
    [
        (b'{"policy": ', "application/json", 400, "json_invalid"),
        (b"[1, 2]", "application/json", 400, "json_object_required"),
        (b"policy=1", "application/x-www-form-urlencoded", 400, "json_required"),
        (
            b'{"policy": {"review_links": "' + b"x" * (100 * 1024) + b'"}}',
            "application/json",
            413,
            "too_large",
        ),
    ],
)
async def test_malformed_and_oversized_bodies(stack, raw, content_type, status, code):
    admin = await make_staff(stack, {TENANT: "admin"})
    async with Browser(stack) as b:
        await b.login_ok(admin, TENANT)
        for path in (API, f"{API}/test", f"{API}/reset"):
            got, body = await b.request("POST", path, raw=raw, content_type=content_type)
            assert (got, body["error"]) == (status, code), (path, got, body)


@pytest.mark.parametrize(("method", "path", "name"), JOURNEY_ROUTES)
async def test_another_hotels_staff_get_404_on_every_route_audited(stack, method, path, name):
    other = await make_staff(stack, {"laguna": "admin"})
    async with Browser(stack) as b:
        await b.login_ok(other, "laguna")
        body = {"version": 0, "policy": {}} if name == "outreach_save" else {"version": 0}
        if name == "outreach_test":
            body = {"journey": "post_stay", "language": "de"}
        status, answer = await b.request(
            method, path.replace("<tenant>", TENANT), body if method == "POST" else None
        )
        assert (status, answer) == (404, {"error": "not_found"}), (path, status, answer)
        # without a login: 401
        async with Browser(stack) as anonymous:
            status, _ = await anonymous.request(method, path.replace("<tenant>", TENANT), csrf=False)
            assert status == 401
    records = await audit_records(stack, db(stack, "laguna"), actor=other.id, tenant=TENANT)
    assert [r["outcome"] for r in records] == ["denied"]
    assert await audit_records(stack, db(stack), actor=other.id) == []


# ---- previews and tests ------------------------------------------------------------------


async def test_the_preview_shows_every_journey_in_every_language(stack):
    agent = await make_staff(stack, {TENANT: "agent"})
    async with Browser(stack) as b:
        await b.login_ok(agent, TENANT)
        status, preview = await b.request("GET", f"{API}/preview")
    assert status == 200
    journeys = {j["id"]: j for j in preview["journeys"]}
    assert set(journeys) == {"in_stay", "post_stay"} and journeys["in_stay"]["enabled"] is False
    post = journeys["post_stay"]
    assert set(post["languages"]) == {"de", "en", "it", "fr", "es"}
    it = post["languages"]["it"]
    assert (
        it["invitation"]["sms"].startswith("Buongiorno Anna!")
        and preview["sample_link"] in it["invitation"]["sms"]
    )
    assert it["invitation"]["email"]["subject"] == "Hotel Alpenhof: com'è andato il Suo soggiorno?"
    assert "STOP" not in it["invitation"]["email"]["body"]
    assert it["invitation"]["whatsapp"]["variables"] == {
        "1": "Anna",
        "2": "Hotel Alpenhof",
        "3": preview["sample_link"],
    }
    assert CATALOG.render("it", "invite.reminder", hotel="Hotel Alpenhof") in it["reminder"]["sms"]
    assert "reminder" not in journeys["in_stay"]["languages"]["de"]  # no reminder configured


async def test_send_a_test_to_me_by_sms_and_email_through_the_outbox_limited_and_audited(stack):
    admin = await make_staff(stack, {TENANT: "admin"})
    phone, address = _phone(), f"admin-{secrets.token_hex(4)}@alpenhof.example"
    await _contact(stack, admin.id, phone=phone, email=address)
    before = await _invitation_count(stack)
    async with Browser(stack) as b:
        await b.login_ok(admin, TENANT)
        status, sent = await b.request("POST", f"{API}/test", {"journey": "post_stay", "language": "en"})
        assert status == 200 and sent["channel"] == "sms" and sent["left"] == 4, sent  # whatsapp -> sms
        (sms,) = await _wait(lambda: _sms_to(stack, phone))
        assert sms["from"] == "+49882112345" and sms["body"].startswith("Hello Anna!")
        status, sent = await b.request(
            "POST",
            f"{API}/test",
            {"journey": "post_stay", "language": "de", "channel": "email", "reminder": True},
        )
        assert status == 200 and sent["channel"] == "email", sent
        (mail,) = await _wait(lambda: _mail_to(stack, address))
        message = email.message_from_string(mail["raw"], policy=email.policy.default)
        assert message["subject"].startswith("[Test] Hotel Alpenhof")
        assert message.get_content().startswith("Hallo Anna!") and "STOP" not in message.get_content()
        # bad requests are not counted
        for bad, code in (
            ({"journey": "nope", "language": "de"}, "journey_unknown"),
            ({"journey": "post_stay", "language": "ja"}, "language_invalid"),
            ({"journey": "post_stay", "channel": "whatsapp"}, "channel_invalid"),
            ({"journey": "post_stay", "reminder": "yes"}, "reminder_invalid"),
        ):
            status, body = await b.request("POST", f"{API}/test", bad)
            assert (status, body["error"]) == (400, code)
        # three more, then the sixth within the hour is refused (before anything is sent)
        for _ in range(3):
            assert (await b.request("POST", f"{API}/test", {"journey": "in_stay"}))[0] == 200
        status, body = await b.request("POST", f"{API}/test", {"journey": "in_stay"})
        assert status == 429 and body["error"] == "rate_limited" and 0 < body["retry_after"] <= 3600
    assert len(await _sms_to(stack, phone)) == 4
    assert await _invitation_count(stack) == before  # a test writes no invitation
    records = await audit_records(stack, db(stack), actor=admin.id, action="outreach.test_send")
    assert {r["resource_id"] for r in records} >= {"post_stay", "in_stay"}
    assert phone not in str(records) and address not in str(records)
    r = redis(stack)
    try:
        assert 3000 < await r.ttl(TEST_KEY + admin.id) <= 3600
    finally:
        await r.close()


async def test_tests_are_for_admins_with_a_contact(stack):
    agent = await make_staff(stack, {TENANT: "agent"})
    admin = await make_staff(stack, {TENANT: "admin"})  # no phone, no e-mail
    async with Browser(stack) as g, Browser(stack) as a:
        await g.login_ok(agent, TENANT)
        await a.login_ok(admin, TENANT)
        assert (await g.request("POST", f"{API}/test", {"journey": "post_stay"}))[0] == 403
        status, body = await a.request("POST", f"{API}/test", {"journey": "post_stay"})
        assert (status, body["error"]) == (409, "no_contact")


# ---- the send log and the response rate ---------------------------------------------------


def _at(day: int, hour: int = 12) -> float:
    return dt.datetime(2004, 5, day, hour, tzinfo=dt.UTC).timestamp()


def _invitations() -> list[dict]:
    docs = []
    for i in range(8):
        stay, guest = f"s_cons{i:04d}", f"g_cons{i:04d}"
        docs.append(
            {
                "_id": f"i_cons{i:04d}_post_stay",
                "stay": stay,
                "journey": "post_stay",
                "reminder": 0,
                "guest_ref": guest,
                "guest_refs": [guest],
                "lang": "de" if i < 5 else "en",
                "due": _at(3),
                "status": "sent",
                "attempts": 1,
                "channel": "sms",
                "tried": [],
                "sent_at": _at(3, 10 + i),
                "created_at": _at(1),
                "updated_at": _at(3, 10 + i),
                **({"answered_at": _at(4)} if i < 6 else {}),
            }
        )
    docs.append(
        {
            "_id": "i_cons9999_in_stay",
            "stay": "s_cons9999",
            "journey": "in_stay",
            "reminder": 0,
            "guest_ref": "g_cons9999",
            "guest_refs": ["g_cons9999"],
            "lang": "de",
            "due": _at(5),
            "status": "suppressed",
            "reason": "opted_out",
            "attempts": 0,
            "tried": [],
            "created_at": _at(1),
            "updated_at": _at(5),
        }
    )
    return docs


@pytest.fixture()
async def invitations(stack):
    docs = _invitations()
    client = mongo(stack)
    try:
        await tenant_db(stack, client, TENANT)[INVITATIONS].insert_many(docs)
        yield docs
    finally:
        await tenant_db(stack, client, TENANT)[INVITATIONS].delete_many(
            {"_id": {"$in": [d["_id"] for d in docs]}}
        )
        client.close()


async def test_the_send_log_counts_without_guest_data_and_checks_its_period(stack, invitations):
    agent = await make_staff(stack, {TENANT: "agent"})
    async with Browser(stack) as b:
        await b.login_ok(agent, TENANT)
        status, log = await b.request("GET", f"{API}/log?from={FROM}&to={TO}")
        assert status == 200, log
        assert log["rows"] == [
            {
                "day": "2004-05-05",
                "journey": "in_stay",
                "channel": "none",
                "status": "suppressed",
                "count": 1,
            },
            {"day": "2004-05-03", "journey": "post_stay", "channel": "sms", "status": "sent", "count": 8},
        ]
        assert log["totals"] == {"sent": 8, "suppressed": 1} and log["reasons"] == {
            "suppressed": {"opted_out": 1}
        }
        assert "g_cons" not in str(log) and "s_cons" not in str(log) and "i_cons" not in str(log)
        for query, code in (
            ("?from=2004-02-30", "from_invalid"),
            ("?since=x", "parameter_unknown"),
            ("?from=2004-01-01&to=2004-05-31", "period_too_long"),
        ):
            status, body = await b.request("GET", f"{API}/log{query}")
            assert (status, body["error"]) == (400, code)
    records = await audit_records(stack, db(stack), actor=agent.id, action="outreach.log.read")
    assert records[0]["resource_id"] == f"{FROM}..{TO}"


async def test_reports_show_the_response_rate(stack, invitations):
    agent = await make_staff(stack, {TENANT: "agent"})
    async with Browser(stack) as b:
        await b.login_ok(agent, TENANT)
        status, report = await b.request("GET", f"/t/{TENANT}/api/reports?from={FROM}&to={TO}")
    assert status == 200
    rr = report["response_rate"]
    assert (rr["invited"], rr["answered"], rr["rate"]) == (8, 6, 0.75)
    languages = {r["key"]: r for r in rr["breakdowns"]["language"]}
    assert languages["de"]["suppressed"] is True and languages["en"]["suppressed"] is True  # en: 3 < 5
    assert rr["breakdowns"]["journey"] == [
        {"key": "post_stay", "suppressed": False, "invited": 8, "answered": 6, "rate": 0.75}
    ]


# ---- the view in a browser --------------------------------------------------------------


async def test_the_journeys_view_edits_saves_previews_and_sends_a_test(stack):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found")
    admin = await make_staff(stack, {TENANT: "admin"})
    phone = _phone()
    await _contact(stack, admin.id, phone=phone)
    errors: list[str] = []
    async with chromium() as browser:
        async with console(browser, stack, admin, errors, tenant=TENANT) as page:
            await page.get_by_role("link", name="Journeys").click()
            await expect(page.locator("#journeys")).to_be_visible()
            await expect(page.locator("#inbox")).to_be_hidden()
            await expect(page.locator("#outreach-source")).to_contain_text("configuration file")
            # a refused field is shown beside it, nothing saved
            await page.get_by_label("Check-out time").fill("")
            await page.get_by_role("button", name="Save settings").click()
            await expect(page.locator('.field-error[data-field="checkout_time"]')).to_be_visible()
            await expect(page.locator("#outreach-error")).to_contain_text("1 field")
            await expect(page.get_by_label("Check-out time")).to_have_attribute("aria-invalid", "true")
            # corrected, with other quiet hours and a second reminder journey's hours
            await page.get_by_label("Check-out time").fill("10:30")
            await page.get_by_label("Quiet hours from").fill("22:15")
            post = page.locator("fieldset.journey").nth(1)
            await post.get_by_label("Reminder after (hours; empty: none)").fill("36")
            await post.get_by_label("DE", exact=True).fill(SID)
            await page.get_by_role("button", name="Save settings").click()
            await expect(page.locator("#outreach-status")).to_have_text("Saved (version 1).")
            await expect(page.locator("#outreach-source")).to_contain_text("version 1")
            await expect(page.locator(".field-error")).to_have_count(0)
            # previews: every language, the template SID shown for German
            preview = page.locator('.preview[data-journey="post_stay"]')
            await expect(preview.locator("details")).to_have_count(5)
            await preview.locator('details[data-language="de"] summary').click()
            await expect(preview.locator('details[data-language="de"] .template').first).to_have_text(SID)
            await expect(preview.locator('details[data-language="de"] pre.sms').first).to_contain_text("Anna")
            # a test to my phone
            await preview.get_by_label("Language").select_option("fr")
            await preview.get_by_role("button", name="Send a test to me").click()
            await expect(preview.locator(".test-status")).to_contain_text("Sent by SMS")
            (sms,) = await _wait(lambda: _sms_to(stack, phone))
            assert "Anne" in sms["body"]
            # and its reminder
            await preview.get_by_label("the reminder").check()
            await preview.get_by_role("button", name="Send a test to me").click()
            await expect(preview.locator(".test-status")).to_contain_text("3 more this hour")
            _, reminder = await _wait(lambda: _sms_to(stack, phone), count=2)
            assert CATALOG.render("fr", "invite.reminder", hotel="Hotel Alpenhof") in reminder["body"]
            # the send log is drawn (empty in the default period is fine)
            await expect(page.locator("#log-totals")).to_be_visible()
            await wait_until(
                page, "document.getElementById('send-log').getAttribute('aria-busy') === 'false'"
            )
            # with links to the same log as CSV and XLSX (bot/reports/export.py)
            href = await page.locator('#log-export a[data-format="xlsx"]').get_attribute("href")
            assert href.startswith(f"/t/{TENANT}/api/reports/export?table=send_log&format=xlsx&from=")
    client = mongo(stack)
    try:
        doc = await tenant_db(stack, client, TENANT)[OUTREACH_SETTINGS].find_one({"_id": "policy"})
    finally:
        client.close()
    assert doc["policy"]["checkout_time"] == "10:30" and doc["policy"]["quiet_hours"]["from"] == "22:15"
    assert doc["policy"]["journeys"][1]["reminder"] == {"after_hours": 36}
    assert doc["policy"]["journeys"][1]["whatsapp_template"] == {"de": SID}
    assert [e for e in errors if "400" not in e] == [], errors


async def test_concurrent_tests_are_counted_before_sending_five_go_out(stack):
    admin = await make_staff(stack, {TENANT: "admin"})
    address = f"admin-{secrets.token_hex(4)}@alpenhof.example"
    await _contact(stack, admin.id, email=address)
    async with Browser(stack) as b:
        await b.login_ok(admin, TENANT)
        answers = await asyncio.gather(
            *(
                b.request("POST", f"{API}/test", {"journey": "post_stay", "channel": "email"})
                for _ in range(8)
            )
        )
    assert sorted(status for status, _ in answers) == [200] * 5 + [429] * 3
    assert len(await _wait(lambda: _mail_to(stack, address), count=6, timeout=3)) == 5


async def test_agents_see_the_journeys_view_read_only_and_the_response_rate_in_reports(stack, invitations):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found")
    agent = await make_staff(stack, {TENANT: "agent"})
    errors: list[str] = []
    async with chromium() as browser:
        async with console(browser, stack, agent, errors, tenant=TENANT) as page:
            await page.get_by_role("link", name="Journeys").click()
            await expect(page.locator(".preview")).to_have_count(2)
            await expect(page.get_by_label("Check-out time")).to_be_disabled()
            await expect(page.get_by_role("button", name="Save settings")).to_have_count(0)
            await expect(page.get_by_role("button", name="Send a test to me")).to_have_count(0)
            await expect(page.locator("#log-totals")).to_be_visible()
            await page.get_by_role("link", name="Reports").click()
            # the default period's report first (it sets the dates it shows when it arrives)
            await expect(page.locator("#report-response-rate")).to_be_visible()
            await page.locator("#report-from").fill(FROM)
            await page.locator("#report-to").fill(TO)
            await page.get_by_role("button", name="Show", exact=True).click()
            rate = page.locator("#response-rate-summary")
            await expect(rate.locator('[data-fact="invited"]')).to_have_text("8")
            await expect(rate.locator('[data-fact="rate"]')).to_have_text("75 %")
            by_language = page.locator('table[data-rate="language"] tbody tr')
            await expect(by_language).to_have_count(2)
            await expect(by_language.first.locator(".suppressed").first).to_be_visible()
    assert errors == [], errors
