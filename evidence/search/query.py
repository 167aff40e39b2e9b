"""Finds words in the cases a user may see (cases/access.py), on PostgreSQL and on SQLite.

Each term's bigrams narrow the entries through the index (GIN on PostgreSQL, FTS5 on SQLite); the
exact, contiguous match is then confirmed with LIKE on the same bigram column (tokens.contains_pattern),
so "爆通讯录" does not find a sentence that merely holds "爆通" and "讯录" apart. A one-character term
has no bigram and is matched with LIKE alone, within the user's cases."""

from dataclasses import dataclass, field
from uuid import UUID

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.access import cases_for_user, get_case_for_user
from evidence.models import SearchEntry
from evidence.search.tokens import bigrams, contains_pattern, find, query_terms

LIMIT = 200
MAX_TERMS = 8
MAX_QUERY = 200
# Characters of context shown on each side of the match.
CONTEXT = 30


@dataclass
class Results:
    terms: list[str]
    hits: list[dict] = field(default_factory=list)
    more: bool = False  # more hits than LIMIT: narrow the search


def search(user, q: str, case_id: UUID | None = None, limit: int = LIMIT) -> Results:
    """Return the entries holding every term of `q` in `case_id` (404 unless `user` may read it) or in all
    the cases `user` may see; withdrawn items are left out."""
    terms = query_terms(q[:MAX_QUERY])[:MAX_TERMS]
    cases = [get_case_for_user(user, case_id).pk] if case_id else list(cases_for_user(user).values_list("pk", flat=True))
    if not terms or not cases:
        return Results(terms)
    rows = list(matching(terms, cases)[: limit + 1])
    return Results(terms, [hit(entry, terms) for entry in rows[:limit]], len(rows) > limit)


def matching(terms: list[str], cases: list) -> QuerySet[SearchEntry]:
    """The entries of `cases` holding every one of the normalised `terms`, in the order of the case's items."""
    qs = SearchEntry.objects.filter(case_id__in=cases).filter(Q(item=None) | Q(item__withdrawn_at=None))
    grams = sorted({g for t in terms if len(t) >= 2 for g in bigrams(t)})
    if grams:
        qs = _through_index(qs, grams)
    for term in terms:
        qs = qs.filter(grams__contains=contains_pattern(term))
    return qs.select_related("item", "case").order_by(
        "case__title", "case_id", F("item__received_at").asc(nulls_last=True), "kind", "source", "position"
    )


def _through_index(qs: QuerySet[SearchEntry], grams: list[str]) -> QuerySet[SearchEntry]:
    if connection.vendor == "postgresql":
        # The very expression of the GIN index (migration 0016), so the planner uses it.
        return qs.extra(where=["string_to_array(evidence_searchentry.grams, ' ') @> %s::text[]"], params=[grams])
    if connection.vendor == "sqlite":
        # Each bigram is one unicode61 token; quoted, FTS5 reads nothing in it as syntax. Space means AND.
        match = " ".join(f'"{g}"' for g in grams)
        return qs.filter(
            pk__in=RawSQL(
                "SELECT rowid FROM evidence_searchentry_fts WHERE evidence_searchentry_fts MATCH %s", [match]
            )
        )
    return qs  # another database: LIKE alone, correct but unindexed


def hit(entry: SearchEntry, terms: list[str]) -> dict:
    """One hit as the API and the search page show it."""
    snippet, highlight, matched = _snippet(entry, terms[0])
    return {
        "item": entry.item_id,
        "kind": entry.kind,
        "where": _where(entry),
        "snippet": snippet,
        "highlight": highlight,
        "matched": matched,
        "case": entry.case_id,
        "case_title": entry.case.title,
        "source": entry.source,
        "position": entry.position,
        "title": _title(entry),
        "url": _url(entry),
    }


def _where(entry: SearchEntry) -> dict:
    if entry.kind == SearchEntry.Kind.TRANSCRIPT:
        return {"start": entry.start, "sentence": entry.position}
    if entry.kind == SearchEntry.Kind.NOTE:
        return {}
    return {"line": entry.position}


def _title(entry: SearchEntry) -> str:
    if entry.kind == SearchEntry.Kind.LETTER:
        return _("Letter")
    if entry.kind == SearchEntry.Kind.NOTE and entry.item is None:
        return _("Note on the case")
    return entry.item.original_filename if entry.item else ""


def _url(entry: SearchEntry) -> str:
    """Where the hit opens: the item at the sentence or line, the note, or the letter."""
    if entry.kind == SearchEntry.Kind.LETTER:
        return reverse("complaint-detail", args=[entry.source])
    if entry.kind == SearchEntry.Kind.NOTE:
        page = reverse("item-detail", args=[entry.item_id]) if entry.item_id else reverse("case-detail", args=[entry.case_id])
        return f"{page}#note-{entry.source}"
    anchor = {"transcript": "t", "ocr": "line", "statement": "st"}[entry.kind]
    return f"{reverse('item-detail', args=[entry.item_id])}#{anchor}-{entry.position}"


def _snippet(entry: SearchEntry, term: str) -> tuple[str, list[int], str]:
    """The words around the first term's match, where it is in them, and which text matched ("text" or
    "machine_text": the machine's words, where the owner corrected them)."""
    for name in ("text", "machine_text"):
        text = getattr(entry, name)
        found = find(term, text)
        if found:
            begin, end = max(0, found[0] - CONTEXT), min(len(text), found[1] + CONTEXT)
            prefix = "…" if begin else ""
            suffix = "…" if end < len(text) else ""
            at = found[0] - begin + len(prefix)
            return f"{prefix}{text[begin:end]}{suffix}", [at, at + found[1] - found[0]], name
    return entry.text[: 2 * CONTEXT], [0, 0], "text"
