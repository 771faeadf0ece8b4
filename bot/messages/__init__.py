"""The words people read, in one catalog per language. Handlers and views ask for them by key.

`t("feeling.logged", client="Acme")` formats the English text; a locale ("nl-NL") falls back to
English for any key its catalog lacks, so a missing translation never shows a key to a person.
"""

from __future__ import annotations

from typing import Any

from bot.messages import en

CATALOGS: dict[str, dict[str, str]] = {"en": en.MESSAGES}


def t(key: str, locale: str | None = None, /, **values: Any) -> str:
    lang = (locale or "en").split("-")[0].split("_")[0].lower()
    text = CATALOGS.get(lang, {}).get(key) or en.MESSAGES[key]
    return text.format(**values) if values else text
