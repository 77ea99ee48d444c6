"""Try the analyser on your own text: one comment per line in, one JSON line per comment out.

    python -m bot.insights analyse --lang de < comments.txt
    echo "the eggs were cold" | python -m bot.insights analyse --lang en
    -> {"topics": [{"topic": "breakfast", "polarity": "negative", "words": ["eggs", "cold"]}],
        "polarity": "negative"}   (on one line)

Every input line gives exactly one output line, in order: an empty line gives an empty
analysis ({"topics": [], "polarity": "neutral"}), so the output lines up with the input.
Input is read as UTF-8 (bytes that are not become U+FFFD); output is UTF-8 JSON with the
guest's words as written. Lines of any length are analysed (the analyser reads the first
20,000 characters). --lang is one of en de fr es it; anything else is refused (exit 2).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import BinaryIO

from .lexicon import LANGUAGES
from .model import analyse


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot.insights", description=__doc__.split("\n\n")[0])
    commands = p.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "analyse",
        help="analyse comments from standard input, one per line",
        description="Reads comments, one per line, from standard input and prints one JSON line "
        'per comment: {"topics": [{"topic", "polarity", "words"}], "polarity"}.',
    )
    run.add_argument("--lang", required=True, choices=LANGUAGES, help="the comments' language")
    return p


def analyse_lines(lang: str, source: BinaryIO, sink: BinaryIO) -> int:
    """Analyse every line of `source` into `sink`; returns the number of lines."""
    count = 0
    for raw in source:
        text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        line = json.dumps(analyse(text, lang).as_json(), ensure_ascii=False)
        sink.write(line.encode("utf-8") + b"\n")
        sink.flush()
        count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        analyse_lines(args.lang, sys.stdin.buffer, sys.stdout.buffer)
    except BrokenPipeError:  # `| head`: the reader went away
        return 0
    except KeyboardInterrupt:
        return 130
    return 0
