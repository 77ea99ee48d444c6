"""GET /t/<tenant>/api/reports on the running console: agents and admins of the hotel
read it (audited), a login is required, staff of another hotel get 404 (audited as
denied), malformed or oversized parameters are 400. And the Reports view in Chromium
shows the figures and draws a chart under the console's CSP."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from playwright.async_api import expect

from tests.console.client import Browser, audit_records, base_url, clear_login_failures, make_staff
from tests.stack.client import mongo, tenant_db
from tests.stack.test_browser import CHROMIUM, chromium, wait_until
from tests.stack.test_console_ui import console
from tests.stack.test_reports import conversation

pytestmark = pytest.mark.stack

TENANT = "alpenhof"
FROM, TO = "2003-02-01", "2003-03-31"  # long before anything other tests store
QUERY = f"?from={FROM}&to={TO}"
CONVERSATIONS = 12


@pytest.fixture(autouse=True)
async def _fresh_ip(stack):
    await clear_login_failures(stack)


@pytest.fixture(scope="module")
async def seeded(stack):
    """12 conversations of alpenhof in February and March 2003, removed afterwards."""
    rng = random.Random(21)
    docs = []
    for i in range(CONVERSATIONS):
        docs += conversation(TENANT, dt.datetime(2003, 2 + i % 2, 3 + i, 10, tzinfo=dt.UTC), rng)
    client = mongo(stack)
    try:
        await tenant_db(stack, client, TENANT).ratings.insert_many(docs)
        yield docs
    finally:
        await tenant_db(stack, client, TENANT).ratings.delete_many({"_id": {"$in": [d["_id"] for d in docs]}})
        client.close()


def db(stack, tenant: str) -> str:
    return stack.settings.db_prefix + tenant


@pytest.mark.parametrize("role", ["agent", "admin"])
async def test_staff_of_the_hotel_read_the_report_and_it_is_audited(stack, seeded, role):
    staff = await make_staff(stack, {TENANT: role})
    async with Browser(stack) as b:
        await b.login_ok(staff, TENANT)
        status, report = await b.request("GET", f"/t/{TENANT}/api/reports{QUERY}")
    assert status == 200, report
    assert report["period"] == {"from": FROM, "to": TO, "days": 59}
    assert report["responses"] == CONVERSATIONS and report["min_group_size"] == 5
    overall = next(q for q in report["questions"] if q["id"] == "overall")
    values = [d["value"] for d in seeded if d["question"] == "overall"]
    assert overall["count"] == CONVERSATIONS and overall["mean_value"] == round(sum(values) / len(values), 3)
    records = await audit_records(stack, db(stack, TENANT), actor=staff.id, action="reports.read")
    assert [(r["outcome"], r["resource_type"], r["resource_id"]) for r in records] == [
        ("allowed", "report", f"{FROM}..{TO}")
    ]


async def test_without_a_login_the_api_answers_401(stack):
    async with Browser(stack) as b:
        status, body = await b.request("GET", f"/t/{TENANT}/api/reports{QUERY}", csrf=False)
        assert (status, body) == (401, {"error": "login_required"})
        # a malformed period does not change that (nothing is said before the login)
        assert (await b.request("GET", f"/t/{TENANT}/api/reports?from=x", csrf=False))[0] == 401


async def test_staff_of_another_hotel_get_404_and_the_attempt_is_audited(stack, seeded):
    other = await make_staff(stack, {"laguna": "admin"})
    async with Browser(stack) as b:
        await b.login_ok(other, "laguna")
        assert await b.request("GET", f"/t/{TENANT}/api/reports{QUERY}") == (404, {"error": "not_found"})
        assert await b.request("GET", f"/t/{TENANT}/api/reports?from=nonsense") == (
            404,
            {"error": "not_found"},
        )
    for database in (db(stack, "laguna"), stack.settings.control_db):
        records = await audit_records(stack, database, actor=other.id, action="reports.read")
        assert {(r["outcome"], r["tenant"]) for r in records} == {("denied", TENANT)}, database
    assert await audit_records(stack, db(stack, TENANT), actor=other.id) == []


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("?from=2003-02-30", "from_invalid"),
        ("?from=03-02-01", "from_invalid"),
        ("?to=2003-2-1", "to_invalid"),
        ("?from=2003-02-01T00:00:00Z", "from_invalid"),
        ("?from=%00", "from_invalid"),
        ("?from=" + "9" * 4000, "from_invalid"),
        ("?from=2003-03-01&to=2003-02-01", "period_invalid"),
        ("?from=2001-01-01&to=2003-01-01", "period_too_long"),
        ("?from=1999-12-31&to=2000-01-31", "from_invalid"),
        ("?from=2003-02-01&from=2003-02-02", "from_invalid"),
        ("?since=2003-02-01", "parameter_unknown"),
    ],
)
async def test_malformed_and_oversized_parameters_are_400(stack, query, code):
    agent = await make_staff(stack, {TENANT: "agent"})
    async with Browser(stack) as b:
        await b.login_ok(agent, TENANT)
        status, body = await b.request("GET", f"/t/{TENANT}/api/reports{query}")
    assert status == 400 and body["error"] == code, (query, status, body)
    assert body["detail"]


async def test_the_reports_view_shows_figures_and_a_chart(stack, seeded):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found")
    agent = await make_staff(stack, {TENANT: "agent"})
    errors: list[str] = []
    async with chromium() as browser:
        async with console(browser, stack, agent, errors, tenant=TENANT) as page:
            await page.get_by_role("link", name="Reports").click()
            await expect(page.locator("#reports")).to_be_visible()
            await expect(page.locator("#inbox")).to_be_hidden()
            await expect(page.locator('#report-summary [data-fact="responses"]')).not_to_be_empty()
            await page.get_by_label("From", exact=True).fill(FROM)
            await page.get_by_label("To", exact=True).fill(TO)
            await page.get_by_role("button", name="Show").click()
            await expect(page.locator('#report-summary [data-fact="responses"]')).to_have_text(
                str(CONVERSATIONS)
            )
            overall = page.locator('.report-question[data-question="overall"]')
            await expect(overall.locator('[data-figure="answers"]')).to_have_text(str(CONVERSATIONS))
            await expect(page.locator('.report-breakdown[data-dimension="month"] tbody tr')).to_have_count(2)
            chart = page.locator("#report-chart-scores")
            await expect(chart).to_have_count(1)
            # Chart.js (vendored, loaded from /static/vendor) drew into the canvas
            await wait_until(page, "!!(window.Chart && Chart.getChart('report-chart-scores'))")
            assert await chart.evaluate("c => c.width > 0 && c.height > 0")
            assert "lovely" not in await page.locator("#reports").inner_text()
            # a period the server refuses is explained
            await page.get_by_label("From", exact=True).fill("2001-01-01")
            await page.get_by_label("To", exact=True).fill("2003-03-31")
            await page.get_by_role("button", name="Show").click()
            await expect(page.locator("#report-error")).to_contain_text("two years")
    assert [e for e in errors if "400" not in e] == [], errors
    assert base_url(stack)
