"""Two-factor sign-in with a TOTP app, and the setting that requires it for lawyers."""

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.models import Membership
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in(username: str) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"username": username, "password": "correct horse 42"}).status_code == 302
    return client


def test_turning_it_on_then_signing_in_asks_for_the_code(alice, alice_case):
    client = sign_in("alice")
    assert b"data:image/png;base64," in client.get("/accounts/2fa/").content
    device = TOTPDevice.objects.get(user=alice)
    client.post("/accounts/2fa/", {"code": "000000" if code(device) != "000000" else "111111"})
    assert not TOTPDevice.objects.get(user=alice).confirmed
    # django-otp pauses a device after a wrong code; a person would wait a few seconds.
    TOTPDevice.objects.filter(user=alice).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    client.post("/accounts/2fa/", {"code": code(device)})
    assert TOTPDevice.objects.get(user=alice).confirmed

    later = sign_in("alice")
    r = later.get(f"/cases/{alice_case.id}/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/2fa/verify/")
    assert later.get("/api/v1/cases").json()["code"] == "otp_required"
    # A TOTP code is accepted once; a person would type the next one, 30 seconds later.
    TOTPDevice.objects.filter(user=alice).update(last_t=-1)
    device.refresh_from_db()
    later.post(f"/accounts/2fa/verify/?next=/cases/{alice_case.id}/", {"code": code(device)})
    assert later.get(f"/cases/{alice_case.id}/").status_code == 200


def test_the_api_token_needs_the_code_too(client, alice):
    device = TOTPDevice.objects.create(user=alice, confirmed=True)
    body = {"username": "alice", "password": "correct horse 42"}
    r = client.post("/api/v1/auth/token", body, content_type="application/json")
    assert r.status_code == 401 and r.json()["code"] == "otp_required"
    r = client.post("/api/v1/auth/token", {**body, "otp": code(device)}, content_type="application/json")
    assert r.status_code == 200 and r.json()["token"]


def test_lawyers_must_use_it_when_the_setting_says_so(settings, alice_case):
    settings.REQUIRE_2FA_FOR_LAWYERS = True
    lola = make_user("lola")
    Membership.objects.create(case=alice_case, user=lola, role="lawyer")
    client = sign_in("lola")
    assert client.get(f"/cases/{alice_case.id}/").status_code == 403
    device = TOTPDevice.objects.create(user=lola, confirmed=True)
    client = sign_in("lola")
    client.post("/accounts/2fa/verify/", {"code": code(device)})
    assert client.get(f"/cases/{alice_case.id}/").status_code == 200
    assert sign_in("alice").get(f"/cases/{alice_case.id}/").status_code == 200  # the owner is not a lawyer


def test_the_case_list_hides_shared_cases_from_a_lawyer_without_the_second_factor(settings, alice_case):
    settings.REQUIRE_2FA_FOR_LAWYERS = True
    lola = make_user("lola")
    Membership.objects.create(case=alice_case, user=lola, role="lawyer")
    client = sign_in("lola")
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert alice_case.title not in page and "shown only after you sign in with your second factor: 1." in page
    assert client.get("/api/v1/cases").json() == []
    from tests.conftest import bearer

    assert client.get("/api/v1/cases", **bearer(lola)).json() == []
    settings.REQUIRE_2FA_FOR_LAWYERS = False
    assert [c["id"] for c in client.get("/api/v1/cases").json()] == [str(alice_case.id)]


def test_a_lawyers_api_token_issued_with_the_code_opens_shared_cases(settings, client, alice_case):
    settings.REQUIRE_2FA_FOR_LAWYERS = True
    lola = make_user("lola")
    Membership.objects.create(case=alice_case, user=lola, role="lawyer")
    device = TOTPDevice.objects.create(user=lola, confirmed=True)
    r = client.post(
        "/api/v1/auth/token",
        {"username": "lola", "password": "correct horse 42", "otp": code(device)},
        content_type="application/json",
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {r.json()['token']}"}
    assert [c["id"] for c in client.get("/api/v1/cases", **auth).json()] == [str(alice_case.id)]
    assert client.get(f"/api/v1/cases/{alice_case.id}", **auth).status_code == 200
