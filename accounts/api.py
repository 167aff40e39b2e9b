from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from ninja import Router, Schema

from accounts.models import ApiToken
from accounts.second_factor import check_code, has_second_factor
from accounts.throttle import signin_succeeded
from harassguard.lib.errors import ApiError, Text, error_responses

router = Router(tags=["auth"])


class Credentials(Schema):
    username: Text
    password: Text
    otp: Text = ""


class TokenOut(Schema):
    token: str


@router.post("/token", auth=None, response={200: TokenOut, **error_responses(401, 429)})
def create_token(request, credentials: Credentials):
    """Exchange a username (or phone number) and password for a bearer token. 401: wrong credentials,
    or the second factor is needed (`code` otp_required); 429: too many failed tries, wait (Retry-After)."""
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if user is None:
        raise ApiError(401, _("Wrong username or password."), "invalid_credentials")
    signin_succeeded(request, user.get_username())
    second_factor = has_second_factor(user)
    if second_factor and check_code(user, credentials.otp) is None:
        raise ApiError(401, _("Enter the code from your authenticator app (field otp)."), "otp_required")
    _token, raw = ApiToken.issue(user, otp_verified=second_factor)
    return {"token": raw}
