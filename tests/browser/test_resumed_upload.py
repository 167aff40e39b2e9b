"""A large file sent from a phone whose connection is cut half-way: the upload resumes
where it stopped and the hash covers exactly the bytes of the file."""

import hashlib
import os

import pytest
from PIL import Image

from evidence.models import ChunkedUpload, CustodyEvent, EvidenceItem
from tests.browser.conftest import PHONE, sign_in

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.browser]


def test_an_upload_cut_off_midway_resumes_where_it_stopped(site, screens, alice, alice_case, tmp_path):
    # Noise does not compress: a 1000×1000 PNG of it is about 3 MB, three pieces.
    photo = tmp_path / "Screenshot_big.png"
    Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000)).save(photo)
    data = photo.read_bytes()

    screen = screens(site.url, PHONE)
    page = screen.page
    sign_in(screen, "alice")
    page.goto(f"/cases/{alice_case.id}/upload/")
    pieces: list[int] = []
    cut: list[int] = []

    def cut_the_second_piece(route, request):
        if request.method == "PATCH":
            pieces.append(int(request.headers["upload-offset"]))
            if len(pieces) == 2 and not cut:
                cut.append(pieces[-1])
                # The network drops while the piece is on its way.
                return route.abort("connectionreset")
        return route.continue_()

    page.route("**/api/v1/uploads/*", cut_the_second_piece)
    page.set_input_files("#id_file", str(photo))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#upload-list li.done", timeout=120_000)
    screen.shot("resumed-and-received")

    assert cut and pieces.count(cut[0]) == 2, pieces  # the lost piece was sent again, from the same byte
    assert pieces == sorted(pieces) and len(set(pieces)) == 3
    item = EvidenceItem.objects.get(case=alice_case)
    assert item.sha256 == hashlib.sha256(data).hexdigest() and item.size == len(data)
    assert "服务器计算出相同的指纹" in page.inner_text("#upload-list li")
    assert CustodyEvent.objects.get(item=item, action="received").detail["client_sha256_matched"] is True
    assert ChunkedUpload.objects.get().item == item
