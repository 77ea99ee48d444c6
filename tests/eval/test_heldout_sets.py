"""Validator for the opener and escalation evaluation sets of issue 13.

- eval/openers/heldout/<lang>.yml (the third, fresh held-out set, helper "evaluator3"),
  eval/openers/seen/<lang>.yml and eval/openers/seen2/<lang>.yml (the first and second
  held-out sets, now development data): every
  file parses; items are `{text, lang}` or `{text, ambiguous: true}` with optional
  `phone_region` (an ISO 3166 region phonenumbers knows), `language_hint` (an
  Accept-Language value) and `note`; every `lang` is the file's language; texts are one
  to six words; no duplicate (text, prior) across a folder's five files, comparing texts
  without case and punctuation; a text decided alone keeps its language under any prior
  that does not make it ambiguous.
- Counts per language. seen and seen2: at least 45 decided by the text alone, 10 labelled with a
  prior, 12 ambiguous. heldout: at least 50 decided by the text alone, 10 where a prior of
  the same language decides, 12 ambiguous and 3 where the text beats a prior pointing to
  another of the five; an ambiguous item never carries a prior that names exactly one of
  the five languages (that prior would decide it).
- The held-out set shares no (text, prior) with seen, seen2 nor the development set
  eval/openers/<lang>.yml (compared by the test; nobody reads one to write the other).
- eval/escalation/heldout.yml: items `{lang, turns, escalate, why}` with the five
  languages, at least 14 conversations per language and 80 in all, 35-55 % escalate,
  both labels in every language, no conversation and no comment written twice.
- Neither set holds anything shaped like an e-mail address or a phone number.

The checks are functions returning a list of problems, so the tests below also feed
them broken data to show they fail.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import phonenumbers
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "eval" / "openers"
OPENERS = DEV / "heldout"
SEEN = DEV / "seen"
SEEN2 = DEV / "seen2"
USED = (SEEN, SEEN2)  # held-out sets that were read and tuned on
ESCALATION = ROOT / "eval" / "escalation" / "heldout.yml"
LANGS = ("en", "de", "fr", "es", "it")

MIN_TEXT_DECIDED = 45  # seen, seen2
MIN_PRIOR_DECIDED = 10
MIN_AMBIGUOUS = 12
HELDOUT_MINIMA = {"text": 50, "prior": 10, "ambiguous": 12, "text_beats_prior": 3}
MAX_WORDS = 6
MIN_CONVERSATIONS_PER_LANG = 14
MIN_CONVERSATIONS = 80
ESCALATE_SHARE = (0.35, 0.55)

OPENER_KEYS = frozenset({"text", "lang", "ambiguous", "phone_region", "language_hint", "note"})
CONVERSATION_KEYS = frozenset({"lang", "turns", "escalate", "why"})
_RANGE = r"(?:\*|[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)(?:\s*;\s*q=(?:0(?:\.\d{1,3})?|1(?:\.0{1,3})?))?"
LANGUAGE_HINT = re.compile(rf"^{_RANGE}(?:\s*,\s*{_RANGE})*$")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
PHONE = re.compile(r"\+?\d[\d\s().-]{6,}\d")


def load(path: Path) -> object:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def normalise(text: str) -> str:
    """Casefolded NFC text without punctuation and extra spaces (emoji are kept);
    text that is only punctuation ("???") compares as itself."""
    text = unicodedata.normalize("NFC", text).casefold()
    kept = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in text)
    return " ".join(kept.split()) or text.strip()


# Countries whose main language is one of the five (a multilingual one, CH BE CA LU, is
# left out: its prior names no single language).
REGION_LANGUAGE = {
    **dict.fromkeys(("GB", "US", "IE", "AU", "NZ"), "en"),
    **dict.fromkeys(("DE", "AT", "LI"), "de"),
    **dict.fromkeys(("FR", "MC"), "fr"),
    **dict.fromkeys(("ES", "MX", "AR", "CO", "CL", "PE", "VE", "UY", "CR", "DO"), "es"),
    **dict.fromkeys(("IT", "SM"), "it"),
}


def prior_language(item: dict) -> str | None:
    """The one language of the five the item's prior names, or None (no prior, a
    multilingual country, another language, or a browser listing two of the five)."""
    if region := item.get("phone_region"):
        return REGION_LANGUAGE.get(region)
    hint = item.get("language_hint")
    if not hint:
        return None
    named = {r.split(";")[0].strip().split("-")[0].lower() for r in hint.split(",")}
    named &= set(LANGS)
    return named.pop() if len(named) == 1 else None


def has_prior(item: dict) -> bool:
    return bool(item.get("phone_region") or item.get("language_hint"))


def opener_key(item: dict) -> tuple[str, str, str]:
    return normalise(item["text"]), item.get("phone_region") or "", item.get("language_hint") or ""


def personal_data(text: str) -> bool:
    return bool(EMAIL.search(text) or PHONE.search(text))


def opener_problems(lang: str, items: object) -> list[str]:
    """What is wrong with one opener file's items (empty: nothing)."""
    if not isinstance(items, list) or not items:
        return [f"{lang}: not a non-empty list"]
    problems = []
    for n, item in enumerate(items):
        where = f"{lang}[{n}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: not a mapping")
            continue
        if extra := set(item) - OPENER_KEYS:
            problems.append(f"{where}: unknown fields {sorted(extra)}")
        text = item.get("text")
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where}: text missing or empty")
            continue
        if len(text.split()) > MAX_WORDS:
            problems.append(f"{where}: {text!r} has more than {MAX_WORDS} words")
        if personal_data(text):
            problems.append(f"{where}: {text!r} looks like an e-mail address or a phone number")
        if ("lang" in item) == ("ambiguous" in item):
            problems.append(f"{where}: needs exactly one of lang and ambiguous")
        if "lang" in item and item["lang"] != lang:
            problems.append(f"{where}: lang {item['lang']!r} in the {lang} file")
        if "ambiguous" in item and item["ambiguous"] is not True:
            problems.append(f"{where}: ambiguous must be true")
        region = item.get("phone_region")
        if region is not None and region not in phonenumbers.SUPPORTED_REGIONS:
            problems.append(f"{where}: phone_region {region!r} is not a region")
        hint = item.get("language_hint")
        if hint is not None and not (isinstance(hint, str) and LANGUAGE_HINT.match(hint)):
            problems.append(f"{where}: language_hint {hint!r} is not an Accept-Language value")
        if "note" in item and not (isinstance(item["note"], str) and item["note"].strip()):
            problems.append(f"{where}: note must be text")
    return problems


