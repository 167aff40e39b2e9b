"""GET /api/v1/search: words in one case or in every case the caller may see (evidence/search/)."""

from uuid import UUID

from ninja import Router, Schema

from evidence.api import ErrorOut
from evidence.search.query import search

router = Router(tags=["search"])


class WhereOut(Schema):
    start: float | None = None  # a recording's sentence: seconds from its beginning
    line: int | None = None  # a screenshot's, statement's or letter's line
    sentence: int | None = None  # the sentence's number in the transcript


class HitOut(Schema):
    item: UUID | None  # none for a letter or a note on the case itself
    kind: str  # transcript, ocr, statement, note, letter
    where: WhereOut
    snippet: str
    highlight: list[int]  # [begin, end] of the match in the snippet
    matched: str  # "text", or "machine_text": the machine's words where the owner corrected them
    case: UUID
    case_title: str
    source: UUID  # the item, note or letter
    position: int
    title: str
    url: str  # the page that opens at the hit


class SearchOut(Schema):
    terms: list[str]
    hits: list[HitOut]
    more: bool  # more hits than shown: narrow the search


@router.get("/search", response={200: SearchOut, 404: ErrorOut})
def search_words(request, q: str, case: UUID | None = None):
    """Find words (Chinese two-character words included) in transcripts, screenshot lines, statements,
    notes and letters: in `case`, or in every case the caller may see. Withdrawn items are left out."""
    found = search(request.user, q, case)
    return {"terms": found.terms, "hits": found.hits, "more": found.more}
