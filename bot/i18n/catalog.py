"""The message catalog: `bot/i18n/messages/<lang>.yml`, one flat mapping of
key -> text per language, texts with `{placeholders}` for `str.format_map`.

    catalog = Catalog.load()
    catalog.render("de", "question.room", low=1, high=5)

Rendering an unknown language falls back to English; an unknown key or a missing
parameter raises `KeyError` with a message that names the key, language and parameter.
Parameters the text does not use are ignored. Pure Python; does not import rasa.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from bot.base.errors import ConfigError

DEFAULT_LANGUAGE = "en"
MESSAGES_DIR = Path(__file__).resolve().parent / "messages"

_LANG_FILE = re.compile(r"^[a-z]{2,3}$")
_FORMATTER = string.Formatter()


class MissingParameter(KeyError):
    """`render` was not given a parameter the text needs."""

    def __init__(self, lang: str, key: str, param: str, given: frozenset[str]) -> None:
        super().__init__(param)
        self.lang, self.key, self.param = lang, key, param
        self.message = (
            f"message {key!r} ({lang}) needs parameter {param!r}; given: {', '.join(sorted(given)) or 'none'}"
        )

    def __str__(self) -> str:  # KeyError would show repr(param) only
        return self.message


class _Params(dict):
    def __init__(self, lang: str, key: str, params: Mapping[str, Any]) -> None:
        super().__init__(params)
        self._lang, self._key = lang, key

    def __missing__(self, name: str) -> Any:
        raise MissingParameter(self._lang, self._key, name, frozenset(self))


def _placeholders(text: str) -> frozenset[str]:
    """Top-level field names in a format string ("{a.b}" and "{a[0]}" count as "a")."""
    names = set()
    for _, field, _, _ in _FORMATTER.parse(text):
        if field is None:
            continue
        name = re.split(r"[.\[]", field, maxsplit=1)[0]
        if not name or name.isdigit():
            raise ValueError(f"positional placeholder {{{field}}} is not allowed")
        names.add(name)
    return frozenset(names)


class Catalog:
    """Texts per language and key. Immutable once built."""

    def __init__(
        self,
        messages: Mapping[str, Mapping[str, str]],
        default_language: str = DEFAULT_LANGUAGE,
    ) -> None:
        if default_language not in messages:
            raise ConfigError(f"message catalog has no {default_language!r} texts")
        texts: dict[str, Mapping[str, str]] = {}
        fields: dict[str, Mapping[str, frozenset[str]]] = {}
        for lang, entries in messages.items():
            if not isinstance(entries, Mapping):
                raise ConfigError(f"messages for {lang!r} must be a mapping of key to text")
            lang_texts: dict[str, str] = {}
            lang_fields: dict[str, frozenset[str]] = {}
            for key, text in entries.items():
                if not isinstance(key, str) or not isinstance(text, str):
                    raise ConfigError(f"{lang}: {key!r} must map a string key to a string text")
                try:
                    lang_fields[key] = _placeholders(text)
                except ValueError as e:
                    raise ConfigError(f"{lang}: {key!r} is not a valid template: {e}") from e
                lang_texts[key] = text
            texts[lang] = MappingProxyType(lang_texts)
            fields[lang] = MappingProxyType(lang_fields)
        self._texts = MappingProxyType(texts)
        self._fields = MappingProxyType(fields)
        self.default_language = default_language
        self.languages: tuple[str, ...] = tuple(sorted(texts))

    @classmethod
    def load(cls, directory: Path | None = None) -> "Catalog":
        """Read every `<lang>.yml` in `directory` (default: bot/i18n/messages)."""
        directory = Path(directory) if directory is not None else MESSAGES_DIR
        messages: dict[str, Mapping[str, str]] = {}
        for path in sorted(directory.glob("*.yml")):
            lang = path.stem
            if not _LANG_FILE.match(lang):
                raise ConfigError(f"{path.name}: message files must be named <lang>.yml")
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except yaml.YAMLError as e:
                raise ConfigError(f"{path.name} is not valid YAML: {e}") from e
            if not isinstance(data, dict):
                raise ConfigError(f"{path.name} must be a mapping of key to text")
            messages[lang] = data
        if not messages:
            raise ConfigError(f"no message files (<lang>.yml) in {directory}")
        return cls(messages)

    def resolve(self, lang: str | None) -> str:
        """The catalog language used for `lang`: itself, its primary subtag
        ("de-AT" -> "de"), or the default language."""
        if lang in self._texts:
            return lang  # type: ignore[return-value]
        if lang:
            primary = re.split(r"[-_]", lang, maxsplit=1)[0].lower()
            if primary in self._texts:
                return primary
        return self.default_language

    def text(self, lang: str, key: str) -> str:
        """The raw template for `key` in `lang` (after language fallback)."""
        resolved = self.resolve(lang)
        try:
            return self._texts[resolved][key]
        except KeyError:
            raise KeyError(f"unknown message key {key!r} (language {resolved!r})") from None

    def render(self, lang: str, key: str, **params: Any) -> str:
        resolved = self.resolve(lang)
        template = self.text(resolved, key)
        return template.format_map(_Params(resolved, key, params))

    def keys(self, lang: str) -> frozenset[str]:
        return frozenset(self._texts[self.resolve(lang)])

    def placeholders(self, lang: str, key: str) -> frozenset[str]:
        resolved = self.resolve(lang)
        self.text(resolved, key)  # KeyError for unknown keys
        return self._fields[resolved][key]

    def __repr__(self) -> str:
        return f"Catalog(languages={self.languages!r})"
