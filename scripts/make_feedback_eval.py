#!/usr/bin/env python
"""Write eval/feedback/<lang>.yml: ordinary guest feedback that must never start a
data-subject request (tests/test_nlu_quality.py gates it, scripts/eval_feedback.py measures).

Per language (en, de, fr, es, it) the file holds, in this order of sources:
- hand-written messages (HANDWRITTEN below, written for this set: greetings, stays,
  praise, complaints, ratings in words, sign-offs, and hard cases that use the words of a
  request in an ordinary sense: "please change the towels", "the reception lost my e-mail");
- messages composed from templates (openers, stays, opinions, ratings, sign-offs written
  per language as whole clauses, so every result is a full sentence a guest could write),
  drawn with a fixed seed;
- English only: public reviews from /work/shared/data/booking_515k_sample (Kaggle "515K
  Hotel Reviews Data in Europe", CC0 1.0, Booking.com user content, scraped by Jiashen Liu;
  sample taken from benitomartin/de-hotel-reviews@041d86d data/hotel_reviews_test.csv): the
  Positive_Review and Negative_Review texts of the first rows, as given (punctuation
  stripped by the source).

Every message is assigned to ``dev`` or ``heldout`` by a hash of its text (about half
each). Thresholds and NLU data may be tuned on ``dev`` only; ``heldout`` is measured.

Usage: python scripts/make_feedback_eval.py   (rewrites eval/feedback/*.yml)
"""

from __future__ import annotations

import csv
import hashlib
import random
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "eval" / "feedback"
BOOKING = Path("/work/shared/data/booking_515k_sample/hotel_reviews_515k_first1000.csv")
TARGET = 600  # messages per language
BOOKING_COUNT = 330

sys.path.insert(0, str(Path(__file__).resolve().parent))
from feedback_phrases import HANDWRITTEN, TEMPLATES  # noqa: E402


def split(text: str) -> str:
    return "dev" if hashlib.sha256(text.encode()).digest()[0] % 2 == 0 else "heldout"


def compose(rng: random.Random, parts: dict[str, list[str]]) -> str:
    """One message: an opener or not, a stay or not, one or two opinions, a rating or not,
    a sign-off or not (at least one opinion or rating)."""
    pieces = []
    if rng.random() < 0.45:
        pieces.append(rng.choice(parts["opener"]))
    if rng.random() < 0.5:
        pieces.append(rng.choice(parts["stay"]))
    opinions = rng.sample(parts["opinion"], rng.choice((1, 1, 2)))
    pieces += opinions
    if rng.random() < 0.35:
        pieces.append(rng.choice(parts["rating"]).format(n=rng.choice((3, 4, 4, 5)), t=rng.choice((7, 8, 9))))
    if rng.random() < 0.3:
        pieces.append(rng.choice(parts["closer"]).format(name=rng.choice(parts["name"])))
    return " ".join(pieces)


def booking_reviews(limit: int) -> list[str]:
    texts: list[str] = []
    if not BOOKING.exists():
        return texts
    with BOOKING.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for field in ("Positive_Review", "Negative_Review"):
                text = " ".join((row.get(field) or "").split())
                if text in ("No Positive", "No Negative") or not 20 <= len(text) <= 600 or text in texts:
                    continue
                texts.append(text)
                if len(texts) >= limit:
                    return texts
    return texts


def build(lang: str) -> dict[str, list[str]]:
    rng = random.Random(f"rapport-feedback-{lang}")
    seen: set[str] = set()
    messages: list[str] = []

    def add(text: str) -> None:
        if text not in seen:
            seen.add(text)
            messages.append(text)

    for text in HANDWRITTEN[lang]:
        add(text)
    if lang == "en":
        for text in booking_reviews(BOOKING_COUNT):
            add(text)
    tries = 0
    while len(messages) < TARGET and tries < 50 * TARGET:
        tries += 1
        add(compose(rng, TEMPLATES[lang]))
    out: dict[str, list[str]] = {"dev": [], "heldout": []}
    for text in messages:
        out[split(text)].append(text)
    return out


HEADER = """\
# Ordinary guest feedback that must NOT start a data-subject request ({lang}).
# Written by scripts/make_feedback_eval.py (sources, licence and split in its docstring):
# hand-written messages, messages composed from hand-written templates{booking}.
# `dev` may be used to tune thresholds and NLU data; `heldout` is only measured.
"""
BOOKING_NOTE = (
    ',\n# and public reviews from Kaggle "515K Hotel Reviews Data in Europe" (Jiashen Liu, CC0 1.0,\n'
    "# Booking.com user content; sample from benitomartin/de-hotel-reviews@041d86d)"
)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for lang in ("en", "de", "fr", "es", "it"):
        data = build(lang)
        header = HEADER.format(lang=lang, booking=BOOKING_NOTE if lang == "en" else "")
        body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
        (OUT / f"{lang}.yml").write_text(header + body, encoding="utf-8")
        print(f"{lang}: dev {len(data['dev'])}, heldout {len(data['heldout'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
