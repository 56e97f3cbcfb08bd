"""Which language a free text of the register is written in, French or English.

A register's ``description`` fields hold two kinds of text: details meant for people ("Nom de la
société.", "Type et version du système d'exploitation mobile.") and notes for the DPO ("Not
named. Section 9.1 states the same..."). The notice shows a description only when the notice is
in the register's language and the description is written in it, so a French notice does not
quote an English note, and an English notice of a French register quotes no French detail.
Texts that art. 13 requires (a legitimate interest, a cookie's purpose, an automated decision)
are always shown, in the register's words, whatever their language.

The guess counts short function words, which every sentence has and which the two languages do
not share; a text with too few of them has no guess and is taken to be in the register's language.
"""

from __future__ import annotations

import re

_FRENCH = frozenset({
    "le", "la", "les", "un", "une", "des", "du", "de", "et", "ou", "est", "sont", "pour", "par",
    "avec", "sans", "dans", "sur", "au", "aux", "ce", "cette", "ces", "qui", "que", "ne", "pas",
    "vos", "votre", "nos", "notre", "leur", "leurs", "si", "lorsque", "afin", "être", "été",
})
_ENGLISH = frozenset({
    "the", "and", "or", "is", "are", "was", "for", "by", "with", "without", "in",
    "of", "to", "this", "that", "these", "which", "who", "not", "no", "your", "our", "their",
    "it", "its", "be", "been", "when", "from", "does", "says", "only",
})
_WORD = re.compile(r"[a-zà-öø-ÿœ]+", re.IGNORECASE)


def _counts(text: str) -> dict[str, int]:
    words = [w.lower() for w in _WORD.findall(text.replace("'", " ").replace("’", " "))]
    french = sum(1 for w in words if w in _FRENCH) + (1 if re.search(r"[éèêàùçœ]", text) else 0)
    return {"fr": french, "en": sum(1 for w in words if w in _ENGLISH)}


def guess_language(text: str) -> str | None:
    """'fr' or 'en' when the text says so clearly enough, else None."""
    counts = _counts(text)
    if counts["fr"] == counts["en"]:
        return None
    return "fr" if counts["fr"] > counts["en"] else "en"


def written_in(text: str | None, lang: str, register_lang: str) -> bool:
    """True when ``text`` is in ``lang`` and has no word of the other language (a half-translated
    note is not shown); a text with no telling word counts as written in ``register_lang``."""
    if not text:
        return False
    counts = _counts(text)
    other = "en" if lang == "fr" else "fr"
    if counts[other]:
        return False
    return bool(counts[lang]) or register_lang == lang
