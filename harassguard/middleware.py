"""Responses that hold case data are kept out of every cache, the phone's included."""

# Pages a link's holder sees without an account, which still show a case's name or invitation.
PRIVATE_PREFIXES = ("/s/", "/invitations/")


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response to a signed-in user, and on the statement and
    invitation pages, unless the view chose its own (file downloads do): on a shared phone the
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
