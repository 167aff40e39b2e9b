from ninja.errors import HttpError


class ApiError(HttpError):
    """An API error with a stable machine-readable code beside its message."""

    def __init__(self, status: int, message: str, code: str):
        super().__init__(status, message)
        self.code = code
