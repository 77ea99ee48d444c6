#!/usr/bin/env python
"""How often ordinary feedback would start a data-subject request, and how often real
requests still do, with the trained model and the intake gate (bot/privacy/intake.py).

- eval/feedback/<lang>.yml (ordinary guest feedback, ``dev`` and ``heldout``; see
  scripts/make_feedback_eval.py): every message is parsed by the model as a guest's
  message; ``asked`` counts those that would get the confirmation question (intake.requested
  names a type), ``nlu_dsr`` those the model alone classifies as a request.
- eval/nlu/<lang>.yml, the ``dsr_*`` blocks (requests held out from the NLU training data,
  public phrasings included): ``asked_right`` counts those that would get the confirmation
  question for their own type, ``nlu_right`` those the model alone classifies right. The
  gate's cues were tuned on data/nlu and on the ``dev`` half of these (by a hash of the
  text, as in make_feedback_eval.split); the ``heldout`` half was only measured. Per
  intent, ``public`` counts the public phrasings (blocks with ``metadata: source``).

Usage:
    python scripts/eval_feedback.py [--model models/rapport.tar.gz] [--json out.json] [--errors]
        [--cache parses.json]   # reuse the model's parses (only the gate changed)

Exit code 2 on bad input; the gates are in tests/test_nlu_quality.py.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
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


def split(text: str) -> str:
    """``dev`` or ``heldout`` by a hash of the text (scripts/make_feedback_eval.py)."""
    return "dev" if hashlib.sha256(text.encode()).digest()[0] % 2 == 0 else "heldout"


def load_requests(lang: str, folder: Path = ROOT / "eval" / "nlu") -> list[tuple[str, str, bool]]:
    """``(text, intent, public)`` of the dsr_* blocks of eval/nlu/<lang>.yml."""
    document = yaml.safe_load((folder / f"{lang}.yml").read_text(encoding="utf-8")) or {}
    out = []
    for block in document.get("nlu") or []:
        intent = str(block.get("intent") or "")
        public = bool((block.get("metadata") or {}).get("source"))
        if intent.startswith("dsr_"):
            out += [
                (line[2:].strip(), intent, public)
                for line in block["examples"].splitlines()
                if line.startswith("- ")
            ]
    return out


CACHE: dict[str, dict] = {}


async def _parse(agent, texts: Sequence[str]) -> list[dict]:
    """The model's parses of ``texts``; ``agent`` loads the model (only for texts not cached)."""
    out = []
    for text in texts:
        if text not in CACHE:
            parsed = await agent().parse_message(text)
            CACHE[text] = {k: parsed.get(k) for k in ("text", "intent", "intent_ranking")}
        out.append(CACHE[text])
    return out


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
    parser.add_argument("--cache", help="JSON file of the model's parses, read if present and written")
    args = parser.parse_args(argv)
    cache = Path(args.cache) if args.cache else None
    if cache is not None and cache.exists():
        CACHE.update(json.loads(cache.read_text(encoding="utf-8")))
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
    loaded = []

    def agent():
        if not loaded:
            with contextlib.redirect_stderr(io.StringIO()):
                loaded.append(Agent.load(args.model))
        return loaded[0]

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

    print(f"\n{'lang':<6}{'part':<9}{'requests':>9}{'nlu_right':>10}{'asked_right':>12}")
    public: dict[str, dict[str, int]] = {}
    for lang in LANGS:
        examples = load_requests(lang)
        parsed = asyncio.run(_parse(agent, [t for t, _, _ in examples]))
        parts: dict[str, dict[str, dict[str, int]]] = {"dev": {}, "heldout": {}}
        misses = []
        for (text, gold, is_public), p in zip(examples, parsed, strict=True):
            nlu_right = (p.get("intent") or {}).get("name") == gold
            asked_right = decide(p) == gold.removeprefix("dsr_")
            for figures in (
                parts[split(text)].setdefault(gold, {"n": 0, "nlu": 0, "asked": 0}),
                *([public.setdefault(gold, {"n": 0, "nlu": 0, "asked": 0})] if is_public else []),
            ):
                figures["n"] += 1
                figures["nlu"] += int(nlu_right)
                figures["asked"] += int(asked_right)
            if not asked_right:
                misses.append({"text": text, "gold": gold, "got": decide(p), "part": split(text)})
        report["requests"][lang] = {**parts, "misses": misses}
        for part, by_intent in parts.items():
            n = sum(f["n"] for f in by_intent.values())
            nlu = sum(f["nlu"] for f in by_intent.values())
            asked = sum(f["asked"] for f in by_intent.values())
            print(f"{lang:<6}{part:<9}{n:>9}{nlu:>10}{asked:>12}")
        if args.errors:
            for m in misses:
                if m["part"] == "dev":  # the held-out half is only counted
                    print(f"    missed {m['gold']} (gate {m['got']}): {m['text'][:160]}")
    report["public"] = public
    print("\npublic phrasings (all languages): intent n nlu_right asked_right")
    for intent, f in sorted(public.items()):
        print(f"  {intent:<20}{f['n']:>4}{f['nlu']:>5}{f['asked']:>5}")

    if cache is not None:
        cache.write_text(json.dumps(CACHE, ensure_ascii=False), encoding="utf-8")
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
