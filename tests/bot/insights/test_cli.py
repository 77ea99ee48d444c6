"""`python -m bot.insights analyse --lang L`, run as a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "bot.insights", *args], input=stdin, capture_output=True, cwd=ROOT, timeout=60
    )


def test_one_json_line_per_comment_in_order() -> None:
    lines = ["the eggs were cold", "", "Friendly staff, great location!", "   ", "x" * 5000]
    done = run("analyse", "--lang", "en", stdin=("\n".join(lines) + "\n").encode())
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(out) == len(lines)
    assert out[0] == {
        "topics": [{"topic": "breakfast", "polarity": "negative", "words": ["eggs", "cold"]}],
        "polarity": "negative",
    }
    assert out[1] == out[3] == {"topics": [], "polarity": "neutral"}
    assert {t["topic"] for t in out[2]["topics"]} == {"staff", "location"}
    assert out[4]["polarity"] == "neutral"


def test_words_as_written_in_utf8_and_bad_bytes_survive() -> None:
    done = run(
        "analyse",
        "--lang",
        "de",
        stdin="Das Frühstück war köstlich\n".encode() + b"\xff\xfe kaputt\r\nno newline",
    )
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert len(out) == 3
    assert out[0]["topics"][0]["words"] == ["Frühstück", "köstlich"]
    assert out[1]["polarity"] == "negative"


def test_unknown_language_is_refused_clearly() -> None:
    done = run("analyse", "--lang", "nl", stdin=b"hallo\n")
    assert done.returncode == 2
    assert b"invalid choice: 'nl'" in done.stderr and b"en" in done.stderr
    assert done.stdout == b""
    missing = run("analyse", stdin=b"x\n")
    assert missing.returncode == 2 and b"--lang" in missing.stderr


def test_help() -> None:
    done = run("analyse", "--help")
    assert done.returncode == 0 and b"--lang" in done.stdout and b"one per line" in done.stdout
    top = run("--help")
    assert top.returncode == 0 and b"analyse" in top.stdout


def test_empty_input_prints_nothing() -> None:
    done = run("analyse", "--lang", "fr")
    assert done.returncode == 0 and done.stdout == b""


def test_many_lines_and_markup() -> None:
    lines = ["<script>alert(1)</script>", "😡😡😡", "SELECT * FROM x;", "la chambre était sale"] * 250
    done = run("analyse", "--lang", "fr", stdin="\n".join(lines).encode())
    assert done.returncode == 0
    out = done.stdout.decode().splitlines()
    assert len(out) == 1000
    assert json.loads(out[1])["polarity"] == "negative"
    assert json.loads(out[3])["topics"][0]["topic"] == "room"
