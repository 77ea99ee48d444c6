"""Topics in the running console: the comments behind a topic's figure (staff of the
hotel only, audited as personal data, never a restricted guest's, hidden below 5
guests), every report table as CSV and XLSX (Content-Type, Content-Disposition, cells
read back with csv and openpyxl, tenant-checked), the topic mentions of guest messages in
the conversation API, and in Chromium the topic table, its comments with the deciding
words marked, and the marks in the conversation view (under the console's CSP)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid

import pytest
from openpyxl import load_workbook
from playwright.async_api import expect

from bot.handover.store import HandoverStore
from bot.insights import analyse
from bot.storage.mongo import MongoStore
from tests.bot.reports.seed import comment, rating
from tests.console.client import Browser, audit_records, clear_login_failures, make_staff
from tests.stack.client import mongo, tenant_db
from tests.stack.test_browser import CHROMIUM, chromium, wait_until
from tests.stack.test_console_ui import console, open_conversation, transcript

pytestmark = pytest.mark.stack

TENANT = "alpenhof"
FROM, TO = "2004-02-01", "2004-02-29"  # long before anything other tests store
PERIOD = f"from={FROM}&to={TO}"
AT = dt.datetime(2004, 2, 10, 9, tzinfo=dt.UTC)
RESTRICTED = f"g_restricted_{uuid.uuid4().hex[:8]}"
SECRET = "Only the restricted guest wrote this."


@pytest.fixture(autouse=True)
async def _fresh_ip(stack):
    await clear_login_failures(stack)


@pytest.fixture(scope="module")
async def seeded(stack):
    """February 2004 at alpenhof: 6 guests complain about breakfast (cold eggs), one
    restricted guest too, 2 guests praise the staff (a small group), 5 guests rate
    parking unasked; removed afterwards."""
    docs = [
        comment(
            f"The eggs were cold on day {i}.",
            [("breakfast", "negative", ("eggs", "cold"))],
            AT,
            channel="whatsapp",
        )
        for i in range(6)
    ]
    docs.append(comment(SECRET, [("breakfast", "negative", ("restricted",))], AT, guest=RESTRICTED))
    docs += [comment("Friendly staff.", [("staff", "positive", ("friendly",))], AT) for _ in range(2)]
    docs += [rating("parking", 2.0, AT, unsolicited=True) for _ in range(5)]
    docs += [rating("overall", 4.0, AT) for _ in range(5)]
    client = mongo(stack)
    db = tenant_db(stack, client, TENANT)
    try:
        await db.ratings.insert_many(docs)
        await db.guest_flags.update_one({"_id": RESTRICTED}, {"$set": {"restricted": True}}, upsert=True)
        yield docs
    finally:
        await db.ratings.delete_many({"_id": {"$in": [d["_id"] for d in docs]}})
        await db.guest_flags.delete_one({"_id": RESTRICTED})
        client.close()


def db_name(stack, tenant: str) -> str:
    return stack.settings.db_prefix + tenant


async def download(b: Browser, path: str) -> tuple[int, dict[str, str], bytes]:
    async with b.http.get(b.base + path, allow_redirects=False) as r:
        return r.status, dict(r.headers), await r.read()


# ---- the comments behind a figure -------------------------------------------------------


async def test_staff_read_the_comments_behind_a_figure_and_it_is_audited(stack, seeded):
    agent = await make_staff(stack, {TENANT: "agent"})
    async with Browser(stack) as b:
        await b.login_ok(agent, TENANT)
        status, body = await b.request(
            "GET", f"/t/{TENANT}/api/reports/comments?topic=breakfast&polarity=negative&{PERIOD}"
        )
    assert status == 200, body
    assert body["suppressed"] is False and body["count"] == 6
    assert {c["text"] for c in body["comments"]} == {f"The eggs were cold on day {i}." for i in range(6)}
    assert SECRET not in str(body) and "g_" not in str(body)
    assert body["comments"][0] | {"text": ""} == {
        "text": "",
        "day": "2004-02-10",
        "channel": "whatsapp",
        "language": "en",
        "kind": "comment",
        "question": "room",
        "polarity": "negative",
        "words": ["eggs", "cold"],
    }
    records = await audit_records(stack, db_name(stack, TENANT), actor=agent.id)
    named = f"breakfast:negative:{FROM}..{TO}"
    assert [
        (r["action"], r["outcome"], r["resource_id"]) for r in records if r["action"].startswith("reports")
    ] == [
        ("reports.comments.read", "allowed", named),
        ("reports.comments.shown", "allowed", named),
    ]
    shown = next(r for r in records if r["action"] == "reports.comments.shown")
    conversations = {d["conversation_id"] for d in seeded if d.get("raw", "").startswith("The eggs")}
    assert set(shown["resources"]) == conversations and shown["detail"] == {"comments": 6}


async def test_a_small_group_shows_no_comments(stack, seeded):
    agent = await make_staff(stack, {TENANT: "admin"})
    async with Browser(stack) as b:
        await b.login_ok(agent, TENANT)
        status, body = await b.request("GET", f"/t/{TENANT}/api/reports/comments?topic=staff&{PERIOD}")
    assert status == 200 and body["suppressed"] is True and body["comments"] == []
    assert "Friendly" not in str(body)
    records = await audit_records(
        stack, db_name(stack, TENANT), actor=agent.id, action="reports.comments.shown"
    )
    assert records == []  # nothing shown, nothing to record


async def test_staff_of_another_hotel_get_404_for_comments_and_exports(stack, seeded):
    other = await make_staff(stack, {"laguna": "admin"})
    async with Browser(stack) as b:
        await b.login_ok(other, "laguna")
        for path in (
            f"/t/{TENANT}/api/reports/comments?topic=breakfast&{PERIOD}",
            f"/t/{TENANT}/api/reports/export?table=topics&format=xlsx&{PERIOD}",
            f"/t/{TENANT}/api/reports/export?table=send_log&format=csv&{PERIOD}",
            f"/t/{TENANT}/api/reports/comments?topic=nonsense",
        ):
            status, headers, data = await download(b, path)
            assert status == 404 and b"eggs" not in data and "attachment" not in str(headers), path
            # and their own hotel's works
            status, _, _ = await download(b, path.replace(f"/t/{TENANT}/", "/t/laguna/"))
            assert status == (400 if "nonsense" in path else 200), path
    records = await audit_records(stack, db_name(stack, "laguna"), actor=other.id, tenant=TENANT)
    assert {r["outcome"] for r in records} == {"denied"} and len(records) == 4
    assert await audit_records(stack, db_name(stack, TENANT), actor=other.id) == []


async def test_without_a_login_401(stack):
    async with Browser(stack) as b:
        for path in ("comments?topic=breakfast", "export?table=topics"):
            status, body = await b.request("GET", f"/t/{TENANT}/api/reports/{path}", csrf=False)
            assert (status, body) == (401, {"error": "login_required"}), path


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("comments", "topic_invalid"),
        ("comments?topic=<script>", "topic_invalid"),
        ("comments?topic=breakfast&polarity=mixed", "polarity_invalid"),
        ("comments?topic=breakfast&topic=room", "topic_invalid"),
        ("comments?topic=breakfast&guest=g_1", "parameter_unknown"),
        ("comments?topic=breakfast&from=2004-02-30", "from_invalid"),
        ("export?table=guests", "table_invalid"),
        ("export?table=topics&format=pdf", "format_invalid"),
        ("export?table=send_log&from=2004-01-01&to=2004-12-31", "period_too_long"),
        ("export?table=topics&from=" + "9" * 4000, "from_invalid"),
    ],
)
async def test_bad_parameters_are_400(stack, path, code):
    agent = await make_staff(stack, {TENANT: "agent"})
    async with Browser(stack) as b:
        await b.login_ok(agent, TENANT)
        status, body = await b.request("GET", f"/t/{TENANT}/api/reports/{path}")
    assert status == 400 and body["error"] == code, (path, status, body)


# ---- exports ------------------------------------------------------------------------------


async def test_exports_as_csv_and_xlsx(stack, seeded):
    agent = await make_staff(stack, {TENANT: "agent"})
    async with Browser(stack) as b:
        await b.login_ok(agent, TENANT)
        status, headers, data = await download(
            b, f"/t/{TENANT}/api/reports/export?table=topics&format=csv&{PERIOD}"
        )
        assert status == 200
        assert headers["Content-Type"] == "text/csv; charset=utf-8"
        assert (
            headers["Content-Disposition"]
            == f'attachment; filename="rapport-{TENANT}-topics-{FROM}-{TO}.csv"'
        )
        assert headers["X-Content-Type-Options"] == "nosniff"
        rows = {r[0]: r for r in csv.reader(io.StringIO(data.decode("utf-8-sig")))}
        assert rows["breakfast"][1:4] == ["6", "0.0", "1.0"]  # the restricted guest's left out
        assert rows["staff"][1:] == ["hidden"] * 5

        status, headers, data = await download(
            b, f"/t/{TENANT}/api/reports/export?table=unsolicited&format=xlsx&{PERIOD}"
        )
        assert status == 200
        assert headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        assert headers["Content-Disposition"].endswith(f'unsolicited-{FROM}-{TO}.xlsx"')
        sheet = load_workbook(io.BytesIO(data))["unsolicited"]
        assert [list(r) for r in sheet.iter_rows(values_only=True)] == [
            ["topic", "ratings", "mean"],
            ["parking", 5, 2.0],
        ]

        status, headers, data = await download(b, f"/t/{TENANT}/api/reports/export?format=xlsx&{PERIOD}")
        assert status == 200 and "questions" in headers["Content-Disposition"]  # the default table
        overall = {r[0]: r for r in load_workbook(io.BytesIO(data))["questions"].iter_rows(values_only=True)}
        assert overall["overall"][4] == 5 and overall["room"][4] == 0  # comments are not answers to "room"

        status, headers, data = await download(b, f"/t/{TENANT}/api/reports/export?table=send_log&{PERIOD}")
        assert (
            status == 200
            and data.decode("utf-8-sig").splitlines()[0] == "day,journey,channel,status,invitations"
        )
    records = await audit_records(stack, db_name(stack, TENANT), actor=agent.id, action="reports.export")
    assert [r["resource_id"] for r in records] == [
        f"topics:{FROM}..{TO}",
        f"unsolicited:{FROM}..{TO}",
        f"questions:{FROM}..{TO}",
        f"send_log:{FROM}..{TO}",
    ]


# ---- the conversation view ----------------------------------------------------------------

GUEST_TEXT = "The eggs were cold and the room was noisy."


async def escalated(stack) -> str:
    cid = f"conv-{uuid.uuid4().hex[:10]}"
    client = mongo(stack)
    try:
        store = HandoverStore(MongoStore(client, stack.settings.db_prefix), TENANT)
        await store.escalate(cid, reason="complaint", guest_ref="g-ref", channel="rest", language="en")
        await store.record(
            cid, "g-ref", [("guest", GUEST_TEXT), ("bot", "Sorry to hear about the cold eggs.")]
        )
    finally:
        client.close()
    return cid


async def test_the_conversation_api_gives_the_topics_of_guest_messages(stack):
    cid = await escalated(stack)
    agent = await make_staff(stack, {TENANT: "agent"})
    async with Browser(stack) as b:
        await b.login_ok(agent, TENANT)
        status, body = await b.request("GET", f"/t/{TENANT}/api/conversations/{cid}")
    assert status == 200
    guest, bot = body["messages"]
    assert guest["mentions"] == [m.as_json() for m in analyse(GUEST_TEXT, "en").topics]
    assert "mentions" not in bot


# ---- in Chromium ----------------------------------------------------------------------------


async def test_the_topic_table_opens_its_comments_with_the_words_marked(stack, seeded):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found")
    agent = await make_staff(stack, {TENANT: "agent"})
    cid = await escalated(stack)
    errors: list[str] = []
    async with chromium() as browser:
        async with console(browser, stack, agent, errors, tenant=TENANT) as page:
            await page.get_by_role("link", name="Reports").click()
            await expect(page.locator('#report-summary [data-fact="responses"]')).not_to_be_empty()
            await page.get_by_label("From", exact=True).fill(FROM)
            await page.get_by_label("To", exact=True).fill(TO)
            await page.get_by_role("button", name="Show").click()
            row = page.locator('#topics-table tr[data-topic="breakfast"]')
            await expect(row.locator("td").nth(0)).to_have_text("6")
            await expect(page.locator('#topics-table tr[data-topic="staff"] td').nth(0)).to_have_text(
                "hidden"
            )
            await expect(page.locator('#unsolicited-table tr[data-topic="parking"] td').nth(1)).to_have_text(
                "2.00"
            )
            # the chart of the topics' shares (Chart.js, vendored)
            await wait_until(page, "!!(window.Chart && Chart.getChart('report-chart-topics'))")
            labels = await page.evaluate("Chart.getChart('report-chart-topics').data.labels")
            assert labels == ["breakfast"]  # staff: hidden (2 guests), the others: no mentions
            await row.locator('button[data-polarity="negative"]').click()
            items = page.locator("#report-comments-list li")
            await expect(items).to_have_count(6)
            first = items.first.locator("p.text")
            await expect(first.locator("mark.topic.topic-negative")).to_have_count(2)
            await expect(first.locator("mark").first).to_have_attribute("data-topic", "breakfast")
            assert (await first.inner_text()).startswith("The eggs were cold on day")
            assert SECRET not in await page.locator("#reports").inner_text()
            # export links for every table, same period
            links = page.locator("#report-exports a")
            await expect(links).to_have_count(18)
            href = await page.locator(
                '#report-exports a[data-table="topics"][data-format="xlsx"]'
            ).get_attribute("href")
            assert href == f"/t/{TENANT}/api/reports/export?table=topics&format=xlsx&from={FROM}&to={TO}"
            # the conversation view marks the topics of the guest's message
            await page.get_by_role("link", name="Inbox").click()
            await open_conversation(page, cid)
            guest = transcript(page, "guest")
            await expect(guest).to_have_text(GUEST_TEXT)
            topics = {m.topic for m in analyse(GUEST_TEXT, "en").topics}
            assert topics, "the guest's message names topics"
            marks = guest.locator("mark.topic")
            await expect(marks.first).to_be_visible()
            # a word that decided several topics names them all ("breakfast, room")
            marked = set()
            for mark in await marks.all():
                marked.update((await mark.get_attribute("data-topic")).split(", "))
            assert marked == topics
    assert errors == [], errors
