from accounts.privacy import exit_url, privacy_of


def privacy(request) -> dict:
    """`discreet` (a neutral tab title and icon) and `quick_exit_url` for every page."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {
        "discreet": user.is_authenticated and privacy_of(user).discreet,
        "quick_exit_url": exit_url(user),
    }
