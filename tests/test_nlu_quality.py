"""CI gate for the NLU data and the rating parser.

- the held-out sets (eval/nlu) never leak into the training data (data/nlu);
- every language has every intent of the domain, in training and in the held-out set;
- the trained model reaches macro-F1 >= 0.90 per language on the held-out set
  (scripts/evaluate.py, the same command as `make eval`);
- the public phrasings of data-subject requests held out in eval/nlu (blocks with
  `metadata: source`) are recognised as their request type at least as often as measured;
- the rating parser is right on >= 90 % of the held-out cases in eval/ratings per language
  (pure, no model);
- ordinary guest feedback (eval/feedback, 500+ per language) reaches the confirmation
  question of a data-subject request at most once in 500 messages per language, and the
  public request phrasings still reach it (scripts/eval_feedback.py, bot/privacy/intake.py).

The model test calls `bot.stack.train_if_needed()`, which trains only when config, domain
or data changed (the stack tests share the model), then runs the evaluation as a subprocess.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import unicodedata
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("en", "de", "fr", "es", "it")
PAYLOAD_ONLY_INTENTS = frozenset({"start"})
MIN_F1 = 0.90
MIN_PARSER_ACCURACY = 0.90
MIN_RATING_CASES = 40


@cache
def evaluate_script() -> ModuleType:
    """scripts/evaluate.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("rapport_evaluate", ROOT / "scripts" / "evaluate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def examples(kind: str, lang: str) -> list[tuple[str, str]]:
    return evaluate_script().load_examples(ROOT / kind / "nlu" / f"{lang}.yml")


_DECIMAL = re.compile(r"(?<=\d)[.,](?=\d)")


def normalise(text: str) -> str:
    """Lower case, accents and punctuation stripped, whitespace collapsed. Symbols (★, ⭐,
    emoji) stay; a decimal comma or point between digits stays (as ".") and so does any
    other punctuation between digits, so "3/5", "3.5" and "35" remain different texts."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _DECIMAL.sub(".", text)
    kept = []
    for i, c in enumerate(text):
        between_digits = 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()
        if unicodedata.category(c).startswith("P") and not between_digits:
            kept.append(" ")
        else:
            kept.append(c)
    return " ".join("".join(kept).split()) or text.strip()


def test_normalise():
    assert normalise("Ça, c'est TRÈS bien !") == normalise("ca c est tres bien")
    assert normalise("hola, ¿hay alguien?") == normalise("hola hay alguien")
    assert normalise("3,5") == normalise("3.5") != normalise("3/5")
    assert normalise("⭐⭐") != normalise("⭐")
    assert normalise("?") == "?"


@pytest.mark.parametrize("lang", LANGS)
def test_held_out_set_does_not_overlap_training_data(lang):
    # one model learns all languages, so compare with the training data of every language
    training: dict[str, tuple[str, str, str]] = {}
    for train_lang in LANGS:
        for text, intent in examples("data", train_lang):
            training.setdefault(normalise(text), (train_lang, intent, text))
    leaks = [
        f"{text!r} ({intent}) = data/nlu/{hit[0]}.yml {hit[2]!r} ({hit[1]})"
        for text, intent in examples("eval", lang)
        if (hit := training.get(normalise(text)))
    ]
    assert not leaks, f"eval/nlu/{lang}.yml examples also in the training data:\n" + "\n".join(leaks)


@cache
def domain_intents() -> frozenset[str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    names = [next(iter(i)) if isinstance(i, dict) else i for i in domain["intents"]]
    return frozenset(map(str, names)) - PAYLOAD_ONLY_INTENTS


@pytest.mark.parametrize("kind", ["data", "eval"])
@pytest.mark.parametrize("lang", LANGS)
def test_every_intent_in_every_language(kind, lang):
    present = {intent for _, intent in examples(kind, lang)}
    assert not domain_intents() - present, f"{kind}/nlu/{lang}.yml lacks {sorted(domain_intents() - present)}"
    assert not present - domain_intents(), (
        f"{kind}/nlu/{lang}.yml has unknown {sorted(present - domain_intents())}"
    )


def run_script(script: str, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """scripts/<script> in this interpreter, quiet, from the project root."""
    from bot.stack import QUIET_ENV

    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), *args],
        cwd=ROOT,
        env={**os.environ, **QUIET_ENV},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# --- the trained model on the held-out set ------------------------------------------------------


@pytest.fixture(scope="module")
def evaluation(tmp_path_factory: pytest.TempPathFactory):
    """Train if the inputs changed, then run scripts/evaluate.py once for the module."""
    from bot.stack import train_if_needed

    model = train_if_needed(progress=lambda _msg: None)
    out = tmp_path_factory.mktemp("nlu-eval") / "nlu.json"
    done = run_script(
        "evaluate.py",
        "--model",
        str(model.relative_to(ROOT)),
        "--min-f1",
        str(MIN_F1),
        "--min-parser-accuracy",
        str(MIN_PARSER_ACCURACY),
        "--json",
        str(out),
    )
    report = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    return done, report


def test_evaluate_script_passes(evaluation):
    done, report = evaluation
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    assert set(report["languages"]) == set(LANGS)
    assert set(report["parser"]) == set(LANGS)


@pytest.mark.parametrize("lang", LANGS)
def test_intent_macro_f1(evaluation, lang):
    done, report = evaluation
    assert lang in report.get("languages", {}), (
        f"no figures for {lang}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
    )
    figures = report["languages"][lang]
    assert figures["macro_f1"] >= MIN_F1, (
        f"{lang}: macro-F1 {figures['macro_f1']:.3f} < {MIN_F1}; confusions {figures['confusions']}"
    )


# --- public data-subject requests ---------------------------------------------------------------

DSR_INTENTS = ("dsr_erasure", "dsr_access", "dsr_rectification", "dsr_restriction", "dsr_objection")
# Share of the public held-out phrasings (all languages pooled) classified as their request
# type. When the intents were added: erasure 17/20, access 15/25, rectification 14/15,
# restriction 3/3, objection 12/21 (whole formal letters lost to their boilerplate). With
# the legal-marker component (bot/nlu/legal_request.py): erasure 19/20, access 24/25,
# rectification 15/15, restriction 3/3, objection 16/21. Floors a little under those, so
# losing the component (or two letters) fails here.
MIN_PUBLIC_DSR_ACCURACY = {
    "dsr_erasure": 0.90,
    "dsr_access": 0.90,
    "dsr_rectification": 0.93,
    "dsr_restriction": 0.65,
    "dsr_objection": 0.70,
}


def public_dsr_examples() -> dict[str, list[str]]:
    """Texts of the eval/nlu blocks that carry `metadata: source` (public phrasings), by intent."""
    found: dict[str, list[str]] = {intent: [] for intent in DSR_INTENTS}
    for lang in LANGS:
        document = yaml.safe_load((ROOT / "eval" / "nlu" / f"{lang}.yml").read_text(encoding="utf-8"))
        for block in document["nlu"]:
            if (block.get("metadata") or {}).get("source"):
                assert block["intent"] in found, f"eval/nlu/{lang}.yml: public {block['intent']} block"
                found[block["intent"]] += [
                    line[2:] for line in block["examples"].splitlines() if line.startswith("- ")
                ]
    return found


def test_public_dsr_examples_cover_every_request_type():
    found = public_dsr_examples()
    assert all(found.values()), {intent: len(texts) for intent, texts in found.items()}


@pytest.fixture(scope="module")
def public_dsr_report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """scripts/evaluate.py over one file per DSR intent holding only the public phrasings,
    so each file's accuracy is that request type's recall."""
    from bot.stack import train_if_needed

    model = train_if_needed(progress=lambda _msg: None)
    folder = tmp_path_factory.mktemp("public-dsr")
    for intent, texts in public_dsr_examples().items():
        document = {
            "version": "3.1",
            "nlu": [{"intent": intent, "examples": "".join(f"- {t}\n" for t in texts)}],
        }
        (folder / f"{intent}.yml").write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    out = folder / "report.json"
    done = run_script(
        "evaluate.py", "--model", str(model), "--eval-dir", str(folder), "--errors", "--json", str(out)
    )
    assert out.exists(), done.stdout[-2000:] + done.stderr[-2000:]
    return {"report": json.loads(out.read_text(encoding="utf-8")), "stdout": done.stdout}


@pytest.mark.parametrize("intent", DSR_INTENTS)
def test_public_dsr_phrasings_are_recognised(public_dsr_report, intent):
    figures = public_dsr_report["report"]["languages"][intent]
    minimum = MIN_PUBLIC_DSR_ACCURACY[intent]
    misses = [line for line in public_dsr_report["stdout"].splitlines() if line.startswith(f"  {intent}: ")]
    assert figures["accuracy"] >= minimum, (
        f"{intent}: {figures['accuracy']:.2f} of {figures['n']} public phrasings < {minimum}\n"
        + "\n".join(line[:200] for line in misses)
    )


# --- the rating parser (no model) ----------------------------------------------------------------


@cache
def parser_report() -> dict:
    return evaluate_script().parser_accuracy(ROOT / "eval" / "ratings")


@pytest.mark.parametrize("lang", LANGS)
def test_rating_parser_accuracy(lang):
    report = parser_report()
    assert lang in report, f"eval/ratings/{lang}.yml is missing"
    figures = report[lang]
    assert figures["n"] >= MIN_RATING_CASES, f"{lang}: only {figures['n']} rating cases"
    failures = "\n".join(
        f"  {f['question']} {f['scale']} | {f['text']!r} -> {f['got']}, expected {f['expected']}"
        for f in figures["failures"]
    )
    assert figures["accuracy"] >= MIN_PARSER_ACCURACY, (
        f"{lang}: parser accuracy {figures['accuracy']:.3f} < {MIN_PARSER_ACCURACY}\n{failures}"
    )


def test_rasa_data_validate_passes():
    """Trainers' data is consistent (runs even when the model is up to date)."""
    rasa = Path(sys.executable).parent / "rasa"
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run(
        [str(rasa), "data", "validate", "--fail-on-warnings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


# --- ordinary feedback never starts a request; real requests still do ------------------------

MIN_FEEDBACK = 500  # ordinary feedback messages per language in eval/feedback
MAX_ASKED_PER = 500  # at most one of every 500 reaches the confirmation question


@pytest.fixture(scope="module")
def intake_report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """scripts/eval_feedback.py: the trained model and the intake gate (bot/privacy/intake.py)
    over eval/feedback and the held-out requests of eval/nlu."""
    from bot.stack import train_if_needed

    model = train_if_needed(progress=lambda _msg: None)
    out = tmp_path_factory.mktemp("intake") / "intake.json"
    done = run_script("eval_feedback.py", "--model", str(model), "--json", str(out), timeout=900)
    assert out.exists(), done.stdout[-2000:] + done.stderr[-2000:]
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", LANGS)
def test_ordinary_feedback_does_not_reach_the_confirmation_question(intake_report, lang):
    parts = intake_report["feedback"][lang]
    n = sum(p["n"] for p in parts.values())
    asked = [a for p in parts.values() for a in p["asked_texts"]]
    assert n >= MIN_FEEDBACK, f"{lang}: only {n} feedback messages in eval/feedback/{lang}.yml"
    assert len(asked) * MAX_ASKED_PER <= n, f"{lang}: {len(asked)} of {n} would be asked: {asked}"


@pytest.mark.parametrize("intent", DSR_INTENTS)
def test_public_dsr_phrasings_still_reach_the_confirmation_question(intake_report, intent):
    """The gate keeps the public phrasings' recall (the floors of the NLU test above)."""
    figures = intake_report["public"][intent]
    assert figures["asked"] / figures["n"] >= MIN_PUBLIC_DSR_ACCURACY[intent], figures


# Of the held-out requests (eval/nlu dsr_* blocks, `heldout` half by text hash) that the
# model alone classifies right, the share that also passes the intake gate as that type.
# When the gate was added: 111 of 117 (0.949); with the broader cues and the added
# training data (issue 10, item 4): see docs/TRAINERS.md. The gate's cues are tuned
# on data/nlu and the `dev` half only.
MIN_HELDOUT_KEPT_BY_GATE = 0.96


def test_held_out_requests_keep_their_recall_at_the_gate(intake_report):
    parts = [intake_report["requests"][lang]["heldout"] for lang in LANGS]
    nlu = sum(f["nlu"] for part in parts for f in part.values())
    asked = sum(f["asked"] for part in parts for f in part.values())
    assert nlu and asked / nlu >= MIN_HELDOUT_KEPT_BY_GATE, (
        f"{asked} of {nlu} held-out requests the model gets right pass the gate"
    )
