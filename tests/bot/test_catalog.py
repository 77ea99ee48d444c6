"""The message catalog: every language has every key with the same placeholders, the
texts are really in their language, and rendering works (and fails clearly)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.base.errors import ConfigError
from bot.i18n.catalog import MESSAGES_DIR, Catalog, MissingParameter

EXPECTED_LANGUAGES = {"en", "de", "fr", "es", "it"}
PROJECT_ROOT = Path(__file__).resolve().parents[2]

# Quote characters each language may use around example words.
QUOTES = {
    "en": set("“”"),
    "de": set("„“"),
    "fr": set("«»"),
    "es": set("«»"),
    "it": set("«»"),
}
ALL_QUOTES = set('"“”„«»‚‘’')

OWN_NAMES = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "it": "Italiano",
}


def _files() -> dict[str, Path]:
    return {p.stem: p for p in sorted(MESSAGES_DIR.glob("*.yml"))}


def _raw(lang: str) -> dict:
    return yaml.safe_load(_files()[lang].read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load()


def test_expected_language_files_exist():
    assert set(_files()) == EXPECTED_LANGUAGES


@pytest.mark.parametrize("lang", sorted(EXPECTED_LANGUAGES))
def test_language_file_parses_to_flat_string_mapping(lang):
    data = _raw(lang)
    assert isinstance(data, dict) and data
    for key, text in data.items():
        assert isinstance(key, str), f"{lang}: key {key!r} is not a string"
        assert isinstance(text, str), f"{lang}: {key} is not a string"


def test_catalog_loads_all_languages(catalog):
    assert set(catalog.languages) == EXPECTED_LANGUAGES
    assert catalog.languages == tuple(sorted(catalog.languages))


@pytest.mark.parametrize("lang", sorted(EXPECTED_LANGUAGES - {"en"}))
def test_same_keys_as_english(catalog, lang):
    missing = catalog.keys("en") - catalog.keys(lang)
    extra = catalog.keys(lang) - catalog.keys("en")
    assert not missing, f"{lang}.yml lacks keys: {sorted(missing)}"
    assert not extra, f"{lang}.yml has keys that en.yml lacks: {sorted(extra)}"


@pytest.mark.parametrize("lang", sorted(EXPECTED_LANGUAGES - {"en"}))
def test_same_placeholders_as_english(catalog, lang):
    mismatched = {
        key: (sorted(catalog.placeholders("en", key)), sorted(catalog.placeholders(lang, key)))
        for key in catalog.keys("en") & catalog.keys(lang)
        if catalog.placeholders("en", key) != catalog.placeholders(lang, key)
    }
    assert not mismatched, f"{lang}: placeholders differ (en, {lang}): {mismatched}"


@pytest.mark.parametrize("lang", sorted(EXPECTED_LANGUAGES))
def test_no_empty_texts(lang):
    empty = [key for key, text in _raw(lang).items() if not text or not text.strip()]
    assert not empty, f"{lang}: empty texts for {empty}"


@pytest.mark.parametrize("lang", sorted(EXPECTED_LANGUAGES))
def test_every_text_renders_with_its_placeholders(catalog, lang):
    for key in catalog.keys(lang):
        params = {name: f"<{name}>" for name in catalog.placeholders(lang, key)}
        rendered = catalog.render(lang, key, **params)
        assert "{" not in rendered and "}" not in rendered, f"{lang}: {key}"


@pytest.mark.parametrize("lang", sorted(EXPECTED_LANGUAGES))
def test_quotes_fit_the_language(catalog, lang):
    used = {ch for key in catalog.keys(lang) for ch in _raw(lang)[key] if ch in ALL_QUOTES}
    assert used <= QUOTES[lang], f"{lang}: unexpected quote characters {sorted(used - QUOTES[lang])}"


@pytest.mark.parametrize("lang", sorted(EXPECTED_LANGUAGES))
def test_language_name_is_own_name(catalog, lang):
    assert catalog.render(lang, "language.name") == OWN_NAMES[lang]


@pytest.fixture(scope="module")
def detector():
    lingua = pytest.importorskip("lingua")
    L = lingua.Language
    languages = {
        "en": L.ENGLISH,
        "de": L.GERMAN,
        "fr": L.FRENCH,
        "es": L.SPANISH,
        "it": L.ITALIAN,
    }
    built = lingua.LanguageDetectorBuilder.from_languages(*languages.values()).build()
    return built, languages


@pytest.mark.parametrize("lang", sorted(EXPECTED_LANGUAGES))
def test_file_is_in_its_language(catalog, detector, lang):
    built, languages = detector
    text = "\n".join(
        catalog.render(lang, key, **{p: "" for p in catalog.placeholders(lang, key)})
        for key in sorted(catalog.keys(lang))
    )
    assert built.detect_language_of(text) == languages[lang]


# --- rendering -----------------------------------------------------------------


def test_render_formats_parameters(catalog):
    assert catalog.render("en", "question.room", low=1, high=5) == "How was your room, from 1 to 5?"
    assert catalog.render("de", "question.room", low=1, high=5) == "Wie war Ihr Zimmer, von 1 bis 5?"


def test_render_ignores_unused_parameters(catalog):
    assert catalog.render("en", "ack.saved", hotel="X") == "Thank you!"


def test_unknown_language_falls_back_to_english(catalog):
    assert catalog.render("xx", "language.name") == "English"
    assert catalog.render("", "language.name") == "English"


def test_region_subtag_uses_the_base_language(catalog):
    assert catalog.render("de-AT", "language.name") == "Deutsch"
    assert catalog.render("fr_CH", "language.name") == "Français"


def test_unknown_key_raises_clear_key_error(catalog):
    with pytest.raises(KeyError, match=r"unknown message key 'no\.such\.key'"):
        catalog.render("de", "no.such.key")
    with pytest.raises(KeyError):
        catalog.placeholders("en", "no.such.key")


def test_missing_parameter_raises_clear_key_error(catalog):
    with pytest.raises(KeyError) as info:
        catalog.render("fr", "question.room", low=1)
    err = info.value
    assert isinstance(err, MissingParameter)
    assert (err.lang, err.key, err.param) == ("fr", "question.room", "high")
    assert str(err) == "message 'question.room' (fr) needs parameter 'high'; given: low"


def test_placeholders_and_keys(catalog):
    assert catalog.placeholders("en", "question.recommend") == {"hotel", "low", "high"}
    assert catalog.placeholders("es", "ack.saved") == frozenset()
    assert "greeting" in catalog.keys("it")
    assert isinstance(catalog.keys("it"), frozenset)


# --- loading -------------------------------------------------------------------


def test_load_from_other_directory(tmp_path):
    (tmp_path / "en.yml").write_text('hi: "Hello {name}"\n', encoding="utf-8")
    (tmp_path / "de.yml").write_text('hi: "Hallo {name}"\n', encoding="utf-8")
    cat = Catalog.load(tmp_path)
    assert cat.languages == ("de", "en")
    assert cat.render("de", "hi", name="Ana") == "Hallo Ana"


@pytest.mark.parametrize(
    "files, message",
    [
        ({}, "no message files"),
        ({"de.yml": 'hi: "Hallo"\n'}, "no 'en' texts"),
        ({"en.yml": "hi: [unclosed\n"}, "not valid YAML"),
        ({"en.yml": "- a\n- b\n"}, "must be a mapping"),
        ({"en.yml": "hi:\n  nested: x\n"}, "string text"),
        ({"en.yml": 'hi: "Hello {"\n'}, "not a valid template"),
        ({"en.yml": 'hi: "Hello {0}"\n'}, "positional placeholder"),
        ({"en.yml": 'hi: "Hi"\n', "english.yml": 'hi: "Hi"\n'}, "named <lang>.yml"),
    ],
)
def test_load_rejects_bad_catalogs(tmp_path, files, message):
    for name, content in files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        Catalog.load(tmp_path)


def test_catalog_does_not_import_rasa():
    code = (
        "import sys, bot.i18n.catalog; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('rasa', 'rasa_sdk')); "
        "assert not bad, bad"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
