"""The invitation's words: the stay's language, the first question, the link, STOP."""

from __future__ import annotations

from pathlib import Path

from bot.i18n import Catalog
from bot.outreach.message import compose, language_of
from bot.tenants.registry import Tenants

CATALOG = Catalog.load()
TENANTS = Tenants.load(Path("config/tenants.yml"), CATALOG.languages)
ALPENHOF = TENANTS.get("alpenhof")


def test_an_invitation_greets_by_name_in_the_stays_language_and_asks_the_first_question():
    m = compose(
        CATALOG, ALPENHOF, "post_stay", language="it", first_name="Anna", link="https://x.example/i/t"
    )
    assert m.lang == "it" and m.first_question == "overall"
    assert m.text.startswith("Buongiorno Anna! Grazie per aver soggiornato presso Hotel Alpenhof")
    assert CATALOG.render("it", "question.overall", low="1", high="5") in m.text
    assert "https://x.example/i/t" in m.text and m.text.rstrip().endswith(CATALOG.render("it", "invite.stop"))
    assert "STOP" not in m.email_text and "https://x.example/i/t" in m.email_text
    assert m.subject == "Hotel Alpenhof: com'è andato il Suo soggiorno?"
    assert m.template_variables == {"1": "Anna", "2": "Hotel Alpenhof", "3": "https://x.example/i/t"}


def test_without_a_name_or_link_and_in_a_language_the_hotel_lacks_it_uses_the_default():
    m = compose(CATALOG, TENANTS.get("laguna"), "unknown_journey", language="ja")
    assert m.lang == "it" and m.text.startswith("Buongiorno! Le scriviamo da Albergo Laguna")
    assert "{" not in m.text and "browser" not in m.text
    assert language_of(ALPENHOF, "de-AT") == "de" and language_of(ALPENHOF, None) == "de"


def test_a_reminder_says_so_in_every_language():
    for lang in ALPENHOF.languages:
        m = compose(CATALOG, ALPENHOF, "post_stay", language=lang, reminder=True)
        assert CATALOG.render(lang, "invite.reminder", hotel="Hotel Alpenhof") in m.text
