"""`python -m bot.outreach import` against the running stack, as an operator runs it: a
guest list in, stays stored and sealed; the invited number's SMS continues as the stay's
guest; the privacy CLI exports the stay with the contact opened and erasure deletes it;
re-importing changes nothing; a large list shows progress on standard error."""

from __future__ import annotations

import asyncio
import datetime
import json
import secrets
import subprocess
import sys

import pytest

from bot.base.names import STAYS
from bot.outreach.stays import stay_id
from tests.stack.client import mongo
from tests.stack.scratch_tenant import scratch_tenant
from tests.stack.test_sms import QUESTION_OVERALL, QUESTION_ROOM, Phone

pytestmark = pytest.mark.stack


def command(stack, module: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        env=env or stack.child_env(),
        cwd=stack.project,
        capture_output=True,
        text=True,
        timeout=300,
    )


async def run(
    stack, module: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    return await asyncio.to_thread(command, stack, module, *args, env=env)


def guest_list(rows: list[str]) -> str:
    return "\n".join(["Reservierung;Status;Anreise;Abreise;Vorname;Telefon;E-Mail;Sprache", *rows]) + "\n"


async def stay_doc(stack, tenant: str, reservation: str) -> dict | None:
    client = mongo(stack)
    try:
        db = client[stack.settings.db_prefix + tenant]
        return await db[STAYS].find_one({"_id": stay_id(stack.settings.guest_key, tenant, reservation)})
    finally:
        client.close()


async def test_import_then_the_invited_number_writes_and_is_that_guest(stack, tmp_path):
    phone = Phone(stack)
    local = "0" + phone.number[3:]  # as a German hotel's list writes it
    ref = "T-" + secrets.token_hex(4)
    path = tmp_path / "gaeste.csv"
    # a stay that ended six days ago: too late for any journey, so the stack's jobs
    # process never invites this guest while the test talks as them
    today = datetime.date.today()
    arrival, departure = (
        (today - datetime.timedelta(days=9)).isoformat(),
        (today - datetime.timedelta(days=6)).isoformat(),
    )
    path.write_text(
        guest_list(
            [
                f"{ref}-1;abgereist;{arrival};{departure};Jürgen;{local};;en",
                f"{ref}-2;storniert;{arrival};{departure};;;{ref.lower()}@example.org;de",
                f"{ref}-3;bald;{arrival};{departure};;;x@example.org;de",
            ]
        ),
        encoding="utf-8-sig",
    )
    args = ("import", "--tenant", "alpenhof", "--file", str(path))

    dry = await run(stack, "bot.outreach", *args, "--dry-run")
    assert dry.returncode == 1, dry.stderr
    assert "new 2, changed 0, unchanged 0, rejected 1 (would be); written 0" in dry.stdout
    assert "rejected: line 4, column 'Status'" in dry.stdout
    assert await stay_doc(stack, "alpenhof", f"{ref}-1") is None

    real = await run(stack, "bot.outreach", *args)
    assert real.returncode == 1 and "new 2, changed 0, unchanged 0, rejected 1; written 2" in real.stdout
    again = await run(stack, "bot.outreach", *args)
    assert again.returncode == 1 and "new 0, changed 0, unchanged 2, rejected 1; written 0" in again.stdout
    for out in (dry, real, again):
        assert phone.number[3:] not in out.stdout + out.stderr and "Jürgen" not in out.stdout + out.stderr

    stay = await stay_doc(stack, "alpenhof", f"{ref}-1")
    assert phone.number not in json.dumps(stay, default=str) and stay["status"] == "checked_out"

    # the guest answers from the invited number: their turn carries the stay's guest ref
    await phone.post(phone.form("Hello, I would like to give some feedback about my stay"))
    await phone.wait_for_text(QUESTION_OVERALL)
    await phone.post(phone.form("4"))
    await phone.wait_for_text(QUESTION_ROOM)
    client = mongo(stack)
    try:
        ratings = client[stack.settings.db_prefix + "alpenhof"].ratings
        assert [r["value"] async for r in ratings.find({"guest_ref": stay["guest_ref"]})] == [4]
    finally:
        client.close()

    exported = await run(
        stack, "bot.privacy", "dsr", "export", "--tenant", "alpenhof", "--guest-ref", stay["guest_ref"]
    )
    assert exported.returncode == 0, exported.stderr
    (shown,) = json.loads(exported.stdout)["stays"]
    assert (shown["reservation"], shown["phone"], shown["first_name"]) == (f"{ref}-1", phone.number, "Jürgen")
    assert shown["status"] == "checked_out" and "digest" not in shown

    erased = await run(
        stack,
        "bot.privacy",
        "dsr",
        "erase",
        "--tenant",
        "alpenhof",
        "--guest-ref",
        stay["guest_ref"],
        "--confirm",
    )
    assert erased.returncode == 0, erased.stdout + erased.stderr
    assert json.loads(erased.stdout[: erased.stdout.rindex("}") + 1])["erased"]["stays"] == 1
    assert await stay_doc(stack, "alpenhof", f"{ref}-1") is None
    assert await stay_doc(stack, "alpenhof", f"{ref}-2") is not None  # another guest's stay stays

    # importing the list again brings the stay back: the hotel's list is the hotel's to fix
    back = await run(stack, "bot.outreach", *args)
    assert "new 1, changed 0, unchanged 1, rejected 1; written 1" in back.stdout


async def test_a_large_list_shows_progress_and_imports_once(stack, tmp_path):
    tenant, env, _ = scratch_tenant(stack, tmp_path)
    path = tmp_path / "large.csv"
    rows = [f"L{i};erwartet;2027-01-02;2027-01-05;;0170 {1000000 + i};;" for i in range(12_000)]
    path.write_text(guest_list(rows), encoding="utf-8")
    first = await run(
        stack, "bot.outreach", "import", "--tenant", tenant, "--file", str(path), "--json", env=env
    )
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["written"] == 12_000
    assert "read 10000 rows" in first.stderr and "read 12000 rows" in first.stderr
    assert "storing 12000 new stays" in first.stderr
    second = await run(
        stack, "bot.outreach", "import", "--tenant", tenant, "--file", str(path), "--json", env=env
    )
    report = json.loads(second.stdout)
    assert (report["new"], report["unchanged"], report["written"]) == (0, 12_000, 0)
    assert path.exists() and not list((stack.settings.data_dir).rglob("large.csv"))  # never copied
