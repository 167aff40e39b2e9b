"""Finds words in the cases a user may see (cases/access.py), on PostgreSQL and on SQLite.

Each term's bigrams narrow the entries through the index (GIN on PostgreSQL, FTS5 on SQLite); the
exact, contiguous match is then confirmed with LIKE on the same bigram column (tokens.contains_pattern),
so "爆通讯录" does not find a sentence that merely holds "爆通" and "讯录" apart. A one-character term
has no bigram and is matched with LIKE alone, within the user's cases."""

from dataclasses import dataclass, field
from uuid import UUID

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.access import cases_for_user, get_case_for_user
from cases.models import Case
from evidence.models import EvidenceItem, SearchEntry
from evidence.search.tokens import bigrams, contains_pattern, find, query_terms

LIMIT = 100  # a phone shows this many; `more` asks for another word
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
    cases = (
        [get_case_for_user(user, case_id).pk] if case_id else list(cases_for_user(user).values_list("pk", flat=True))
    )
    if not terms or not cases:
        return Results(terms)
    rows = list(matching(terms, cases)[: limit + 1])
    names = _Names(rows[:limit])
    return Results(terms, [hit(entry, terms, names) for entry in rows[:limit]], len(rows) > limit)


def matching(terms: list[str], cases: list) -> QuerySet[SearchEntry]:
    """The entries of `cases` holding every one of the normalised `terms`, case by case in the order they
    were indexed (a source's sentences and lines in their order)."""
    withdrawn = EvidenceItem.objects.filter(case_id__in=cases, withdrawn_at__isnull=False).values("pk")
    qs = SearchEntry.objects.filter(case_id__in=cases).exclude(item_id__in=withdrawn)
    grams = sorted({g for t in terms if len(t) >= 2 for g in bigrams(t)})
    if grams:
        qs = _through_index(qs, grams)
    for term in terms:
        qs = qs.filter(grams__contains=contains_pattern(term))
    # No join here: only the hits shown are given their titles (_Names), not every candidate.
    return qs.defer("grams").order_by("case_id", "id")


def _through_index(qs: QuerySet[SearchEntry], grams: list[str]) -> QuerySet[SearchEntry]:
    if connection.vendor == "postgresql":
        # The very expression of the GIN index (migration 0016), so the planner uses it.
        return qs.extra(where=["string_to_array(evidence_searchentry.grams, ' ') @> %s::text[]"], params=[grams])
    if connection.vendor == "sqlite":
        # Each bigram is one unicode61 token; quoted, FTS5 reads nothing in it as syntax. Space means AND.
        match = " ".join(f'"{g}"' for g in grams)
        return qs.filter(
            pk__in=RawSQL("SELECT rowid FROM evidence_searchentry_fts WHERE evidence_searchentry_fts MATCH %s", [match])
        )
    return qs  # another database: LIKE alone, correct but unindexed


class _Names:
    """The titles and addresses of the hits shown, looked up once per search rather than once per hit."""

    ZERO = "00000000-0000-0000-0000-000000000000"

    def __init__(self, rows: list[SearchEntry]):
        # reverse() is slow; the pattern is worked out once and filled in per hit.
        self.pages = {
            name: reverse(name, args=[self.ZERO]) for name in ("item-detail", "case-detail", "complaint-detail")
        }
        self.items = dict(
            EvidenceItem.objects.filter(pk__in={r.item_id for r in rows if r.item_id}).values_list(
                "pk", "original_filename"
            )
        )
        self.cases = dict(Case.objects.filter(pk__in={r.case_id for r in rows}).values_list("pk", "title"))

    def url(self, name: str, pk) -> str:
        return self.pages[name].replace(self.ZERO, str(pk))


def hit(entry: SearchEntry, terms: list[str], names: _Names | None = None) -> dict:
    """One hit as the API and the search page show it."""
    names = names or _Names([entry])
    snippet, highlight, matched = _snippet(entry, terms[0])
    return {
        "item": entry.item_id,
        "kind": entry.kind,
        "where": _where(entry),
        "snippet": snippet,
        "highlight": highlight,
        "matched": matched,
        "case": entry.case_id,
        "case_title": names.cases.get(entry.case_id, ""),
        "source": entry.source,
        "position": entry.position,
        "title": _title(entry, names),
        "url": _url(entry, names),
    }


def _where(entry: SearchEntry) -> dict:
    if entry.kind == SearchEntry.Kind.TRANSCRIPT:
        return {"start": entry.start, "sentence": entry.position}
    if entry.kind == SearchEntry.Kind.NOTE:
        return {}
    return {"line": entry.position}


def _title(entry: SearchEntry, names: _Names) -> str:
    if entry.kind == SearchEntry.Kind.LETTER:
        return _("Letter")
    if entry.kind == SearchEntry.Kind.NOTE and entry.item_id is None:
        return _("Note on the case")
    return names.items.get(entry.item_id, "") if entry.item_id else ""


def _url(entry: SearchEntry, names: _Names) -> str:
    """Where the hit opens: the item at the sentence or line, the note, or the letter."""
    if entry.kind == SearchEntry.Kind.LETTER:
        return names.url("complaint-detail", entry.source)
    if entry.kind == SearchEntry.Kind.NOTE:
        page = names.url("item-detail", entry.item_id) if entry.item_id else names.url("case-detail", entry.case_id)
        return f"{page}#note-{entry.source}"
    anchor = {"transcript": "t", "ocr": "line", "statement": "st"}[entry.kind]
    return f"{names.url('item-detail', entry.item_id)}#{anchor}-{entry.position}"


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
