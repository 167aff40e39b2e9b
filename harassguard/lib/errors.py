from typing import Annotated

from ninja import Schema
from ninja.errors import HttpError
from pydantic import AfterValidator


class ApiError(HttpError):
    """An API error with a stable machine-readable code beside its message."""

    def __init__(self, status: int, message: str, code: str):
        super().__init__(status, message)
        self.code = code


def no_nul(value: str) -> str:
    """Refuse NUL characters, which PostgreSQL cannot store in text (Django's forms refuse them too)."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


class ErrorOut(Schema):
    """The API's one error format."""

    error: str  # what went wrong, in the caller's language
    code: str  # a stable machine-readable code


def error_responses(*statuses: int) -> dict:
    """`response` entries for errors in the API's one format, {error, code}, for these statuses."""
    return dict.fromkeys(statuses, ErrorOut)


# A JSON string field that the database can store.
Text = Annotated[str, AfterValidator(no_nul)]
