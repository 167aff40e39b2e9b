"""Quick exit on the server, and the PIN that keeps case pages shut on a phone that stays signed in.

Alice shares a phone with her family; her cases must not open for whoever picks it up."""

import time

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import Client

from accounts.models import Privacy
from accounts.privacy import OPENED_AT

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse 42"


def set_pin(client, pin="2580", password=PASSWORD):
    return client.post(
        "/accounts/privacy/",
        {"action": "pin", "password": password, "pin": pin, "pin_again": pin},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_a_pin_needs_the_password_and_is_kept_only_as_a_hash(client, alice):
    client.force_login(alice)
    r = set_pin(client, password="not her password")
    assert r.status_code == 200 and "That is not your password." in r.content.decode()
    assert not Privacy.objects.filter(user=alice).exclude(pin_hash="").exists()
    assert set_pin(client).status_code == 302
    stored = Privacy.objects.get(user=alice).pin_hash
    assert "2580" not in stored and identify_hasher(stored)


def test_case_pages_ask_for_the_pin_after_a_quick_exit_and_open_with_it(client, alice, alice_case):
    client.force_login(alice)
    set_pin(client)
    assert client.get(f"/cases/{alice_case.id}/").status_code == 200  # the session that set it stays open
    assert client.post("/accounts/quick-exit/").status_code == 204
    for url in ("/", f"/cases/{alice_case.id}/", f"/cases/{alice_case.id}/numbers/"):
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/accounts/pin/?next="), url
    api = client.get("/api/v1/cases")
    assert api.status_code == 401 and api.json()["code"] == "pin_required"
    page = client.get("/accounts/pin/", {"next": f"/cases/{alice_case.id}/"})
    assert alice_case.title not in page.content.decode()
    r = client.post(f"/accounts/pin/?next=/cases/{alice_case.id}/", {"pin": "1111"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 200 and "PIN 码不正确。" in r.content.decode()
    r = client.post(f"/accounts/pin/?next=/cases/{alice_case.id}/", {"pin": "2580"})
    assert r.status_code == 302 and r["Location"] == f"/cases/{alice_case.id}/"
    assert alice_case.title in client.get(f"/cases/{alice_case.id}/").content.decode()


def test_an_idle_session_asks_again(client, alice, alice_case):
    client.force_login(alice)
    set_pin(client)
    session = client.session
    session[OPENED_AT] = int(time.time()) - 16 * 60  # PIN_IDLE_MINUTES is 15
    session.save()
    assert client.get(f"/cases/{alice_case.id}/")["Location"].startswith("/accounts/pin/")


def test_wrong_pins_sign_the_phone_out_and_the_password_opens_it_again(client, alice, alice_case, settings):
    settings.PIN_TRIES_PER_HOUR = 3
    client.force_login(alice)
    set_pin(client)
    client.post("/accounts/quick-exit/")
    for _ in range(2):
        assert client.post("/accounts/pin/", {"pin": "0000"}).status_code == 200
    r = client.post("/accounts/pin/", {"pin": "0000"})
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
    assert client.get(f"/cases/{alice_case.id}/")["Location"].startswith("/accounts/login/")  # signed out
    # Signing in with the password opens the cases, and the wrong PINs are forgotten.
    r = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert r.status_code == 302
    assert client.get(f"/cases/{alice_case.id}/").status_code == 200
    client.post("/accounts/quick-exit/")
    assert client.post("/accounts/pin/", {"pin": "2580"}).status_code == 302


def test_wrong_pins_count_for_the_account_and_then_even_the_right_pin_is_refused(client, alice, settings):
    """Someone with two signed-in phones (or two browsers) gets no more tries than with one."""
    settings.PIN_TRIES_PER_HOUR = 2
    other = Client()
    for phone in (client, other):
        phone.force_login(alice)
    set_pin(client)
    for phone in (client, other):
        phone.post("/accounts/quick-exit/")
    assert client.post("/accounts/pin/", {"pin": "0000"}).status_code == 200
    assert other.post("/accounts/pin/", {"pin": "0000"})["Location"].startswith("/accounts/login/")
    r = client.post("/accounts/pin/", {"pin": "2580"})
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


def test_forgot_pin_signs_out_towards_the_password(client, alice, alice_case):
    client.force_login(alice)
    set_pin(client)
    client.post("/accounts/quick-exit/")
    r = client.post(f"/accounts/pin/?next=/cases/{alice_case.id}/", {"action": "forgot"})
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/?next=")
    assert client.get("/")["Location"].startswith("/accounts/login/")


def test_removing_the_pin_needs_the_password(client, alice, alice_case):
    client.force_login(alice)
    set_pin(client)
    r = client.post("/accounts/privacy/", {"action": "pin-remove", "password": "wrong"})
    assert r.status_code == 200 and Privacy.objects.get(user=alice).pin_hash
    client.post("/accounts/privacy/", {"action": "pin-remove", "password": PASSWORD})
    assert Privacy.objects.get(user=alice).pin_hash == ""


def test_without_a_pin_the_quick_exit_signs_out(client, alice, alice_case):
    client.force_login(alice)
    assert client.get(f"/cases/{alice_case.id}/").status_code == 200
    assert client.post("/accounts/quick-exit/").status_code == 204
    r = client.get(f"/cases/{alice_case.id}/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


def test_anyone_may_press_quick_exit(client):
    assert client.post("/accounts/quick-exit/").status_code == 204


def test_without_a_pin_the_pin_page_just_goes_on(client, alice, alice_case):
    client.force_login(alice)
    r = client.post(f"/accounts/pin/?next=/cases/{alice_case.id}/", {"pin": "0000"})
    assert r.status_code == 302 and r["Location"] == f"/cases/{alice_case.id}/"


def test_every_page_has_the_quick_exit_leading_to_the_chosen_neutral_page(client, alice, alice_case, settings):
    settings.QUICK_EXIT_URLS = {"weather": "https://weather.example/", "news": "https://news.example/"}
    assert 'id="quick-exit" href="https://weather.example/"' in client.get("/accounts/login/").content.decode()
    client.force_login(alice)
    client.post("/accounts/privacy/", {"action": "settings", "exit_page": "news"})
    for url in ("/", f"/cases/{alice_case.id}/", "/accounts/privacy/", "/guide/"):
        assert 'id="quick-exit" href="https://news.example/"' in client.get(url).content.decode(), url
