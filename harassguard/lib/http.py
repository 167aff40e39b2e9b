"""Headers for a file that holds case data, whatever view hands it out."""

from typing import TypeVar

from django.http.response import HttpResponseBase

Response = TypeVar("Response", bound=HttpResponseBase)


def private_file(response: Response) -> Response:
    """Mark `response` as a private file: no cache keeps it (not even the browser's, on a shared
    phone), and no browser guesses it is something other than its declared type."""
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