def opener_counts(items: list[dict]) -> Counter:
    counts: Counter = Counter()
    for item in items:
        if item.get("ambiguous"):
            counts["ambiguous"] += 1
        elif has_prior(item):
            counts["prior"] += 1
        else:
            counts["text"] += 1
    return counts


def heldout_counts(items: list[dict]) -> Counter:
    """Like opener_counts, but a labelled item with a prior counts as "prior" when the
    prior names its language and as "text_beats_prior" when it names another one."""
    counts: Counter = Counter()
    for item in items:
        named = prior_language(item)
        if item.get("ambiguous"):
            counts["ambiguous_with_deciding_prior" if named else "ambiguous"] += 1
        elif not has_prior(item):
            counts["text"] += 1
        elif named == item.get("lang"):
            counts["prior"] += 1
        elif named:
            counts["text_beats_prior"] += 1
        else:
            counts["prior_unresolved"] += 1
    return counts


def heldout_count_problems(lang: str, items: list[dict]) -> list[str]:
    counts = heldout_counts(items)
    problems = [
        f"{lang}: {counts[kind]} {kind} items, want at least {least}"
        for kind, least in HELDOUT_MINIMA.items()
        if counts[kind] < least
    ]
    if counts["ambiguous_with_deciding_prior"]:
        problems.append(f"{lang}: an ambiguous item has a prior naming one language")
    return problems


