"""Finding rating-like number mentions in normalised guest text.

One regular expression per conversation language (compiled at import) finds, left to right:

* "between 3 and 4" and its translations (a range);
* numbers that are not ratings — after "floor", "#", "€" — and runs of stars ("★★★★☆", "⭐⭐⭐");
* a number — digits ("4", "4.5", "4,5"), a number word ("vier", "Cuatro"), a half ("four and a
  half", "viereinhalb", "3½") — optionally followed by what makes it more than a bare
  number: a scale ("/5", "out of 10", "von 5", "sur 10", "de cinco"), a range ("-4", "or 4"),
  a percent sign, a star unit ("stars", "Sterne"), a unit that makes it a count or time
  ("3 nights", "10 minutes": dropped) or a points unit (ignored).

Before that, phone numbers, dates, times and a few phrases ("tout neuf", "très" with its
grave accent) are blanked out. The result is a list of `Mention`s with spans in the
normalised text; what they mean on a question's scale is decided in `bot.ratings.parser`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.ratings import lexicon as lx
from bot.ratings.text import Normalised

FILLED_STARS = "★⭐🌟✪✫✬✭✮✯"
EMPTY_STARS = "☆✩✰"


@dataclass(frozen=True)
class Mention:
    """A rating-like expression. `kind` is one of:

    bare     a plain number ("4", "vier", "4.5")          value
    scaled   a number on an explicit scale ("8/10")       value, denominator, slash
    percent  "80%"                                        value
    stars    "★★★★☆", "⭐⭐⭐", "4 stars"                    value, denominator (stars shown, or None)
    range    "3-4", "between 3 and 4", "3 or 4"           value (low end), high,
                                                          form ("or" for "3 or 4", else "span")
    """

    kind: str
    start: int
    end: int
    value: float
    denominator: int | None = None
    slash: bool = False
    high: float | None = None
    form: str = ""


def _alt(patterns: tuple[str, ...] | list[str]) -> str:
    return "(?:" + "|".join(patterns) + ")"


_HALF = _alt(lx.HALF_SUFFIX_PATTERNS)
_SCALE_SEP = r"(?:\s*/\s*|\s+" + _alt(lx.SCALE_SEPARATOR_PATTERNS) + r"\s+)"
_RANGE_SEP = r"(?:\s*[-–—~]\s*|\s+" + _alt(lx.RANGE_SEPARATOR_PATTERNS) + r"\s+)"
_STAR_UNIT = r"(?:[\s-]*" + _alt(lx.STAR_UNIT_PATTERNS) + r"(?!\w)|\s*[★⭐](?![★☆⭐])|\*(?!\*))"
_INT = r"(?<![\d.,])\d+(?![.,]?\d)"
_DEC = r"(?<![\d.,])\d+(?:[.,]\d+)?(?![.,]?\d)"


def _number(prefix: str, words: str) -> str:
    """A single number; group names are prefixed so the expression can be used twice."""
    word = rf"(?<!\w){words}(?!\w)"
    return (
        rf"(?:(?P<{prefix}hb>(?<![\d.,])\d+|(?<!\w){words}){_HALF}(?!\w)"
        rf"|(?P<{prefix}hw>(?<!\w)anderthalb(?!\w))"
        rf"|(?P<{prefix}dec>{_DEC})"
        rf"|(?P<{prefix}w>{word}))"
    )


def _build(lang: str | None) -> re.Pattern[str]:
    excluded = {w for w, langs in lx.FALSE_FRIENDS.items() if lang in langs}
    words = _alt(sorted((w for w in lx.NUMBER_WORDS if w not in excluded), key=len, reverse=True))
    word = rf"(?<!\w){words}(?!\w)"
    scale_tail = rf"(?:{_STAR_UNIT})?(?P<sep>{_SCALE_SEP})(?P<den>{_INT}|{word})(?:{_STAR_UNIT})?"
    range_tail = (
        rf"{_RANGE_SEP}{_number('b', words)}"
        rf"(?:{_SCALE_SEP}(?:{_INT}|{word}))?(?:{_STAR_UNIT})?"
    )
    between = (
        rf"(?<!\w){_alt(lx.BETWEEN_PATTERNS)}\s+{_number('c', words)}\s+{_alt(lx.BETWEEN_AND_PATTERNS)}"
        rf"\s+{_number('d', words)}(?:{_SCALE_SEP}(?:{_INT}|{word}))?(?:{_STAR_UNIT})?"
    )
    prefixed = r"(?:(?<!\w)" + _alt(lx.NOISE_PREFIX_PATTERNS) + r"|#|€|\$|£)\s*(?:" + _DEC + "|" + word + ")"
    star_run = f"[{FILLED_STARS}{EMPTY_STARS}](?:\\s*[{FILLED_STARS}{EMPTY_STARS}])*"
    tails = (
        rf"(?P<scale>{scale_tail})"
        rf"|(?P<range>{range_tail})"
        rf"|(?P<pct>\s*{_alt(lx.PERCENT_PATTERNS)}(?!\w))"
        rf"|(?P<star>{_STAR_UNIT})"
        rf"|(?P<noise>\s*\.?\s*{_alt(lx.NOISE_UNIT_PATTERNS)}(?!\w))"
        rf"|\s*{_alt(lx.POINT_UNIT_PATTERNS)}(?!\w)"
    )
    master = (
        rf"(?P<between>{between})"
        rf"|(?P<prefixed>{prefixed})"
        rf"|(?P<srun>{star_run})"
        rf"|(?P<arun>(?<![\w*])\*{{1,10}}(?![\w*]))"
        rf"|(?P<num>{_number('a', words)})(?:{tails})?"
    )
    return re.compile(master)


MASTER: dict[str | None, re.Pattern[str]] = {lang: _build(lang) for lang in (*lx.LANGUAGES, None)}

_PHONE = re.compile(r"(?<![\w.,])\+?\(?\d[\d ().\-]{5,}\d(?!\d)")
_DATE_TIME = re.compile(r"(?<![\d.,])(?:\d{1,4}([./-])\d{1,2}\1\d{1,4}|\d{1,2}:\d{2}(?::\d{2})?)(?!\d)")
_NOT_NUMBER = re.compile(r"(?<!\w)" + _alt(lx.NOT_NUMBER_PATTERNS) + r"(?!\w)")
_TRES = re.compile(r"(?<!\w)tres(?!\w)")
_NEXT_WORD = re.compile(r"\s*(\w+)")
_OR = re.compile(r"\s+(?:or|oder|ou|o|u)\s")


def _blank_spans(norm: Normalised) -> str:
    """Normalised text with dates, times, phone numbers and non-number phrases blanked."""
    text = _blank(norm.text, [m.span() for m in _DATE_TIME.finditer(norm.text)])
    spans = [m.span() for m in _PHONE.finditer(text) if _is_phone(m.group())]
    spans.extend(m.span() for m in _NOT_NUMBER.finditer(text))
    # "très" (French "very") is never 3, whatever the conversation language.
    spans.extend(m.span() for m in _TRES.finditer(text) if "è" in norm.raw(*m.span()).lower())
    return _blank(text, spans)


def _is_phone(candidate: str) -> bool:
    digits = sum(c.isdigit() for c in candidate)
    longest_run = max(len(run) for run in re.findall(r"\d+", candidate))
    return longest_run >= 3 and (digits >= 7 or (candidate.startswith("+") and digits >= 5))


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _value(m: re.Match[str], prefix: str) -> tuple[float, str | None]:
    """The value of a `_number` match and, for a plain number word, the word itself."""
    base = m.group(prefix + "hb")
    if base is not None:
        return _plain(base) + 0.5, None
    if m.group(prefix + "hw") is not None:
        return lx.HALF_WORDS["anderthalb"], None
    dec = m.group(prefix + "dec")
    if dec is not None:
        return _plain(dec), None
    word = m.group(prefix + "w")
    return float(lx.NUMBER_WORDS[word]), word


def _plain(token: str) -> float:
    if token in lx.NUMBER_WORDS:
        return float(lx.NUMBER_WORDS[token])
    whole, sep, frac = token.replace(",", ".").partition(".")
    if sep and len(frac) == 3:  # "1,000" / "5.000": a thousands separator
        return float(whole + frac)
    return float(token.replace(",", "."))


def _article_like(text: str, end: int) -> bool:
    """True if an article-like number word ending at `end` is followed by a word or number."""
    nxt = _NEXT_WORD.match(text, end)
    if nxt is None:
        return False
    following = nxt.group(1)
    return following.isdigit() or following not in lx.AFTER_ARTICLE_LIKE


def _describes_scale(low: float, high: float) -> bool:
    """ "1-5", "0 to 10", "between 1 and 10": the guest names the scale, not an answer."""
    return low in (0, 1) and high in (5, 10, 100)


def _star_run(text: str) -> tuple[int, int]:
    filled = sum(c in FILLED_STARS for c in text)
    empty = sum(c in EMPTY_STARS for c in text)
    return filled, empty


def find_mentions(norm: Normalised, lang: str) -> list[Mention]:
    text = _blank_spans(norm)
    pattern = MASTER.get(lang, MASTER[None])
    found: list[Mention] = []
    for m in pattern.finditer(text):
        start, end = m.span()
        if m.group("between") is not None:
            low, high = _value(m, "c")[0], _value(m, "d")[0]
            if not _describes_scale(low, high):
                found.append(Mention("range", start, end, low, high=high, form="span"))
        elif m.group("prefixed") is not None:
            continue
        elif m.group("srun") is not None:
            filled, empty = _star_run(m.group("srun"))
            found.append(Mention("stars", start, end, float(filled), filled + empty if empty else None))
        elif m.group("arun") is not None:
            found.append(Mention("stars", start, end, float(len(m.group("arun")))))
        else:
            mention = _number_mention(m, text)
            if mention is not None:
                found.append(mention)
    return found


def _number_mention(m: re.Match[str], text: str) -> Mention | None:
    start, end = m.span()
    value, word = _value(m, "a")
    if m.group("scale") is not None:
        den = m.group("den")
        slash = "/" in m.group("sep")
        denominator = _plain(den)
        denominator = int(denominator) if denominator < 10**6 else 10**6  # "4/999…9" is not a scale
        return Mention("scaled", start, end, value, denominator, slash=slash)
    if m.group("range") is not None:
        high = _value(m, "b")[0]
        if _describes_scale(value, high):
            return None
        form = "or" if _OR.match(text, m.end("num")) else "span"
        return Mention("range", start, end, value, high=high, form=form)
    if m.group("pct") is not None:
        return Mention("percent", start, end, value)
    if m.group("star") is not None:
        return Mention("stars", start, end, value)
    if m.group("noise") is not None:
        return None
    if word in lx.ARTICLE_LIKE and end == m.end("num") and _article_like(text, end):
        return None
    return Mention("bare", start, end, value)
