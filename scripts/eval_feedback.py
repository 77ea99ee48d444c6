#!/usr/bin/env python
"""How often ordinary feedback would start a data-subject request, and how often real
requests still do, with the trained model and the intake gate (bot/privacy/intake.py).

- eval/feedback/<lang>.yml (ordinary guest feedback, ``dev`` and ``heldout``; see
  scripts/make_feedback_eval.py): every message is parsed by the model as a guest's
  message; ``asked`` counts those that would get the confirmation question (intake.requested
  names a type), ``nlu_dsr`` those the model alone classifies as a request.
- eval/nlu/<lang>.yml, the ``dsr_*`` blocks (held-out requests, public phrasings included):
  ``recall`` is the share that would get the confirmation question for their own type.

Usage:
    python scripts/eval_feedback.py [--model models/rapport.tar.gz] [--json out.json] [--errors]

Exit code 2 on bad input; the gates are in tests/test_nlu_quality.py.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import logging
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("en", "de", "fr", "es", "it")
sys.path.insert(0, str(ROOT))


def load_feedback(lang: str, folder: Path = ROOT / "eval" / "feedback") -> dict[str, list[str]]:
    data = yaml.safe_load((folder / f"{lang}.yml").read_text(encoding="utf-8")) or {}
    return {part: [str(t) for t in data.get(part) or []] for part in ("dev", "heldout")}


def load_requests(lang: str, folder: Path = ROOT / "eval" / "nlu") -> list[tuple[str, str]]:
    """``(text, intent)`` of the dsr_* blocks of eval/nlu/<lang>.yml."""
    document = yaml.safe_load((folder / f"{lang}.yml").read_text(encoding="utf-8")) or {}
    out = []
    for block in document.get("nlu") or []:
        intent = str(block.get("intent") or "")
        if intent.startswith("dsr_"):
            out += [
                (line[2:].strip(), intent) for line in block["examples"].splitlines() if line.startswith("- ")
            ]
    return out


async def _parse(agent, texts: Sequence[str]) -> list[dict]:
    return [await agent.parse_message(text) for text in texts]


def decide(parsed: dict) -> str | None:
    from bot.privacy.intake import requested, runner_up

    intent = parsed.get("intent") or {}
    name = intent.get("name")
    second = runner_up(parsed.get("intent_ranking") or [], name or "")
    return requested(parsed.get("text") or "", name, float(intent.get("confidence") or 0.0), second)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "rapport.tar.gz"))
    parser.add_argument("--json", dest="json_path")
    parser.add_argument("--errors", action="store_true", help="list every message that would be asked")
    args = parser.parse_args(argv)
    if not Path(args.model).exists():
        print(f"no model at {args.model}", file=sys.stderr)
        return 2

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    with contextlib.redirect_stderr(io.StringIO()):
        from rasa.core.agent import Agent
        from rasa.utils.log_utils import configure_structlog

        configure_structlog(logging.WARNING)
        agent = Agent.load(args.model)

    report: dict = {"model": args.model, "feedback": {}, "requests": {}}
    print(f"{'lang':<6}{'part':<9}{'n':>5}{'nlu_dsr':>9}{'asked':>7}")
    for lang in LANGS:
        report["feedback"][lang] = {}
        for part, texts in load_feedback(lang).items():
            parsed = asyncio.run(_parse(agent, texts))
            nlu_dsr = [p for p in parsed if str((p.get("intent") or {}).get("name")).startswith("dsr_")]
            asked = [(p["text"], decide(p)) for p in parsed if decide(p)]
            report["feedback"][lang][part] = {
                "n": len(texts),
                "nlu_dsr": len(nlu_dsr),
                "asked": len(asked),
                "asked_texts": [{"text": t, "type": k} for t, k in asked],
            }
            print(f"{lang:<6}{part:<9}{len(texts):>5}{len(nlu_dsr):>9}{len(asked):>7}")
            if args.errors:
                for t, k in asked:
                    print(f"    asked {k}: {t[:160]}")

    print(f"\n{'lang':<6}{'requests':>9}{'nlu_right':>10}{'asked_right':>12}")
    for lang in LANGS:
        examples = load_requests(lang)
        parsed = asyncio.run(_parse(agent, [t for t, _ in examples]))
        by_intent: dict[str, dict[str, int]] = {}
        misses = []
        for (text, gold), p in zip(examples, parsed, strict=True):
            figures = by_intent.setdefault(gold, {"n": 0, "nlu": 0, "asked": 0})
            figures["n"] += 1
            figures["nlu"] += int((p.get("intent") or {}).get("name") == gold)
            got = decide(p)
            if got == gold.removeprefix("dsr_"):
                figures["asked"] += 1
            else:
                misses.append(
                    {"text": text, "gold": gold, "got": got, "nlu": (p.get("intent") or {}).get("name")}
                )
        report["requests"][lang] = {"by_intent": by_intent, "misses": misses}
        n = sum(f["n"] for f in by_intent.values())
        print(
            f"{lang:<6}{n:>9}{sum(f['nlu'] for f in by_intent.values()):>10}"
            f"{sum(f['asked'] for f in by_intent.values()):>12}"
        )
        if args.errors:
            for m in misses:
                print(f"    missed {m['gold']} (nlu {m['nlu']}, gate {m['got']}): {m['text'][:160]}")

    if args.json_path:
        Path(args.json_path).write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
