"""Chinese-safe search tokens: overlapping two-character pieces ("bigrams") of normalised text.

Chinese has no spaces, and the words a lawyer looks for are often two characters ("上门", "你妈").
A word tokenizer would need a dictionary and still cut "爆通讯录" its own way; SQLite FTS5's trigram
tokenizer and PostgreSQL's pg_trgm need three characters, so a two-character word silently finds
nothing (FTS5) or reads every row (pg_trgm) — measured in bench/search.py and the README. Every
substring of two or more characters is made of consecutive bigrams, so indexing bigrams finds any
of them; the exact match is then confirmed on the same bigram string (`contains_pattern`).

Plain Python: no Django here.
"""

import unicodedata

# Between the bigrams of two texts of one entry (the reviewed and the machine words):
# a pattern never holds two spaces, so no match runs from one text into the other.
TEXT_SEPARATOR = "  "


def _kept(char: str) -> bool:
    # Letters and digits only: punctuation, spaces and emoji carry no words, and Whisper's
    # or the OCR's commas fall where they will, so "上门，你妈" and "上门你妈" must read alike.
    return unicodedata.category(char)[0] in "LN"


def normalise(text: str) -> str:
    """Return `text` as it is matched: NFKC (full-width ０-９Ａ-Ｚ as ASCII), case-folded, letters and digits only."""
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if _kept(c))


def normalise_with_positions(text: str) -> tuple[str, list[int]]:
    """Return normalise(text) and, for each of its characters, the index in `text` it came from."""
    chars, where = [], []
    simple = unicodedata.is_normalized("NFKC", text)  # most text: no character changes under NFKC
    for index, char in enumerate(text):
        for c in (char if simple else unicodedata.normalize("NFKC", char)).casefold():
            if _kept(c):
                chars.append(c)
                where.append(index)
    return "".join(chars), where


def bigrams(norm: str) -> list[str]:
    """The overlapping two-character pieces of normalised text; a one-character text is its own piece."""
    if len(norm) < 2:
        return [norm] if norm else []
    return [norm[i : i + 2] for i in range(len(norm) - 1)]


def index_text(*texts: str) -> str:
    """The indexed column for one entry: the bigrams of each distinct text, space-separated and space-padded."""
    parts = []
    for text in dict.fromkeys(texts):
        pieces = bigrams(normalise(text))
        if pieces:
            parts.append(" ".join(pieces))
    return f" {TEXT_SEPARATOR.join(parts)} " if parts else ""


def query_terms(q: str) -> list[str]:
    """The normalised terms of a query: words separated by spaces, each must be found; empty ones dropped."""
    return list(dict.fromkeys(t for t in (normalise(w) for w in q.split()) if t))


def contains_pattern(term: str) -> str:
    """The substring of an entry's bigram column that holds exactly when `term` occurs in one of its texts.

    Consecutive bigrams overlap by one character, so " ab bc cd " holds " bc cd " exactly when the text
    holds "bcd"; a one-character term is looked for inside the pieces."""
    if len(term) < 2:
        return term
    return f" {' '.join(bigrams(term))} "


def find(term: str, text: str) -> tuple[int, int] | None:
    """Where normalised `term` first occurs in the original `text` (start, end), or None."""
    norm, where = normalise_with_positions(text)
    at = norm.find(term)
    if at < 0:
        return None
    return where[at], where[at + len(term) - 1] + 1