def overlap_problems(heldout: dict[str, list[dict]], others: list[dict]) -> list[str]:
    """Held-out items whose (text, prior) also occurs in another set."""
    taken = {
        opener_key(item) for item in others if isinstance(item, dict) and isinstance(item.get("text"), str)
    }
    return [
        f"{lang}: {item['text']!r} is also in a seen or the dev set"
        for lang, items in heldout.items()
        for item in items
        if opener_key(item) in taken
    ]


def count_problems(lang: str, items: list[dict]) -> list[str]:
    counts = opener_counts(items)
    wanted = {"text": MIN_TEXT_DECIDED, "prior": MIN_PRIOR_DECIDED, "ambiguous": MIN_AMBIGUOUS}
    return [
        f"{lang}: {counts[kind]} {kind} items, want at least {least}"
        for kind, least in wanted.items()
        if counts[kind] < least
    ]


def cross_file_problems(files: dict[str, list[dict]]) -> list[str]:
    """Duplicates across all files, and a text decided alone that changes language
    when a prior is added (a prior may make it ambiguous, never another language)."""
    problems = []
    seen: dict[tuple[str, str, str], str] = {}
    alone: dict[str, str] = {}
    for lang, items in files.items():
        for item in items:
            key = opener_key(item)
            if key in seen:
                problems.append(f"{lang}: {item['text']!r} duplicates an item of {seen[key]}")
            seen[key] = lang
            if "lang" in item and not has_prior(item):
                alone[key[0]] = item["lang"]
    for items in files.values():
        for item in items:
            decided = alone.get(normalise(item["text"]))
            if "lang" in item and has_prior(item) and decided and decided != item["lang"]:
                problems.append(f"{item['text']!r}: {decided} alone but {item['lang']} with a prior")
    return problems


def escalation_problems(items: object) -> list[str]:
    """What is wrong with the escalation set (empty: nothing)."""
    if not isinstance(items, list) or not items:
        return ["not a non-empty list"]
    problems = []
    per_lang: Counter = Counter()
    labels: Counter = Counter()
    conversations: set[tuple[str, ...]] = set()
    comments: dict[str, int] = {}
    for n, item in enumerate(items):
        where = f"[{n}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: not a mapping")
            continue
        if set(item) != CONVERSATION_KEYS:
            problems.append(f"{where}: fields {sorted(item)}, want {sorted(CONVERSATION_KEYS)}")
            continue
        lang, turns, escalate, why = item["lang"], item["turns"], item["escalate"], item["why"]
        if lang not in LANGS:
            problems.append(f"{where}: lang {lang!r}")
        if not isinstance(escalate, bool):
            problems.append(f"{where}: escalate must be true or false")
        if not (isinstance(why, str) and why.strip()):
            problems.append(f"{where}: why missing")
        if not (isinstance(turns, list) and turns and all(isinstance(t, str) and t.strip() for t in turns)):
            problems.append(f"{where}: turns must be a non-empty list of texts")
            continue
        per_lang[lang] += 1
        labels[(lang, escalate)] += 1
        key = tuple(normalise(t) for t in turns)
        if key in conversations:
            problems.append(f"{where}: the same conversation twice")
        conversations.add(key)
        for turn in turns:
            if personal_data(turn):
                problems.append(f"{where}: {turn!r} looks like an e-mail address or a phone number")
            if len(turn.split()) >= 3:  # comments; short replies ("ok", "4") may repeat
                if normalise(turn) in comments:
                    problems.append(f"{where}: comment {turn!r} also in [{comments[normalise(turn)]}]")
                comments.setdefault(normalise(turn), n)
    for lang in LANGS:
        if per_lang[lang] < MIN_CONVERSATIONS_PER_LANG:
            problems.append(f"{lang}: {per_lang[lang]} conversations, want {MIN_CONVERSATIONS_PER_LANG}")
        if not (labels[(lang, True)] and labels[(lang, False)]):
            problems.append(f"{lang}: needs conversations of both labels")
    total = sum(per_lang.values())
    if total < MIN_CONVERSATIONS:
        problems.append(f"{total} conversations, want {MIN_CONVERSATIONS}")
    share = sum(v for (_, esc), v in labels.items() if esc) / max(total, 1)
    if not ESCALATE_SHARE[0] <= share <= ESCALATE_SHARE[1]:
        problems.append(f"escalate share {share:.0%} outside {ESCALATE_SHARE}")
    return problems


