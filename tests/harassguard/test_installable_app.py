"""The installable web app's files: a service worker whose scope is the whole site and that keeps
nothing but static files and the offline page; a manifest; an offline page with nothing of a case."""

import json

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

pytestmark = pytest.mark.django_db


def test_the_service_worker_covers_the_site_and_precaches_only_static_files_and_the_offline_page(client, alice):
    client.force_login(alice)
    r = client.get("/sw.js")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/javascript")
    assert r["Service-Worker-Allowed"] == "/" and r["Cache-Control"] == "no-cache"
    body = r.content.decode()
    precache = json.loads(body.split("var PRECACHE = ", 1)[1].split(";", 1)[0])
    assert "/offline/" in precache and "/static/js/queue-core.js" in precache
    assert all(url.startswith("/static/") or url in ("/offline/", "/manifest.webmanifest") for url in precache)
    # Pages are never put in its cache; only answers that are neither no-store nor private are kept.
    assert "no-store|private" in body and 'request.mode === "navigate"' in body


def test_the_manifest_makes_the_site_installable(client):
    manifest = client.get("/manifest.webmanifest").json()
    assert manifest["display"] == "standalone" and manifest["scope"] == "/"
    assert {i["sizes"] for i in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        with open(str(finders.find(icon["src"].removeprefix("/static/"))), "rb") as fh:
            assert Image.open(fh).size == tuple(int(n) for n in icon["sizes"].split("x"))


def test_the_offline_page_shows_nothing_of_the_signed_in_person(client, alice, alice_case):
    client.force_login(alice)
    r = client.get("/offline/")
    page = r.content.decode()
    assert r.status_code == 200 and r["Cache-Control"] == "no-cache"
    assert alice_case.title not in page and "alice" not in page and "csrfmiddlewaretoken" not in page


def test_every_page_links_the_manifest_and_registers_the_worker(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in page and 'data-worker="/sw.js"' in page
