"""`python -m bot.outreach import` through `main()` against its own nx-27017: counts,
rejected rows, dry run, idempotent re-import, audit records with ids and counts only,
exit codes."""

from __future__ import annotations

import asyncio
import io
import json

from bot.base.names import AUDIT, STAYS
from bot.outreach.cli import ERROR, OK, REJECTED, main

LIST = """Reservierung;Status;Anreise;Abreise;Vorname;Telefon;E-Mail;Sprache;Zimmernummer
R-1;erwartet;2026-12-20;2026-12-23;Jürgen;0170 1234567;;de;12
R-2;abgereist;2026-12-01;2026-12-05;Anna;+39 347 123 4567;anna@example.org;it;14
R-3;anwesend;2026-12-06;2026-12-09;;;guest@example.com;;15
R-4;vielleicht;2026-12-06;2026-12-09;;;guest4@example.com;;16
"""
PRIVATE = ("1701234567", "3471234567", "anna@", "guest@", "Jürgen", "Anna", "R-1", "R-2")


def run(env: dict[str, str], *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["import", *argv], env=env, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


async def arun(env: dict[str, str], *argv: str) -> tuple[int, str, str]:
    """`run` outside the test's event loop (main() runs its own)."""
    return await asyncio.to_thread(run, env, *argv)


async def test_dry_run_then_import_then_the_same_again(mongo, mongo_env, tmp_path):
    path = tmp_path / "gaeste.csv"
    path.write_bytes(LIST.encode("cp1252"))
    args = ("--tenant", "alpenhof", "--file", str(path))
    db = mongo.database("alpenhof")

    code, out, _ = await arun(mongo_env, *args, "--dry-run")
    assert code == REJECTED
    assert "new 3, changed 0, unchanged 0, rejected 1 (would be); written 0" in out, out
    assert "rejected: line 5, column 'Status': status must be one of" in out
    assert "ignored columns: Zimmernummer" in out
    assert await db[STAYS].count_documents({}) == 0 and await db[AUDIT].count_documents({}) == 0

    code, out, _ = await arun(mongo_env, *args, "--json")
    report = json.loads(out)
    assert code == REJECTED
    assert {k: report[k] for k in ("rows", "new", "changed", "unchanged", "rejected", "written")} == {
        "rows": 4,
        "new": 3,
        "changed": 0,
        "unchanged": 0,
        "rejected": 1,
        "written": 3,
    }
    assert report["rejections"] == [
        {
            "line": 5,
            "column": "Status",
            "reason": "status must be one of expected, in_house, checked_out, cancelled, no_show",
        }
    ]
    assert report["format"] == "csv;cp1252;;"
    assert await db[STAYS].count_documents({}) == 3

    code, out, _ = await arun(mongo_env, *args)
    assert code == REJECTED and "new 0, changed 0, unchanged 3, rejected 1; written 0" in out, out

    fixed = tmp_path / "gaeste-korrigiert.csv"
    fixed.write_text(LIST.replace("vielleicht", "erwartet"), encoding="utf-8-sig")
    code, out, _ = await arun(mongo_env, "--tenant", "alpenhof", "--file", str(fixed))
    assert code == OK and "new 1, changed 0, unchanged 3, rejected 0; written 1" in out, out
    assert await db[STAYS].count_documents({}) == 4

    entries = await db[AUDIT].find({}).sort("seq").to_list(None)
    assert [e["action"] for e in entries] == ["stays.import"] * 3
    assert [(e["detail"]["new"], e["detail"]["unchanged"], e["detail"]["written"]) for e in entries] == [
        (3, 0, 3),
        (0, 3, 0),
        (1, 3, 1),
    ]
    assert entries[0]["resource_id"] == report["import"] and entries[0]["actor"].startswith("cli:")
    control = mongo.client["rapport_test__control"][AUDIT]
    assert await control.count_documents({"action": "stays.import"}) == 3
    stored = json.dumps([e for e in entries], default=str) + out
    assert not any(p in stored for p in PRIVATE)


async def test_strict_writes_nothing_and_says_so(mongo, mongo_env, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text(LIST, encoding="utf-8")
    code, out, _ = await arun(mongo_env, "--tenant", "alpenhof", "--file", str(path), "--strict")
    assert code == REJECTED and "written 0" in out and "nothing written (--strict)" in out
    assert await mongo.database("alpenhof")[STAYS].count_documents({}) == 0
    audit = await mongo.database("alpenhof")[AUDIT].find_one({"action": "stays.import"})
    assert audit["detail"]["strict"] and audit["detail"]["written"] == 0


async def test_a_file_of_unknown_columns_is_a_bad_file(mongo, mongo_env, tmp_path):
    """(Read after the tenant's column mapping, which could name them.)"""
    bad = tmp_path / "notes.csv"
    bad.write_text("name,age\nx,1\n", encoding="utf-8")
    code, _, err = await arun(mongo_env, "--tenant", "alpenhof", "--file", str(bad))
    assert code == ERROR and "bad_file" in err and "no line names a known column" in err


def test_unknown_tenant_and_unreadable_file_exit_2_before_touching_storage(tmp_path):
    env = {
        "RAPPORT_DATA_DIR": str(tmp_path),
        "MONGODB_URL": "mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=100",
    }
    bad = tmp_path / "notes.csv"
    bad.write_text("name,age\nx,1\n", encoding="utf-8")
    code, _, err = run(env, "--tenant", "nowhere", "--file", str(bad))
    assert code == ERROR and "unknown tenant" in err
    code, _, err = run(env, "--tenant", "alpenhof", "--file", str(tmp_path / "missing.csv"))
    assert code == ERROR and "cannot read the file" in err