def opener_files(folder: Path = OPENERS) -> dict[str, list[dict]]:
    return {lang: load(folder / f"{lang}.yml") for lang in LANGS}


# --- the real sets ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_heldout_opener_file_is_valid(lang: str) -> None:
    items = load(OPENERS / f"{lang}.yml")
    assert opener_problems(lang, items) == []
    assert heldout_count_problems(lang, items) == []


@pytest.mark.parametrize("folder", USED, ids=["seen", "seen2"])
@pytest.mark.parametrize("lang", LANGS)
def test_seen_opener_file_is_valid(folder: Path, lang: str) -> None:
    items = load(folder / f"{lang}.yml")
    assert opener_problems(lang, items) == []
    assert count_problems(lang, items) == []


@pytest.mark.parametrize("folder", [OPENERS, *USED], ids=["heldout", "seen", "seen2"])
def test_openers_have_no_duplicates_or_contradictions(folder: Path) -> None:
    assert cross_file_problems(opener_files(folder)) == []


def test_heldout_openers_share_nothing_with_seen_seen2_or_dev() -> None:
    others = {
        folder.name: [item for items in opener_files(folder).values() for item in items or []]
        for folder in (*USED, DEV)
    }
    assert all(len(items) > 300 for items in others.values()), {k: len(v) for k, v in others.items()}
    others = [item for items in others.values() for item in items]
    assert overlap_problems(opener_files(), others) == []


@pytest.mark.parametrize("folder", [OPENERS, *USED], ids=["heldout", "seen", "seen2"])
def test_openers_readme_exists(folder: Path) -> None:
    assert "held out" in (folder / "README.md").read_text(encoding="utf-8").lower()


def test_escalation_set_is_valid() -> None:
    assert escalation_problems(load(ESCALATION)) == []


def test_escalation_readme_exists() -> None:
    assert "held out" in (ESCALATION.parent / "README.md").read_text(encoding="utf-8").lower()


# --- the checks catch broken data --------------------------------------------------------


def test_opener_checks_reject_bad_items() -> None:
    bad = [
        {"text": "Bonjour", "lang": "fr"},  # wrong file
        {"text": "ok"},  # neither lang nor ambiguous
        {"text": "Hi", "lang": "en", "ambiguous": True},  # both
        {"text": "Hallo", "lang": "en", "phone_region": "XX"},
        {"text": "Hola", "ambiguous": "yes", "language_hint": "es_419;;"},
        {"text": "one two three four five six seven", "lang": "en"},
        {"text": "write to guest@example.com", "lang": "en"},
        {"text": "call +44 20 7946 0000", "lang": "en"},
        {"text": "Hi", "lang": "en", "source": "web"},
        {"text": "   ", "lang": "en"},
        "Hello",
    ]
    problems = opener_problems("en", bad)
    for fragment in (
        "lang 'fr' in the en file",
        "needs exactly one",
        "phone_region 'XX'",
        "ambiguous must be true",
        "language_hint",
        "more than 6 words",
        "e-mail address or a phone number",
        "unknown fields",
        "text missing",
        "not a mapping",
    ):
        assert any(fragment in p for p in problems), fragment
    assert len([p for p in problems if "e-mail" in p]) == 2
    assert opener_problems("en", []) and opener_problems("en", {"text": "Hi"})


