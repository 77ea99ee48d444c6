"""Exactly once with two scheduler processes, one killed with SIGKILL mid-send, without
the stack: a real nx-27017 and Valkey, the Twilio stand-in in a child process, and the
real CLI (`python -m bot.outreach send-due`) in two more (scripts/bench_outreach_send.py
does the work; it runs the 10,000 of docs/BENCHMARK.md). Counted at the stand-in by
recipient: each guest to be invited got one message — a guest whose invitation the
dead process had stamped "sending" got at most one (at most once, never twice) — and
the suppressed guests and those whose invitation falls in quiet hours got none."""

from __future__ import annotations

from scripts.bench_outreach_send import CONCURRENCY_LIMIT, run


async def test_two_schedulers_one_killed_mid_send_contact_each_guest_once(tmp_path):
    outcome = await run(300, tmp_path, rate=100.0, kill_at=0.3)
    assert outcome.killed
    assert outcome.invitations == 300 and outcome.expected == 210
    assert outcome.duplicates == []  # nobody twice
    assert outcome.to_suppressed == 0 and outcome.in_quiet == 0
    assert outcome.missing == 0  # everyone else exactly once
    assert outcome.uncertain <= CONCURRENCY_LIMIT  # only what the dead process had in flight
    assert outcome.sent_messages == outcome.expected - outcome.uncertain + outcome.uncertain_delivered
    assert outcome.refused_429 == 0  # the two processes shared the number's rate
    assert outcome.statuses.get("planned", 0) == 15  # the quiet-hours ones, due tomorrow at 09:00
    assert outcome.statuses.get("claimed", 0) == 0
