"""Headers for a file that holds case data, whatever view hands it out."""

from django.http import HttpResponse


def private_file(response: HttpResponse) -> HttpResponse:
    """Mark `response` as a private file: no cache keeps it (not even the browser's, on a shared
    phone), and no browser guesses it is something other than its declared type."""
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
