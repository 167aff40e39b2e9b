"""Responses that hold case data are kept out of every cache, the phone's included."""

# Answers that may hold something private even without a signed-in user: the statement and
# invitation pages (a link's holder sees a case's name), the API (a new token), the account pages
# (a password-reset form).
PRIVATE_PREFIXES = ("/s/", "/invitations/", "/api/", "/accounts/")


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response to a signed-in user, and under PRIVATE_PREFIXES,
    unless the view chose its own (file downloads do): on a shared phone the
    back button or the browser's cache must not show a case after signing out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        private = (user is not None and user.is_authenticated) or request.path.startswith(PRIVATE_PREFIXES)
        if private and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response
