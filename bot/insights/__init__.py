"""What a guest's comment talks about, and how they feel about it.

`analyse(text, lang)` splits a comment into sentences and gives each the hotel topics it
mentions (TOPICS), each with a polarity and the words that decided it, plus one overall
polarity for the comment. Pure and fast (no I/O): the feedback engine calls it inside the
turn. `python -m bot.insights analyse --lang L` runs it over standard input (docs/INSIGHTS.md).
"""

from __future__ import annotations

from .model import POLARITIES, TOPICS, Analysis, Mention, analyse

__all__ = ["POLARITIES", "TOPICS", "Analysis", "Mention", "analyse"]
