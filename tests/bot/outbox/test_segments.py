"""`is_gsm7`, `segment_count`, `split_message`: worked examples (one row per condition,
replies in all five languages) and hypothesis properties, checked against a reference
GSM 03.38 table written out independently, position by position, as in 3GPP TS 23.038."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.outbox.segments import is_gsm7, segment_count, split_message

# TS 23.038 basic character set, code points 0x00-0x7F, 16 per row (0x1B is the escape).
REFERENCE_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
# The extension table, reached through the escape: position -> character.
REFERENCE_EXTENSION = {
    0x0A: "\f",
    0x14: "^",
    0x28: "{",
    0x29: "}",
    0x2F: "\\",
    0x3C: "[",
    0x3D: "~",
    0x3E: "]",
    0x40: "|",
    0x65: "€",
}
REFERENCE = (set(REFERENCE_BASIC) - {"\x1b"}) | set(REFERENCE_EXTENSION.values())


def test_reference_table_is_complete():
    assert len(REFERENCE_BASIC) == 128 and len(set(REFERENCE_BASIC)) == 128
    assert len(REFERENCE) == 127 + 10


ENCODING = [
    # (text, GSM-7?)
    ("", True),
    ("Thanks for staying with us! Rate 1-5?", True),
    ("Vielen Dank für Ihren Aufenthalt. Grüße aus München", True),  # ü ß are GSM
    ("Merci à vous, c'est noté", True),  # à é are GSM
    ("Merci, à bientôt !", False),  # ô is not
    ("À bientôt", False),  # capital À is not
    ("Ça va?", True),  # capital Ç is in the table...
    ("ça va?", False),  # ...lower-case ç is not
    ("¿Cómo fue su estancia?", False),  # ó is not
    ("¡Gracias! Mañana", True),  # ¡ ñ are
    ("Grazie, è stato un piacere. Città, però", True),  # è à ò are
    ("È stato ottimo", False),  # capital È is not
    ("Price: 120€ [incl. {tax}] ~ ^ | \\", True),  # extension table
    ("Great stay 😀", False),
    ("Tab\tseparated", False),  # tab is not in GSM 03.38
    ("`backtick`", False),
    ("Straße\r\nZimmer 4", True),
]


@pytest.mark.parametrize(("text", "gsm"), ENCODING)
def test_is_gsm7(text, gsm):
    assert is_gsm7(text) is gsm


@given(st.text(alphabet=st.sampled_from(sorted(REFERENCE)) | st.characters(), max_size=50))
def test_is_gsm7_agrees_with_reference(text):
    assert is_gsm7(text) == (set(text) <= REFERENCE)


COUNTS = [
    # (text, segments)
    ("", 0),
    ("a", 1),
    ("a" * 160, 1),
    ("a" * 161, 2),
    ("a" * 306, 2),
    ("a" * 307, 3),
    ("€" * 80, 1),  # 160 septets
    ("€" * 81, 2),
    ("a" * 158 + "€", 1),
    ("a" * 159 + "€", 2),
    ("a" * 152 + "€" + "a" * 152, 3),  # 306 septets, but the escape pair may not straddle
    ("ç" * 70, 1),
    ("ç" * 71, 2),
    ("ç" * 134, 2),
    ("ç" * 135, 3),
    ("😀" * 35, 1),  # 70 UTF-16 code units
    ("😀" + "ç" * 69, 2),
    ("😀" * 36, 2),
    ("ç" * 66 + "😀" + "ç" * 66, 3),  # 134 units, but the surrogate pair may not straddle
    ("€" * 70 + "😀", 2),  # one emoji makes it all UCS-2: € now counts 1
]


@pytest.mark.parametrize(("text", "segments"), COUNTS)
def test_segment_count(text, segments):
    assert segment_count(text) == segments


REPLY = {
    "en": "Thank you for staying with us at the Hotel Bellevue. We hope you enjoyed your room! "
    "Could you rate the breakfast from 1 to 5? Reply STOP to opt out.",
    "de": "Vielen Dank für Ihren Aufenthalt im Hotel Bellevue. Wir hoffen, Ihr Zimmer hat Ihnen "
    "gefallen! Wie bewerten Sie das Frühstück von 1 bis 5? Antworten Sie STOPP zum Abmelden.",
    "fr": "Merci pour votre séjour à l'Hôtel Bellevue. Nous espérons que la chambre vous a plu ! "
    "Comment noteriez-vous le petit-déjeuner de 1 à 5 ? Répondez ARRET pour vous désabonner.",
    "es": "Gracias por alojarse en el Hotel Bellevue. ¡Esperamos que le haya gustado la "
    "habitación! ¿Cómo valoraría el desayuno del 1 al 5? Responda BAJA para darse de baja.",
    "it": "Grazie per il soggiorno all'Hotel Bellevue. Speriamo che la camera le sia piaciuta! "
    "Come valuterebbe la colazione da 1 a 5? Risponda BASTA per annullare l'iscrizione.",
}


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("lang", sorted(REPLY))
def test_short_reply_is_one_part(lang):
    assert split_message(REPLY[lang]) == [REPLY[lang]]


@pytest.mark.parametrize("lang", sorted(REPLY))
def test_long_reply_is_cut_after_sentences(lang):
    text = " ".join([REPLY[lang]] * 6)
    parts = split_message(text, max_segments=1)
    assert len(parts) > 1
    for part in parts:
        assert segment_count(part) == 1
        assert part[-1] in ".!?", part
    assert squeeze("".join(parts)) == squeeze(text)


def test_newline_is_a_sentence_end():
    first = "Your ratings so far: room 5, breakfast 4, staff 5, spa 3, location 5, value 4, overall 5"
    text = first + "\n" + "overall 5 " * 10
    assert split_message(text, max_segments=1)[0] == first


def test_a_sentence_end_inside_quotes_counts():
    text = 'The guest wrote "lovely stay." ' + "x" * 130
    assert split_message(text, max_segments=1) == ['The guest wrote "lovely stay."', "x" * 130]


def test_early_sentence_end_loses_to_a_later_word_boundary():
    text = "Hi. " + "word " * 40
    parts = split_message(text, max_segments=1)
    assert len(parts[0]) > 100 and parts[0].startswith("Hi. word")


def test_decimal_point_is_not_a_sentence_end():
    text = "Rated 4.5 today " + "and more words " * 12
    assert all(not p.endswith("4.") for p in split_message(text, max_segments=1))


def test_one_long_sentence_is_cut_between_words():
    text = " ".join(["Zimmer"] * 80)
    parts = split_message(text, max_segments=1)
    assert all(set(p.split()) == {"Zimmer"} for p in parts)
    assert [len(p) for p in parts] == [160, 160, 160, 76]


def test_no_spaces_is_cut_between_characters():
    assert split_message("a" * 400, max_segments=1) == ["a" * 160, "a" * 160, "a" * 80]


def test_gsm_part_stays_gsm_next_to_an_emoji_part():
    text = "a" * 150 + ". " + "Danke 😀"
    parts = split_message(text, max_segments=1)
    assert parts == ["a" * 150 + ".", "Danke 😀"]


def test_extension_characters_count_double_when_splitting():
    parts = split_message("€" * 200, max_segments=1)
    assert parts == ["€" * 80, "€" * 80, "€" * 40]


def test_emoji_is_never_split():
    parts = split_message("😀" * 100, max_segments=1)
    assert parts == ["😀" * 35, "😀" * 35, "😀" * 30]


@pytest.mark.parametrize(
    "unit",
    [
        "🇩🇪",  # a flag: two regional indicators
        "👨\u200d👩\u200d👧",  # a family: joined with zero-width joiners
        "👍🏽",  # skin-tone modifier
        "❤\ufe0f",  # variation selector
        "e\u0301",  # e + combining acute accent
    ],
)
def test_combined_characters_are_never_split(unit):
    parts = split_message(unit * 100, max_segments=1)
    assert len(parts) > 1
    for part in parts:
        assert len(part) % len(unit) == 0 and part == unit * (len(part) // len(unit))


def test_blank_text_gives_no_parts():
    assert split_message("") == []
    assert split_message(" \n\t ") == []


def test_max_segments_must_be_positive():
    with pytest.raises(ValueError):
        split_message("hello", max_segments=0)


TEXTS = st.text(
    alphabet=st.sampled_from(list("ab Zé.!?\n€[😀çß…\u0301\u200d🇩")) | st.characters(), max_size=1200
)


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.integers(min_value=1, max_value=4))
def test_split_properties(text, max_segments):
    parts = split_message(text, max_segments)
    for part in parts:
        assert part and part == part.strip()
        assert segment_count(part) <= max_segments
    assert squeeze("".join(parts)) == squeeze(text)


@settings(deadline=None)
@given(TEXTS, st.integers(min_value=1, max_value=4))
def test_split_only_when_needed(text, max_segments):
    if text.strip() and segment_count(text.strip()) <= max_segments:
        assert split_message(text, max_segments) == [text.strip()]


@settings(deadline=None)
@given(st.lists(st.sampled_from(["😀", "e\u0301", "🇩🇪", "ab", " "]), max_size=300).map("".join))
def test_split_keeps_combining_marks_with_their_letter(text):
    for part in split_message(text, max_segments=1):
        assert not unicodedata.combining(part[0])
        assert part.count("🇩") == part.count("🇪")
