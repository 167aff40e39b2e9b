"""A victim on a bad connection: a file picked while the phone is offline waits in the queue on the
phone (IndexedDB), survives a reload, and is sent and confirmed when the connection returns. The
site is an installable app whose service worker caches static files only, never a case page."""

import hashlib
import os
from datetime import datetime

import pytest
from PIL import Image

from evidence.models import ChunkedUpload, EvidenceItem
from tests.browser.conftest import PHONE, sign_in

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.browser]

MODIFIED = datetime.fromisoformat("2025-05-12T21:03:00+08:00")


def test_a_file_picked_offline_is_sent_and_confirmed_when_the_connection_returns(
    site, screens, alice, alice_case, tmp_path
):
    # A screenshot-sized picture of noise (does not compress): about 1.5 MB, two pieces.
    photo = tmp_path / "Screenshot_20250512_210300.png"
    Image.frombytes("RGB", (720, 720), os.urandom(720 * 720 * 3)).save(photo)
    os.utime(photo, (MODIFIED.timestamp(), MODIFIED.timestamp()))
    digest = hashlib.sha256(photo.read_bytes()).hexdigest()

    screen = screens(site.url, PHONE)
    page, context = screen.page, screen.context
    sign_in(screen, "alice")
    page.goto(f"/cases/{alice_case.id}/")
    page.goto(f"/cases/{alice_case.id}/upload/")
    page.wait_for_selector("#upload-form[data-ready=pieces]")
    page.wait_for_function("() => navigator.serviceWorker.ready.then(r => !!r.active)")
    # The manifest makes it installable from the home screen.
    manifest = page.evaluate("() => fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())")
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/" and manifest["icons"]

    context.set_offline(True)
    page.set_input_files("#id_file", str(photo))
    page.click("#upload-form button[type=submit]")
    row = page.locator("#upload-list li").first
    page.wait_for_selector("#upload-list li[data-state=waiting]")
    assert (
        "恢复" in row.inner_text() or "连接" in row.inner_text()
    )  # kept on the phone, sent when the connection returns
    screen.check_accessible("waiting-offline")
    assert page.evaluate("() => HGQueue.all().then(q => q.map(e => [e.state, e.blob.size, e.sha256]))") == [
        ["waiting", photo.stat().st_size, digest]
    ]
    assert not ChunkedUpload.objects.exists() and not EvidenceItem.objects.exists()

    # Back online; the person comes back to the page (a reload, as after the browser was closed).
    context.set_offline(False)
    page.reload()
    page.wait_for_selector("#upload-list li[data-state=confirmed]", timeout=120_000)
    screen.check_accessible("confirmed")
    text = page.inner_text("#upload-list li")
    assert digest in text and "服务器计算出相同的指纹" in text
    item = EvidenceItem.objects.get(case=alice_case)
    assert item.sha256 == digest
    # The phone's own facts, device-reported: the file's time and the phone's time zone (the test's browser is in Shanghai).
    assert datetime.fromisoformat(item.device_facts["file_last_modified"]) == MODIFIED
    assert item.device_facts["time_zone"] == "Asia/Shanghai" and item.device_facts["utc_offset_minutes"] == 480
    # Confirmed: the phone no longer keeps the bytes, only the line saying they arrived.
    assert page.evaluate("() => HGQueue.all().then(q => q.map(e => [e.state, e.blob]))") == [["confirmed", None]]

    # The service worker's cache holds the site's static files and offline page, never a case page.
    cached = page.evaluate(
        "() => caches.keys().then(ks => Promise.all(ks.map(k => caches.open(k).then(c => c.keys()))))"
        ".then(lists => lists.flat().map(r => new URL(r.url).pathname))"
    )
    assert cached and all(p.startswith(("/static/", "/offline/", "/manifest.webmanifest")) for p in cached), cached
    page.goto(f"/items/{item.id}/")
    assert "Asia/Shanghai" in page.inner_text("#device-reported")
    screen.check_accessible("item-device-reported")

    # Offline, a page of the site shows the offline page, with nothing of the case.
    context.set_offline(True)
    page.goto(f"/cases/{alice_case.id}/", wait_until="commit")
    page.wait_for_selector("h1")
    assert alice_case.title not in page.content()
    screen.check_accessible("offline-page")
    context.set_offline(False)
