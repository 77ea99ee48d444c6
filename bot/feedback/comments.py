"""Comments: free text the guest gives besides the answers the questionnaire asks for
(issue 13, "no comment is ever dropped"). Pure helpers for bot/feedback/engine.py.

- `is_comment`: does a message carry feedback? Decided from the words themselves
  (bot/ratings/remainder.py: enough words besides the rating phrases), never from the
  topics bot/insights finds — a skip, a short "ok"/"thanks", "nothing else" are not.
- `analysed`: bot/insights' topics and polarity of a comment (never raises).
- `tied_to`: the questions and topics a comment speaks about, kept in the state (ids
  only, never the text) so a low score on one of them needs no "what went wrong?".
- `unsolicited_ratings`: ratings of topics the hotel does not ask about ("breakfast 2"
  at a hotel without a breakfast question), on the topic's usual 1-5 scale.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from bot.base.insight import TOPICS, Analysis
from bot.insights import analyse
from bot.ratings import Rating, Scale, parse_answer
from bot.ratings.lexicon import TOPIC_PATTERNS
from bot.ratings.remainder import remainder
from bot.ratings.text import normalise

# topics a guest may rate without being asked: the rating parser's topic words that are
# also insight topics ("overall" and "recommend" are questions every hotel asks)
UNSOLICITED_TOPICS: tuple[str, ...] = tuple(t for t in TOPIC_PATTERNS if t in TOPICS)
UNSOLICITED_SCALE = Scale(1, 5)

# "nothing else", "that's all": the guest has nothing (more) to add (normalised text)
_NOTHING_MORE = re.compile(
    r"(?<!\w)(?:nothing\s+(?:else|more|to\s+add)|that'?s\s+(?:all|it)|no\s+(?:more\s+)?comments?"
    r"|nichts\s+(?:mehr|weiter|hinzuzufugen)|das\s+war'?s|sonst\s+nichts|kein\s+kommentar"
    r"|rien\s+(?:d'autre|de\s+plus|a\s+ajouter)|c'est\s+tout|pas\s+de\s+commentaire"
    r"|nada\s+mas|nada\s+que\s+anadir|eso\s+es\s+todo|sin\s+comentarios?"
    r"|nient'?\s*altro|niente\s+(?:altro|da\s+aggiungere)|e\s+tutto|nessun\s+commento)(?!\w)"
)
_SHORT = 6  # words: "nothing else, thanks" — a longer message is more than a "no"


def nothing_more(text: str) -> bool:
    """A short "nothing else" / "c'est tout" / "nient'altro"."""
    return len(text.split()) <= _SHORT and _NOTHING_MORE.search(normalise(text).text) is not None


def is_comment(text: str, lang: str, *, declines: bool, social: bool) -> bool:
    """Whether `text` carries feedback besides any rating in it."""
    if declines or social or nothing_more(text):
        return False
    return remainder(text, lang).substantial


def analysed(text: str, lang: str) -> Analysis:
    """Topics and polarity (bot/insights); an empty analysis if it ever fails."""
    try:
        return analyse(text, lang)
    except Exception:  # noqa: BLE001 - a comment is stored whatever the analysis does
        return Analysis()


def tied_to(analysis: Analysis, ids: Iterable[str]) -> set[str]:
    """The question and topic ids a comment says what went wrong about: `ids` (the
    question asked, the ratings in the same message) unless the comment is plainly
    positive, and every topic it mentions without praise."""
    tied = {m.topic for m in analysis.topics if m.polarity != "positive"}
    if analysis.polarity != "positive":
        tied.update(i for i in ids if i)
    return tied


def unsolicited_ratings(text: str, lang: str, questions: Collection[str]) -> tuple[Rating, ...]:
    """Ratings the guest named a topic for that is not one of the hotel's `questions` (ids)."""
    scales = {t: UNSOLICITED_SCALE for t in UNSOLICITED_TOPICS if t not in questions}
    if not scales:
        return ()
    return tuple(r for r in parse_answer(text, lang, scales, None).ratings if r.topic)
