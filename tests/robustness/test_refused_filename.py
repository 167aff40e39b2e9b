"""A refused file name is a 400 at any file size, through a real HTTP server.

Django's parser skips a part whose name is refused without reading its body;
the file's bytes were then parsed as the next part's headers, which only a
file of real size (more than the parser's first read) showed as a 500.
"""

import os

import pytest
import requests

from evidence.models import EvidenceItem
from tests.conftest import bearer, png_bytes

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("size_kb", [64, 400])
def test_a_refused_file_name_answers_400_at_real_size(live_server, alice_case, alice, media, size_kb):
    data = png_bytes() + os.urandom(size_kb * 1024)
    r = requests.post(
        f"{live_server.url}/api/v1/cases/{alice_case.id}/evidence",
        headers={"Authorization": bearer(alice)["HTTP_AUTHORIZATION"]},
        data={"kind": "screenshot"},
        files={"file": ("evil\u202egpj.exe", data, "image/png")},
        timeout=30,
    )
    assert r.status_code == 400, r.text[:300]
    assert r.json()["code"] == "unsafe_filename"
    assert EvidenceItem.objects.count() == 0
    assert os.listdir(media / "tmp") == []


def test_a_refused_file_name_on_the_upload_page_is_shown_not_a_500(live_server, alice_case, alice, media):
    session = requests.Session()
    page = session.get(f"{live_server.url}/accounts/login/", timeout=10)
    token = session.cookies["csrftoken"]
    r = session.post(
        f"{live_server.url}/accounts/login/",
        timeout=10,
        headers={"Referer": page.url},
        data={"username": "alice", "password": "correct horse 42", "csrfmiddlewaretoken": token},
    )
    assert r.status_code == 200 and "/accounts/login/" not in r.url
    upload_url = f"{live_server.url}/cases/{alice_case.id}/upload/"
    session.get(upload_url, timeout=10)
    r = session.post(
        upload_url,
        timeout=30,
        headers={"Referer": upload_url},
        data={"kind": "screenshot", "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        files={"file": ("a\x07b.png", png_bytes() + os.urandom(300 * 1024), "image/png")},
    )
    assert r.status_code == 200, r.status_code
    assert EvidenceItem.objects.count() == 0
