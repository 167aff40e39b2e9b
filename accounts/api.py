from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from ninja import Router, Schema

from accounts.models import ApiToken
from harassguard.lib.errors import ApiError

router = Router(tags=["auth"])


class Credentials(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


@router.post("/token", auth=None, response=TokenOut)
def create_token(request, credentials: Credentials):
    """Exchange a username (or phone number) and password for a bearer token."""
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if user is None:
        raise ApiError(401, _("Wrong username or password."), "invalid_credentials")
    _token, raw = ApiToken.issue(user)
    return {"token": raw}
