"""Every URL of the site, checked against a stranger: Bob gets 404 for anything of Alice's.

The list comes from the URL configuration itself, so a new URL that takes a
case, item or bundle is covered the day it is added, and a new kind of URL
parameter fails here until it is given an object to test with.
"""

import re

import pytest
from django.urls import URLResolver, get_resolver

from evidence.models import EvidenceItem

pytestmark = pytest.mark.django_db

# Open to everyone on purpose: signing in and up, the language switch, the API's
# description and token exchange, and the public verification page.
PUBLIC = {
    "api:openapi-json",
    "api:create_token",
    "api:api-root",
    "set_language",
    "signup",
    "login",
    "logout",
    "invitation",
    "relative-statement",  # the link is the secret; without a valid one they show nothing
    "relative-statement-page",  # the link kept in the caller's own session, else a neutral page
    "bundle-share",  # likewise the police link to a bundle, and its downloads
    "bundle-share-pdf",
    "bundle-share-zip",
    "verify",
    "verify-hash",
    "verify-exhibit",
    "guide",
    "password-reset",
    "password-reset-done",
    "password-reset-confirm",
    "password-reset-complete",
    "quick-exit",  # shuts the caller's own session, if any
    # The installable web app: nothing of any case in them.
    "service-worker",
    "web-manifest",
    "offline",
    # A relative's recording: the statement link's token is the secret, as on its page.
    "api:link_upload_begin_api",
    "api:link_upload_status",
    "api:link_upload_piece",
}
# The caller's own list and the forms that create something new for the caller.
OWN = {
    "api:create_case",
    "api:list_cases",
    "case-list",
    "case-new",
    "tokens",
    "sessions",
    "second-factor-setup",
    "second-factor-verify",
    "password-change",
    "account-email",
    "privacy",
    "pin-unlock",
    "account-close",
    "search",  # searches only the caller's own cases (tests/evidence/test_search.py)
    "api:search_words",
}
PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def all_routes(patterns=None, prefix="", namespace=None):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            yield from all_routes(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
        else:
            yield "/" + prefix + str(p.pattern), (f"{namespace}:" if namespace else "") + (p.name or "")


def scoped_routes():
    return [(route, name) for route, name in all_routes() if name not in PUBLIC | OWN]


def test_every_url_is_classified():
    unnamed = [route for route, name in all_routes() if not name or name.endswith(":")]
    assert unnamed == []
    unscoped = [name for route, name in scoped_routes() if not PARAM.search(route)]
    assert unscoped == [], "a URL without a case, item, bundle or complaint must be listed as PUBLIC or OWN"


@pytest.mark.parametrize("route,name", scoped_routes())
def test_bob_gets_404_from_every_url_of_alices(client, alice_objects, alice_case, bob, bob_api, route, name):
    values = alice_objects
    item = EvidenceItem.objects.get(pk=values["item_id"])
    params = PARAM.findall(route)
    assert set(params) <= values.keys(), f"{name}: give the test an object for {params}"
    url = PARAM.sub(lambda m: str(values[m.group(1)]), route)
    client.force_login(bob)
    post = (
        client.post(url, {}, content_type="application/json", **bob_api)
        if url.startswith("/api/")
        else client.post(url, {})
    )
    answers, writes = [client.get(url, **bob_api), post], []
    if url.startswith("/api/"):  # routes that only change something (PATCH, PUT, DELETE) must refuse Bob too
        writes = [
            client.patch(url, {}, content_type="application/json", **bob_api),
            client.put(url, {}, content_type="application/json", **bob_api),
            client.delete(url, **bob_api),
        ]
        # An empty body the schema refuses (400/422) is answered before any lookup: it tells Bob nothing.
        answers += [r for r in writes if r.status_code not in (400, 422)]
    statuses = {r.status_code for r in answers}
    assert statuses <= {404, 405} and 404 in statuses, (name, statuses)
    for r in answers + writes:
        body = b"".join(r.streaming_content) if r.streaming else r.content
        assert alice_case.title.encode() not in body and item.sha256.encode() not in body


METHODS = ("get", "post", "put", "patch", "delete")


@pytest.mark.parametrize("route,name", scoped_routes())
def test_anonymous_visitors_are_sent_to_sign_in(client, alice_objects, route, name):
    """Each route is called with every method it allows (a 405 answers before authentication
    runs, so it proves nothing): the API says 401, a page sends the visitor to sign in."""
    url = PARAM.sub(lambda m: str(alice_objects[m.group(1)]), route)
    answers = {method: getattr(client, method)(url) for method in METHODS}
    allowed = {method: r for method, r in answers.items() if r.status_code != 405}
    assert allowed, f"{name}: no method answered other than 405"
    for method, r in allowed.items():
        if route.startswith("/api/"):
            assert r.status_code == 401, (name, method, r.status_code)
        else:
            assert r.status_code == 302 and "/accounts/login/" in r["Location"], (name, method, r.status_code)
