"""The guest's language from the first word, over the running stack's REST channel
(issue 13 part 1): a short first message with no locale and no reservation language
gets the greeting in the guest's language; the weak priors come in as REST metadata,
junk ones are refused with a clear answer."""

from __future__ import annotations

import pytest

from bot.i18n import Catalog
from tests.stack.client import Guest, post

pytestmark = pytest.mark.stack

CATALOG = Catalog.load()
HOTELS = {"alpenhof": "Hotel Alpenhof", "laguna": "Albergo Laguna"}
OPENERS = [
    ("Bonjour", "fr"),
    ("Hola", "es"),
    ("Grazie mille", "it"),
    ("Good morning", "en"),
    ("Grüezi", "de"),
]


@pytest.mark.parametrize("tenant", sorted(HOTELS))
@pytest.mark.parametrize("text, lang", OPENERS)
async def test_the_greeting_is_in_the_openers_language(stack, tenant, text, lang):
    replies = await Guest(stack, tenant).say(text)
    assert replies, text
    assert replies[0] == CATALOG.render(lang, "greeting", hotel=HOTELS[tenant])


async def test_an_ambiguous_opener_keeps_the_default_or_the_prior(stack):
    replies = await Guest(stack, "laguna").say("ok")
    assert replies[0] == CATALOG.render("it", "greeting", hotel=HOTELS["laguna"])
    replies = await Guest(stack, "laguna", phone_region="FR").say("ok")
    assert replies[0] == CATALOG.render("fr", "greeting", hotel=HOTELS["laguna"])
    replies = await Guest(stack, "alpenhof", language_hint="es-ES, en;q=0.3").say("👍")
    assert replies[0] == CATALOG.render("es", "greeting", hotel=HOTELS["alpenhof"])
    # two of the hotel's languages at q >= 0.5: a bilingual browser is no prior
    replies = await Guest(stack, "alpenhof", language_hint="es-ES, en;q=0.5").say("👍")
    assert replies[0] == CATALOG.render("de", "greeting", hotel=HOTELS["alpenhof"])


@pytest.mark.parametrize("key", ["phone_region", "language_hint"])
async def test_junk_prior_metadata_is_refused(stack, key):
    metadata = {"tenant": "alpenhof", key: "x" * 500}
    body = {"sender": "g-junk-prior", "message": "Bonjour", "metadata": metadata}
    status, payload = await post(stack, body)
    assert status == 400
    assert "bad_metadata" in str(payload)