def test_opener_counts_and_cross_file_checks_fail_when_they_should() -> None:
    few = [{"text": f"hello {n}", "lang": "en"} for n in range(MIN_TEXT_DECIDED - 1)]
    assert len(count_problems("en", few)) == 3
    files = {
        "en": [{"text": "Thanks!", "lang": "en"}, {"text": "Ciao", "ambiguous": True}],
        "de": [{"text": "thanks", "lang": "de"}, {"text": "Ciao", "lang": "de", "phone_region": "DE"}],
        "fr": [{"text": "Merci", "lang": "fr"}, {"text": "merci", "lang": "de", "phone_region": "CH"}],
        "it": [{"text": "Merci", "ambiguous": True, "phone_region": "BE"}],
    }
    problems = cross_file_problems(files)
    assert any("'thanks' duplicates" in p for p in problems)
    assert any("fr alone but de with a prior" in p for p in problems)
    assert len(problems) == 2  # Ciao with a prior and Merci made ambiguous by BE are fine


def test_heldout_counts_and_overlap_fail_when_they_should() -> None:
    items = [
        {"text": "Danke", "lang": "de", "phone_region": "DE"},  # prior decides
        {"text": "Danke sehr", "lang": "de", "phone_region": "FR"},  # text beats prior
        {"text": "Danke schön", "lang": "de", "phone_region": "CH"},  # prior names no language
        {"text": "ok", "ambiguous": True, "language_hint": "de-DE"},  # this prior decides it
        {"text": "Hi", "ambiguous": True, "language_hint": "de-CH, fr-CH;q=0.8"},
    ]
    counts = heldout_counts(items)
    assert (counts["prior"], counts["text_beats_prior"], counts["prior_unresolved"]) == (1, 1, 1)
    assert (counts["ambiguous"], counts["ambiguous_with_deciding_prior"]) == (1, 1)
    problems = heldout_count_problems("de", items)
    assert any("0 text items, want at least 50" in p for p in problems)
    assert any("naming one language" in p for p in problems)
    heldout = {"de": [{"text": "Moin!", "lang": "de"}, {"text": "ok", "lang": "de", "phone_region": "AT"}]}
    others = [{"text": "moin", "lang": "de"}, {"text": "ok", "lang": "de"}, "junk"]
    assert overlap_problems(heldout, others) == ["de: 'Moin!' is also in a seen or the dev set"]


def test_escalation_checks_reject_bad_items() -> None:
    good = {"lang": "en", "turns": ["4", "the shower is broken"], "escalate": True, "why": "broken"}
    bad = [
        good,
        dict(good),  # the same conversation
        {**good, "turns": ["5", "The shower is broken!"], "escalate": False},  # comment repeated
        {**good, "lang": "pt"},
        {**good, "turns": []},
        {**good, "escalate": "yes", "turns": ["fine"]},
        {**good, "why": "", "turns": ["ok"]},
        {"lang": "en", "turns": ["ok"], "escalate": False},
        {**good, "turns": ["mail me at guest@example.com"]},
    ]
    problems = escalation_problems(bad)
    for fragment in (
        "the same conversation twice",
        "comment 'The shower is broken!' also in [0]",
        "lang 'pt'",
        "turns must be",
        "escalate must be",
        "why missing",
        "fields",
        "e-mail address",
        "de: 0 conversations",
        "de: needs conversations of both labels",
        "conversations, want 80",
    ):
        assert any(fragment in p for p in problems), fragment
    assert escalation_problems({}) == ["not a non-empty list"]


def test_normalise_compares_without_case_and_punctuation() -> None:
    assert normalise("¡Hola!") == normalise("hola") == "hola"
    assert normalise("Grüß Gott") != normalise("Gruss Gott")
    assert normalise("Merci 🙏") != normalise("Merci")
    assert normalise("???") == "???"
