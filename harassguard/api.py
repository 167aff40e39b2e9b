"""The JSON API at /api/v1/: authentication and the one error format {error, code}."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.timezone import now
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyCookie, HttpBearer

from accounts.models import ApiToken, hash_token
from harassguard.lib.errors import ApiError
from harassguard.lib.openapi import document_errors


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        row = ApiToken.objects.select_related("user").filter(key_hash=hash_token(token), expires__gt=now()).first()
        if row is None or not row.user.is_active:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used=now())
        # A token issued after the second factor was given counts as a verified sign-in.
        row.user.is_verified = lambda: row.otp_verified  # type: ignore[attr-defined]  # as django-otp's middleware does
        # The rest of the code asks request.user, whichever way the caller signed in.
        request.user = row.user
        return row.user


class SessionAuth(APIKeyCookie):
    """The browser's signed-in session, with Django's CSRF check.

    Unlike ninja's django_auth, a caller without a session is simply not
    signed in (401), rather than failing a CSRF check it never took part in."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None):
        return request.user


class HarassGuardApi(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The document, with the errors each operation can give by its shape (harassguard.lib.openapi)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_errors(schema)
        return schema


api = HarassGuardApi(
    title="HarassGuard API",
    version="1",
    urls_namespace="api",
    auth=[BearerTokenAuth(), SessionAuth()],
    docs_url=None,
)


def error_response(request: HttpRequest, message: str, code: str, status: int) -> HttpResponse:
    """Return the API's error body, {error, code}, with `status`."""
    return api.create_response(request, {"error": message, "code": code}, status=status)


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return error_response(request, exc.message, exc.code, exc.status_code)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response(request, _("Not found."), "not_found", 404)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return error_response(request, _("Your role in this case does not allow this."), "forbidden", 403)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return error_response(request, _("Sign in or send a valid API token."), "unauthenticated", 401)


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    fields = [".".join(str(p) for p in e.get("loc", [])[1:]) for e in exc.errors]
    message = _("Invalid request: check %(fields)s.") % {"fields": ", ".join(f for f in fields if f) or "body"}
    return error_response(request, message, "invalid", 400)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return error_response(request, str(exc), "error", exc.status_code)


api.add_router("/auth", "accounts.api.router")
api.add_router("/", "cases.api.router")
api.add_router("/", "evidence.api.router")
api.add_router("/", "evidence.intake.api.router")
api.add_router("/", "cases.statement_link_api.router")
api.add_router("/", "evidence.bundle.api.router")
api.add_router("/", "evidence.export.api.router")
api.add_router("/", "complaints.api.router")
api.add_router("/", "evidence.search_api.router")
api.add_router("/", "cases.sharing_api.router")
api.add_router("/", "evidence.record_api.router")
api.add_router("/", "evidence.redaction.api.router")
