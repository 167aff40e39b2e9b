"""The owner, on a phone, asks for a full copy of the case in parts small enough for WeChat,
waits while the worker makes it, and downloads a part; the parts verify and hold the originals."""

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from evidence.models import CaseExport, CustodyEvent
from tests.browser.conftest import PHONE, sign_in
from tests.evidence.test_case_export import screenshot_300k

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.browser]


def test_the_owner_downloads_the_full_copy_from_the_case_page(
    site, screens, alice, alice_case, client, alice_api, tmp_path
):
    shot = screenshot_300k()
    r = client.post(
        f"/api/v1/cases/{alice_case.id}/evidence",
        {"file": SimpleUploadedFile("Screenshot_20231120.png", shot), "kind": "screenshot"},
        **alice_api,
    )
    assert r.status_code == 201
    screen = screens(site.url, PHONE)
    page = screen.page
    sign_in(screen, "alice")
    page.goto(f"/cases/{alice_case.id}/")
    page.click("#case-export")
    screen.check_accessible("export-page")
    page.check("input[name=part_mb][value='25']")
    page.click("#export-start")
    part = page.locator("#export-parts a").first
    part.wait_for(timeout=240_000)
    screen.check_accessible("export-ready")
    export = CaseExport.objects.get(case=alice_case)
    assert export.part_mb == 25 and export.status == "ready"
    paths = []
    for n, link in enumerate(page.locator("#export-parts a").all(), start=1):
        with page.expect_download() as download:
            link.click()
        path = tmp_path / f"part{n}.zip"
        download.value.save_as(path)
        paths.append(str(path))
    out = io.StringIO()
    call_command("verify_export", *paths, stdout=out)
    assert "OK: " in out.getvalue()
    with zipfile.ZipFile(paths[0]) as z:
        case = json.loads(z.read("case.json"))
        assert z.read(case["items"][0]["original"]) == shot
    downloaded = CustodyEvent.objects.filter(case=alice_case, action="export_part_downloaded")
    assert downloaded.count() == len(paths) and all(e.actor_id == alice.pk for e in downloaded)
