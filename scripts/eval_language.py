#!/usr/bin/env python
"""Evaluate the language detectors of ``bot.language`` on held-out short text.

Data: lingua's published test sets in /work/shared/data/lingua_testdata (see its
SOURCE.md: ``<set>/<iso>.txt``, one text per line, language = file name), restricted
to the five supported languages.  None of it is used by the unit tests or for tuning.

Sets:
  sentences        the 1,000 sentences per language (web text, ~15 words)
  short-sentences  those sentences with at most --short-max-words words
  word-pairs       two words, each pair >= 10 characters
  single-words     single lower-cased words (harsh: includes fragments)

For every detector and set it prints accuracy overall and per language, how often
the detector gave no answer, and the median microseconds per ``detect`` call.

    .venv/bin/python scripts/eval_language.py                       # defaults, < 60 s
    .venv/bin/python scripts/eval_language.py --limit-per-language 1000 --sets all
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.language.detect import DETECTORS, SUPPORTED, LanguageDetector, make_detector  # noqa: E402

DEFAULT_DATA_DIR = Path("/work/shared/data/lingua_testdata")
ALL_SETS = ("sentences", "short-sentences", "word-pairs", "single-words")
DEFAULT_SETS = ("sentences", "short-sentences", "word-pairs")

Sample = tuple[str, str]  # (text, gold ISO 639-1 code)


def load_samples(
    data_dir: Path,
    set_name: str,
    languages: Sequence[str] = SUPPORTED,
    limit_per_language: int | None = 300,
    seed: int = 0,
    short_max_words: int = 8,
) -> list[Sample]:
    """A deterministic random sample of ``limit_per_language`` texts per language."""
    folder = "sentences" if set_name == "short-sentences" else set_name
    samples: list[Sample] = []
    for lang in languages:
        path = data_dir / folder / f"{lang}.txt"
        lines = [ln.strip() for ln in path.read_text(encoding="utf-8", errors="replace").splitlines()]
        lines = [ln for ln in lines if ln]
        if set_name == "short-sentences":
            lines = [ln for ln in lines if len(ln.split()) <= short_max_words]
        rng = random.Random(f"{seed}:{set_name}:{lang}")
        rng.shuffle(lines)
        if limit_per_language is not None:
            lines = lines[:limit_per_language]
        samples.extend((ln, lang) for ln in lines)
    return samples


def evaluate(detector: LanguageDetector, samples: Iterable[Sample]) -> dict:
    """Accuracy (overall and per gold language), no-answer rate and timing.

    Returns a JSON-serialisable dict::

        {"detector": str, "n": int, "correct": int, "accuracy": float,
         "no_answer": int, "median_us": float, "mean_us": float,
         "per_language": {lang: {"n", "correct", "accuracy"}},
         "confusion": {gold: {predicted_or_"none": count}}}
    """
    per_n: Counter[str] = Counter()
    per_ok: Counter[str] = Counter()
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    times_ns: list[int] = []
    no_answer = 0
    for text, gold in samples:
        t0 = time.perf_counter_ns()
        result = detector.detect(text)
        times_ns.append(time.perf_counter_ns() - t0)
        predicted = result[0] if result is not None else "none"
        no_answer += result is None
        per_n[gold] += 1
        per_ok[gold] += predicted == gold
        confusion[gold][predicted] += 1
    n = sum(per_n.values())
    correct = sum(per_ok.values())
    return {
        "detector": getattr(detector, "name", type(detector).__name__),
        "n": n,
        "correct": correct,
        "accuracy": correct / n if n else 0.0,
        "no_answer": no_answer,
        "median_us": statistics.median(times_ns) / 1000 if times_ns else 0.0,
        "mean_us": statistics.fmean(times_ns) / 1000 if times_ns else 0.0,
        "per_language": {
            lang: {"n": per_n[lang], "correct": per_ok[lang], "accuracy": per_ok[lang] / per_n[lang]}
            for lang in sorted(per_n, key=lambda c: (SUPPORTED + (c,)).index(c))
        },
        "confusion": {gold: dict(counts) for gold, counts in confusion.items()},
    }


def format_table(rows: list[tuple[str, dict]], languages: Sequence[str]) -> str:
    header = ["detector", "set", "n", "overall", *languages, "no answer", "median µs"]
    lines = [header]
    for set_name, res in rows:
        per = res["per_language"]
        lines.append(
            [
                res["detector"],
                set_name,
                str(res["n"]),
                f"{100 * res['accuracy']:.1f}%",
                *(f"{100 * per[lang]['accuracy']:.1f}%" if lang in per else "-" for lang in languages),
                f"{100 * res['no_answer'] / res['n']:.1f}%" if res["n"] else "-",
                f"{res['median_us']:.0f}",
            ]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for i, line in enumerate(lines):
        cells = zip(line, widths, strict=True)
        out.append("  ".join(c.ljust(w) if j < 2 else c.rjust(w) for j, (c, w) in enumerate(cells)))
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--limit-per-language",
        type=int,
        default=300,
        metavar="N",
        help="texts per language and set (default 300; 0 = all)",
    )
    parser.add_argument(
        "--sets",
        default=",".join(DEFAULT_SETS),
        help=f"comma-separated from {', '.join(ALL_SETS)} or 'all' (default: %(default)s)",
    )
    parser.add_argument(
        "--detectors",
        default=",".join(DETECTORS),
        help="comma-separated detector names (default: %(default)s)",
    )
    parser.add_argument("--languages", default=",".join(SUPPORTED), help="default: %(default)s")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--short-max-words", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write full results (with confusion counts) here")
    args = parser.parse_args(argv)

    if args.sets.strip() == "all":
        sets = ALL_SETS
    else:
        sets = tuple(s.strip() for s in args.sets.split(",") if s.strip())
    unknown = [s for s in sets if s not in ALL_SETS]
    if unknown:
        parser.error(f"unknown set(s): {unknown}")
    languages = tuple(c.strip() for c in args.languages.split(",") if c.strip())
    limit = args.limit_per_language if args.limit_per_language > 0 else None

    data = {
        s: load_samples(args.data_dir, s, languages, limit, args.seed, args.short_max_words) for s in sets
    }
    rows: list[tuple[str, dict]] = []
    started = time.perf_counter()
    for name in (d.strip() for d in args.detectors.split(",") if d.strip()):
        t0 = time.perf_counter()
        detector = make_detector(name, languages)
        detector.detect("warm-up: load the models before timing")
        print(f"{name}: set-up and first call {time.perf_counter() - t0:.2f} s", file=sys.stderr)
        for s in sets:
            rows.append((s, evaluate(detector, data[s])))
    print(
        f"lingua_testdata, languages {'/'.join(languages)}, seed {args.seed}, "
        f"up to {limit or 'all'} texts per language and set "
        f"(short-sentences: <= {args.short_max_words} words)"
    )
    print(format_table(rows, languages))
    print(f"total {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps([{"set": s, **r} for s, r in rows], indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
