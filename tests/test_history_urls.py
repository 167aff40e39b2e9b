"""Nothing sensitive in the URLs a phone's browser keeps in its history.

Every page of the site is opened as its owner, with a case full of names and numbers; every
address a tap or a form can lead to (links, GET forms, redirects after a POST) must hold
only ids, never a case title, a platform, a person's name, a phone number or a file name.
The route list comes from the URL configuration, so a new page is checked the day it is added.
"""

import re
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import CaseNumber, Party
from tests.conftest import png_bytes
from tests.test_url_access import PARAM, all_routes

pytestmark = pytest.mark.django_db

MOTHER, COLLECTOR = "13811115678", "17011112222"
FILE_STEM = "王芳通话截图"
# URL parameters that are opaque: ids, one-time link tokens, hashes, a call row's number in its log.
OPAQUE_PARAMS = {
    "case_id",
    "item_id",
    "bundle_id",
    "complaint_id",
    "upload_id",
    "token",
    "uidb64",
    "sha256",
    "code",
    "row",
    "export_id",
    "part",
    "redaction_id",
    "copy_id",
    "share_id",
}


class Addresses(HTMLParser):
    """The addresses a page can send the browser to: links, and forms that are not POST."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self.get_forms: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.found.append(a["href"])
        if tag == "form" and (a.get("method") or "get").lower() != "post":
            self.get_forms.append(a.get("action") or "(this page)")


@pytest.fixture
def secrets_case(client, alice_case, alice_objects, alice_api):
    """Alice's case with the things a family member must not read in the history."""
    mother = Party.objects.create(case=alice_case, kind=Party.Kind.PERSON, name="王芳", relation="母亲")
    CaseNumber.objects.create(case=alice_case, number=MOTHER, role="third_party", confirmed=True, party=mother)
    alice_case.manual_events.create(kind="call", number=COLLECTOR, created_by=alice_case.owner)
    r = client.post(
        f"/api/v1/cases/{alice_case.id}/evidence",
        {"file": SimpleUploadedFile(f"{FILE_STEM}{MOTHER}.png", png_bytes((9, 9, 9))), "kind": "screenshot"},
        **alice_api,
    )
    assert r.status_code == 201
    return [alice_case.title, alice_case.platform, "王芳", "母亲", MOTHER, COLLECTOR, FILE_STEM]


def page_routes():
    return [(route, name) for route, name in all_routes() if not route.startswith("/api/")]


def test_every_page_route_names_things_by_opaque_ids_only():
    for route, name in page_routes():
        assert set(PARAM.findall(route)) <= OPAQUE_PARAMS, f"{name}: {route} may carry a name or a number"


def test_no_link_form_or_redirect_carries_a_name_or_a_number(client, alice, alice_case, alice_objects, secrets_case):
    client.force_login(alice)
    client.raise_request_exception = False  # the test's bundle has no files: its downloads fail, and are not pages
    values = {**alice_objects, "token": "x" * 43, "uidb64": "MQ", "sha256": "0" * 64, "code": "A1", "row": "1"}
    seen, get_forms = set(), []
    for route, name in page_routes():
        url = PARAM.sub(lambda m: str(values[m.group(1)]), route)
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        if page.get("Location"):
            seen.add(page["Location"])
        if not page.streaming and "html" in page.get("Content-Type", ""):
            parser = Addresses()
            parser.feed(page.content.decode())
            seen.update(parser.found)
            get_forms += [f"{name}: {action}" for action in parser.get_forms]
        seen.add(url)
    # The POSTs that lead somewhere with something of the case in hand: numbers, parties.
    for number in (MOTHER, COLLECTOR):
        r = client.post(f"/cases/{alice_case.id}/numbers/change/", {"number": number, "role": "collector"})
        seen.add(r["Location"])
    leaks = sorted({(url, s) for url in seen for s in secrets_case if s and s in unquote(url)})
    assert leaks == [], "sensitive text in a URL the browser keeps in its history"
    assert get_forms == [], "a GET form puts what is typed into the address, and so into the history"
    assert any(u.startswith(f"/cases/{alice_case.id}/numbers/#n-") for u in seen)  # the walk reached the numbers


def test_the_numbers_page_marks_rows_without_the_number(client, alice, alice_case, secrets_case):
    client.force_login(alice)
    html = client.get(f"/cases/{alice_case.id}/numbers/").content.decode()
    ids = re.findall(r'id="(n-[^"]+)"', html)
    assert ids and not any(MOTHER in i or COLLECTOR in i for i in ids)


# Routes whose parameter is a link's secret, answered by keeping it in the session and sending the
# browser on to an address without it (security review L7): route name -> the token-free page.
SECRET_SWAPPED_FOR_SESSION = {"relative-statement": "relative-statement-page"}


def test_a_statement_links_token_leaves_the_address_at_once(client, alice, alice_case):
    from django.urls import reverse

    client.force_login(alice)
    page = client.post(f"/cases/{alice_case.id}/statement-links/", {"name": "王芳", "relation": "母亲"})
    client.logout()
    link = re.search(r"http://testserver(/s/[^<\s]+/)", page.content.decode()).group(1)
    token = link.strip("/").split("/")[-1]
    for name, page_name in SECRET_SWAPPED_FOR_SESSION.items():
        assert link == reverse(name, args=[token])
        r = client.get(link)
        assert r.status_code == 302 and r["Location"] == reverse(page_name) and token not in r["Location"]
        parser = Addresses()
        parser.feed(client.get(r["Location"]).content.decode())
        assert parser.found and not [u for u in parser.found if token in u]
