#!/usr/bin/env python
"""Evaluate the trained NLU model on the held-out sets in eval/nlu/<lang>.yml, and the
rating parser on the held-out cases in eval/ratings/<lang>.yml.

The held-out files use the Rasa 3.x NLU format but live outside data/, so `rasa train`
never sees them. For every language this prints the intent macro-F1 (sklearn
``f1_score(average="macro")`` over the intents present in that language's file),
the accuracy, the number of examples and how many fell back to ``nlu_fallback``,
followed by every confusion (gold -> predicted) that occurs more than once.

The predicted intent is the one the dialogue sees, i.e. after the FallbackClassifier:
an example that falls back to ``nlu_fallback`` counts as an error.

After the intent table comes the rating-parser accuracy per language: every case in
eval/ratings/<lang>.yml is a guest answer, the scale of the question asked and the
expected outcome (a value, ratings per topic, ``ambiguous`` or ``none``; the file header
describes the format). A case is right when ``bot.ratings.parse_answer`` gives exactly
that outcome. This part needs no model (``--parser-only`` runs just it).

Usage:
    python scripts/evaluate.py                       # newest models/*.tar.gz
    python scripts/evaluate.py --model models/dev.tar.gz --min-f1 0.90 --json results/nlu.json
    python scripts/evaluate.py --parser-only --errors

Exit code 1 if --min-f1 is given and any language scores below it, or if any language's
parser accuracy is below --min-parser-accuracy (default 0.90); 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EVAL_DIR = ROOT / "eval" / "nlu"
DEFAULT_RATINGS_DIR = ROOT / "eval" / "ratings"
DEFAULT_MODELS_DIR = ROOT / "models"
FALLBACK_INTENT = "nlu_fallback"
DEFAULT_MIN_PARSER_ACCURACY = 0.90
DEFAULT_QUESTION = "overall"
OUTCOME_WORDS = ("ambiguous", "none")


def load_examples(path: str | Path) -> list[tuple[str, str]]:
    """Read a Rasa 3.x NLU YAML file and return ``[(text, intent), ...]`` in file order.

    Only ``- intent:`` blocks are read (synonyms, regexes and lookups are ignored).
    ``examples`` may be the usual ``|`` block of ``- text`` lines or a list of
    ``{text: ...}`` mappings. Entity annotations ``[value](entity)`` are reduced to
    their plain value.
    """
    import re

    import yaml

    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle) or {}

    annotation = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
    examples: list[tuple[str, str]] = []
    for block in document.get("nlu") or []:
        if not isinstance(block, dict) or "intent" not in block:
            continue
        intent = str(block["intent"])
        raw = block.get("examples") or []
        if isinstance(raw, str):
            items = []
            for line in raw.splitlines():
                line = line.strip()
                if line.startswith("- "):
                    items.append(line[2:])
                elif line == "-":
                    continue
        else:
            items = [item["text"] if isinstance(item, dict) else str(item) for item in raw]
        for text in items:
            text = annotation.sub(r"\1", str(text)).strip()
            if text:
                examples.append((text, intent))
    return examples


def newest_model(models_dir: Path = DEFAULT_MODELS_DIR) -> Path | None:
    """The most recently modified ``*.tar.gz`` in ``models_dir``, or None."""
    candidates = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return candidates[-1] if candidates else None


def score(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, object]:
    """Macro-F1 over the gold intents, accuracy, per-intent F1 and repeated confusions."""
    from sklearn.metrics import accuracy_score, f1_score

    labels = sorted(set(gold))
    per_intent = f1_score(gold, predicted, labels=labels, average=None, zero_division=0)
    confusions = Counter((g, p) for g, p in zip(gold, predicted) if g != p)
    return {
        "n": len(gold),
        "macro_f1": float(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0)),
        "accuracy": float(accuracy_score(gold, predicted)),
        "fallback": sum(1 for p in predicted if p == FALLBACK_INTENT),
        "per_intent_f1": {label: float(f) for label, f in zip(labels, per_intent)},
        "confusions": [{"gold": g, "predicted": p, "count": c} for (g, p), c in confusions.most_common()],
    }


# --- rating parser --------------------------------------------------------------------------


class CaseError(ValueError):
    """A rating case in eval/ratings is malformed."""


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CaseError(f"{where}: expected a number, got {value!r}")
    return float(value)


def load_rating_cases(path: str | Path) -> list[dict[str, Any]]:
    """Read eval/ratings/<lang>.yml: a list of cases, each normalised to
    ``{"text", "question", "scales": {id: Scale}, "expect"}`` where ``expect`` is
    ``"ambiguous"``, ``"none"`` or ``{question id: value}`` (a bare number is filed under
    the asked question). Raises CaseError on a malformed case."""
    import yaml

    _import_bot()
    from bot.ratings import Scale
    from bot.ratings.lexicon import TOPIC_PATTERNS

    with open(path, encoding="utf-8") as handle:
        rows = yaml.safe_load(handle) or []
    if not isinstance(rows, list):
        raise CaseError(f"{path}: expected a list of cases")
    cases = []
    for i, row in enumerate(rows, 1):
        where = f"{path} case {i}"
        if not isinstance(row, dict) or not isinstance(row.get("text"), str) or "expect" not in row:
            raise CaseError(f"{where}: needs text (a string), scale and expect")
        question = str(row.get("question") or DEFAULT_QUESTION)
        try:
            scale = Scale.from_config(row.get("scale"))
            scales = {qid: scale for qid in TOPIC_PATTERNS}
            for qid, other in (row.get("scales") or {}).items():
                scales[str(qid)] = Scale.from_config(other)
        except (ValueError, AttributeError) as exc:
            raise CaseError(f"{where}: {exc}") from exc
        scales[question] = scale
        expect = row["expect"]
        if expect is None:  # `expect: null` reads as none
            expect = "none"
        if isinstance(expect, str):
            if expect not in OUTCOME_WORDS:
                raise CaseError(f"{where}: expect must be a number, a mapping or one of {OUTCOME_WORDS}")
        elif isinstance(expect, dict):
            if not expect:
                raise CaseError(f"{where}: an empty mapping; use expect: none")
            expect = {str(k): _number(v, where) for k, v in expect.items()}
            unknown = set(expect) - set(scales)
            if unknown:
                raise CaseError(f"{where}: no scale for {sorted(unknown)}")
        else:
            expect = {question: _number(expect, where)}
        cases.append({"text": row["text"], "question": question, "scales": scales, "expect": expect})
    return cases


def parse_outcome(text: str, lang: str, scales: Mapping[str, Any], question: str) -> object:
    """What the dialogue does with an answer: ``"ambiguous"`` (it asks to clarify, even if
    some ratings were understood), ``{question id: value}`` (it stores them) or ``"none"``."""
    from bot.ratings import parse_answer

    result = parse_answer(text, lang, scales, question)
    if result.ambiguous is not None:
        return "ambiguous"
    if result.ratings:
        return {(r.topic or question): r.value for r in result.ratings}
    return "none"


def _describe(outcome: object, reason: str | None = None) -> str:
    if isinstance(outcome, dict):
        return ", ".join(f"{k} {v:g}" for k, v in outcome.items())
    return f"{outcome} ({reason})" if reason else str(outcome)


def score_ratings(cases: Sequence[Mapping[str, Any]], lang: str) -> dict[str, object]:
    """Accuracy of the parser on ``cases`` (from load_rating_cases) and every failure."""
    from bot.ratings import parse_answer

    failures = []
    for case in cases:
        got = parse_outcome(case["text"], lang, case["scales"], case["question"])
        if got != case["expect"]:
            reason = parse_answer(case["text"], lang, case["scales"], case["question"]).ambiguous
            scale = case["scales"][case["question"]]
            failures.append(
                {
                    "text": case["text"],
                    "question": case["question"],
                    "scale": f"{scale.low}-{scale.high}" + (" halves" if scale.halves else ""),
                    "expected": _describe(case["expect"]),
                    "got": _describe(got, reason),
                }
            )
    n = len(cases)
    return {"n": n, "accuracy": (n - len(failures)) / n if n else 0.0, "failures": failures}


def parser_accuracy(ratings_dir: str | Path = DEFAULT_RATINGS_DIR, langs: Sequence[str] | None = None):
    """``{lang: score_ratings(...)}`` for every eval/ratings/<lang>.yml (or only ``langs``)."""
    files = sorted(Path(ratings_dir).glob("*.yml"))
    if langs:
        files = [f for f in files if f.stem in set(langs)]
    return {f.stem: score_ratings(load_rating_cases(f), f.stem) for f in files}


def _import_bot() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def _print_parser(parser: Mapping[str, Mapping[str, Any]], source: str, errors: bool) -> None:
    path = Path(source).resolve()
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"\nrating parser accuracy ({shown}):")
    print(f"{'lang':<8}{'accuracy':>9}{'n':>6}{'failed':>8}")
    for lang, figures in parser.items():
        print(f"{lang:<8}{figures['accuracy']:>9.3f}{figures['n']:>6}{len(figures['failures']):>8}")
    if errors:
        print("\nall parser failures (lang: question scale | text -> got, expected):")
        if not any(figures["failures"] for figures in parser.values()):
            print("  none")
        for lang, figures in parser.items():
            for f in figures["failures"]:
                print(
                    f"  {lang}: {f['question']} {f['scale']} | {f['text']!r} -> {f['got']}, "
                    f"expected {f['expected']}"
                )


async def _predict(agent, texts: Sequence[str]) -> list[tuple[str, float]]:
    out = []
    for text in texts:
        parsed = await agent.parse_message(text)
        intent = parsed.get("intent") or {}
        out.append((intent.get("name") or "None", float(intent.get("confidence") or 0.0)))
    return out


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="model archive (default: newest models/*.tar.gz)")
    parser.add_argument(
        "--eval-dir", default=str(DEFAULT_EVAL_DIR), help="folder of <lang>.yml held-out files"
    )
    parser.add_argument("--lang", action="append", help="only this language (repeatable; default: all files)")
    parser.add_argument(
        "--min-f1", type=float, default=None, help="exit 1 if any language's macro-F1 is below this"
    )
    parser.add_argument("--json", dest="json_path", help="write the figures to this JSON file")
    parser.add_argument("--errors", action="store_true", help="also list every misclassified example")
    parser.add_argument(
        "--ratings-dir",
        default=str(DEFAULT_RATINGS_DIR),
        help="folder of <lang>.yml rating-parser cases",
    )
    parser.add_argument(
        "--min-parser-accuracy",
        type=float,
        default=DEFAULT_MIN_PARSER_ACCURACY,
        help="exit 1 if any language's rating-parser accuracy is below this (default %(default).2f)",
    )
    parser.add_argument(
        "--parser-only", action="store_true", help="only the rating-parser section (no model needed)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)

    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

    try:
        parser_report = parser_accuracy(args.ratings_dir, args.lang)
    except (CaseError, OSError) as exc:
        print(f"bad rating cases: {exc}", file=sys.stderr)
        return 2
    if not parser_report:
        print(f"no rating-parser cases found in {args.ratings_dir}", file=sys.stderr)
        return 2
    if args.parser_only:
        report: dict[str, object] = {"parser": parser_report}
        _print_parser(parser_report, args.ratings_dir, args.errors)
        return _verdicts(args, report, [])

    eval_dir = Path(args.eval_dir)
    files = sorted(eval_dir.glob("*.yml"))
    if args.lang:
        files = [f for f in files if f.stem in set(args.lang)]
    if not files:
        print(f"no held-out files found in {eval_dir}", file=sys.stderr)
        return 2

    model = Path(args.model) if args.model else newest_model()
    if model is None or not model.exists():
        print(f"no model found ({model or DEFAULT_MODELS_DIR / '*.tar.gz'})", file=sys.stderr)
        return 2

    import asyncio
    import contextlib
    import io
    import logging
    import warnings

    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    # rasa's import chain (tensorflow, sqlalchemy, matplotlib) prints deprecation noise
    with contextlib.redirect_stderr(io.StringIO()):
        from rasa.core.agent import Agent
        from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # rasa logs every parse at debug level

    with contextlib.redirect_stderr(io.StringIO()):
        agent = Agent.load(str(model))
    if not agent.is_ready():
        print(f"could not load {model}", file=sys.stderr)
        return 2

    data = {f.stem: load_examples(f) for f in files}
    texts = [text for examples in data.values() for text, _ in examples]
    predictions = asyncio.run(_predict(agent, texts))

    report = {"model": str(model), "languages": {}}
    all_gold: list[str] = []
    all_pred: list[str] = []
    errors: list[tuple[str, str, str, str, float]] = []
    cursor = 0
    for lang, examples in data.items():
        gold = [intent for _, intent in examples]
        pred = [name for name, _ in predictions[cursor : cursor + len(examples)]]
        for (text, g), (p, conf) in zip(examples, predictions[cursor : cursor + len(examples)]):
            if g != p:
                errors.append((lang, g, p, text, conf))
        cursor += len(examples)
        report["languages"][lang] = score(gold, pred)
        all_gold += gold
        all_pred += pred
    report["overall"] = score(all_gold, all_pred)

    print(f"model: {model}")
    print(f"{'lang':<8}{'macro-F1':>9}{'accuracy':>10}{'n':>6}{'fallback':>10}")
    for lang, figures in list(report["languages"].items()) + [("all", report["overall"])]:
        print(
            f"{lang:<8}{figures['macro_f1']:>9.3f}{figures['accuracy']:>10.3f}"
            f"{figures['n']:>6}{figures['fallback']:>10}"
        )

    repeated = [
        (lang, c)
        for lang, figures in report["languages"].items()
        for c in figures["confusions"]
        if c["count"] > 1
    ]
    print("\nconfusions occurring more than once (lang: gold -> predicted x count):")
    if not repeated:
        print("  none")
    for lang, c in repeated:
        print(f"  {lang}: {c['gold']} -> {c['predicted']} x{c['count']}")

    if args.errors:
        print("\nall errors (lang: gold -> predicted (confidence) | text):")
        for lang, g, p, text, conf in errors:
            print(f"  {lang}: {g} -> {p} ({conf:.2f}) | {text}")

    report["parser"] = parser_report
    _print_parser(parser_report, args.ratings_dir, args.errors)

    failed = []
    if args.min_f1 is not None:
        failed = [lang for lang, figures in report["languages"].items() if figures["macro_f1"] < args.min_f1]
        report["min_f1"] = args.min_f1
        report["failed_languages"] = failed
        verdict = "FAIL" if failed else "OK"
        detail = f" ({', '.join(failed)} below {args.min_f1:.2f})" if failed else ""
        print(f"\nmin macro-F1 {args.min_f1:.2f}: {verdict}{detail}")
    return _verdicts(args, report, failed)


def _verdicts(args: argparse.Namespace, report: dict[str, object], failed: list[str]) -> int:
    """Apply --min-parser-accuracy, write --json, and return the exit code."""
    threshold = args.min_parser_accuracy
    parser_failed = [lang for lang, f in report["parser"].items() if f["accuracy"] < threshold]
    report["min_parser_accuracy"] = threshold
    report["parser_failed_languages"] = parser_failed
    verdict = "FAIL" if parser_failed else "OK"
    detail = f" ({', '.join(parser_failed)} below {threshold:.2f})" if parser_failed else ""
    if "min_f1" not in report:
        print()
    print(f"min parser accuracy {threshold:.2f}: {verdict}{detail}")

    if args.json_path:
        out = Path(args.json_path)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    return 1 if failed or parser_failed else 0


if __name__ == "__main__":
    sys.exit(main())
