"""bot/nlu/clean.py and the pipeline component bot/nlu/markup.py: markup is removed before
the classifier, junk is recognised."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.clean import has_markup, is_junk, strip_markup
from bot.nlu.markup import MarkupFilter

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = "I want to talk to a person now <script>alert('x')</script>"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (SCRIPT, "I want to talk to a person now"),
        ("<p>Great <b>breakfast</b></p>", "Great breakfast"),
        ("nice <!-- hidden --> room", "nice room"),
        ("<style>p{color:red}</style>Quiet room &amp; good bed", "Quiet room & good bed"),
        ("<SCRIPT src=x>never closed", ""),
        ("I love it <3", "I love it <3"),
        ("a < b > c", "a < b > c"),
        ("room 4/5 -> great", "room 4/5 -> great"),
    ],
)
def test_strip_markup(text, expected):
    assert strip_markup(text) == expected


def test_has_markup():
    assert has_markup(SCRIPT) and has_markup("<br/>") and not has_markup("<3 and 5 > 4")


@pytest.mark.parametrize(
    "text",
    ["Z " * 100, "B" * 9000, "12345 678", "?!?! ...", "hi hi hi hi hi hi hi hi hi", "x y z w v", ""],
)
def test_junk(text):
    assert is_junk(text)


@pytest.mark.parametrize(
    "text",
    [
        "delete my data",
        "ok",
        "ja",
        "Gutes Hotel für einen Städtetrip",
        "Me he alojado por 2 dias, solo alojamiento.",
        "10/10 would recommend",
        "Breakfast 5/5, room 4/5, staff 5/5.",
        "very very very good",
    ],
)
def test_not_junk(text):
    assert not is_junk(text)


def test_no_training_example_is_junk_or_has_markup():
    """The gate never refuses what the model was taught as a request."""
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if not str(block.get("intent", "")).startswith("dsr_"):
                continue
            for line in block["examples"].splitlines():
                text = line.strip()[2:]
                assert not has_markup(text), text
                assert not is_junk(text), text


def test_the_component_cleans_messages_and_leaves_others_alone():
    component = MarkupFilter()
    tagged, plain = Message(data={"text": SCRIPT}), Message(data={"text": "a < b > c"})
    component.process([tagged, plain])
    assert tagged.get("text") == "I want to talk to a person now"
    assert plain.get("text") == "a < b > c"
    data = TrainingData([Message(data={"text": "<i>hello</i>", "intent": "greet"})])
    assert component.process_training_data(data).training_examples[0].get("text") == "hello"


def test_the_component_runs_first_in_the_pipeline():
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    assert config["pipeline"][0]["name"] == "bot.nlu.markup.MarkupFilter"
