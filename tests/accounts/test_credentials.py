"""Changing a credential locks everyone else out: password change and reset, two-factor set-up,
recovery codes, API token expiry."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken, RecoveryCode
from tests.accounts.test_second_factor import code
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

OLD, NEW = "correct horse 42", "a brand new passphrase 77"


def signed_in(username="alice", password=OLD, **meta) -> Client:
    client = Client(**meta)
    assert client.post("/accounts/login/", {"username": username, "password": password}).status_code == 302
    return client


def api_works(auth) -> bool:
    return Client().get("/api/v1/cases", **auth).status_code == 200


def test_changing_the_password_signs_out_the_others_and_revokes_tokens(alice):
    phone, laptop, auth = signed_in(HTTP_USER_AGENT="Phone"), signed_in(HTTP_USER_AGENT="Laptop"), bearer(alice)
    r = laptop.post("/accounts/password/", {"old_password": OLD, "new_password1": NEW, "new_password2": NEW})
    assert r.status_code == 302
    assert laptop.get("/").status_code == 200  # this device stays signed in
    assert phone.get("/").status_code == 302 and not api_works(auth)
    signed_in(password=NEW)


def test_a_wrong_old_password_changes_nothing_and_tries_are_limited(alice):
    laptop, auth = signed_in(), bearer(alice)
    for _ in range(10):
        r = laptop.post("/accounts/password/", {"old_password": "guess", "new_password1": NEW, "new_password2": NEW})
        assert r.status_code == 200
    assert api_works(auth)
    r = laptop.post("/accounts/password/", {"old_password": OLD, "new_password1": NEW, "new_password2": NEW})
    assert r.status_code == 429
    signed_in(password=OLD)


def reset_link(body) -> str:
    return re.search(r"http://testserver(/accounts/reset/\S+/)", body).group(1)


def test_a_password_is_reset_by_e_mail_and_the_reset_ends_every_session(alice):
    alice.email = "alice@example.cn"
    alice.save()
    phone, auth, visitor = signed_in(), bearer(alice), Client()
    assert visitor.post("/accounts/password-reset/", {"email": "nobody@example.cn"}).status_code == 302
    assert mail.outbox == []  # the same answer for an address no account has
    r = visitor.post("/accounts/password-reset/", {"email": "alice@example.cn"})
    assert r.status_code == 302 and r["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alice@example.cn"]
    form = visitor.get(reset_link(mail.outbox[0].body))
    assert form.status_code == 302  # Django moves the token out of the address into the session
    done = visitor.post(form["Location"], {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done["Location"] == "/accounts/reset/done/"
    assert phone.get("/").status_code == 302 and not api_works(auth)
    signed_in(password=NEW)
    assert visitor.get(reset_link(mail.outbox[0].body)).status_code == 200  # a used link shows only the error


def test_reset_requests_are_limited_per_address_and_per_mailbox(settings, alice):
    settings.PASSWORD_RESET_PER_HOUR = 2
    alice.email = "alice@example.cn"
    alice.save()
    for n in range(3):
        Client(REMOTE_ADDR=f"203.0.113.{n}").post("/accounts/password-reset/", {"email": "alice@example.cn"})
    assert len(mail.outbox) == 2  # the mailbox is not flooded from many addresses
    prober = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(2):
        assert prober.post("/accounts/password-reset/", {"email": "x@example.cn"}).status_code == 302
    assert prober.post("/accounts/password-reset/", {"email": "y@example.cn"}).status_code == 429


def test_each_visit_to_the_set_up_page_shows_a_new_secret(alice):
    client = signed_in()
    client.get("/accounts/2fa/")
    seen_on_a_shared_phone = TOTPDevice.objects.get(user=alice)
    client.get("/accounts/2fa/")
    current = TOTPDevice.objects.get(user=alice)
    assert current.key != seen_on_a_shared_phone.key
    client.post("/accounts/2fa/", {"code": code(seen_on_a_shared_phone)})
    assert not TOTPDevice.objects.get(user=alice).confirmed
    TOTPDevice.objects.filter(user=alice).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    client.post("/accounts/2fa/", {"code": code(current)})
    assert TOTPDevice.objects.get(user=alice).confirmed


def turn_on(alice, client) -> tuple[TOTPDevice, list[str]]:
    client.get("/accounts/2fa/")
    device = TOTPDevice.objects.get(user=alice)
    page = client.post("/accounts/2fa/", {"code": code(device)}).content.decode()
    return device, re.findall(r"<code>([2-9a-z]{5}-[2-9a-z]{5})</code>", page)


def test_turning_on_two_factor_revokes_tokens_and_other_sessions_and_shows_recovery_codes_once(alice):
    phone, laptop, auth = signed_in(), signed_in(), bearer(alice)
    _device, codes = turn_on(alice, laptop)
    assert len(set(codes)) == 10
    assert phone.get("/").status_code == 302 and not api_works(auth)
    stored = " ".join(RecoveryCode.objects.filter(user=alice).values_list("code_hash", flat=True))
    assert all(c not in stored and c.replace("-", "") not in stored for c in codes)
    assert not any(c in laptop.get("/accounts/2fa/").content.decode() for c in codes)


def test_a_recovery_code_signs_in_once(alice, alice_case):
    _device, codes = turn_on(alice, signed_in())
    lost_phone = signed_in()
    lost_phone.post("/accounts/2fa/verify/", {"code": codes[3].upper()})
    assert lost_phone.get(f"/cases/{alice_case.id}/").status_code == 200
    again = signed_in()
    again.post("/accounts/2fa/verify/", {"code": codes[3]})
    assert again.get(f"/cases/{alice_case.id}/").status_code == 302
    assert RecoveryCode.objects.filter(user=alice, used_at=None).count() == 9


def test_wrong_recovery_codes_are_limited_per_account(alice):
    turn_on(alice, signed_in())
    guesser = signed_in()
    for _ in range(10):
        assert guesser.post("/accounts/2fa/verify/", {"code": "aaaaa-aaaaa"}).status_code == 200
    assert guesser.post("/accounts/2fa/verify/", {"code": "aaaaa-aaaaa"}).status_code == 429


def test_api_tokens_expire(settings, alice):
    settings.API_TOKEN_DAYS = 30
    auth = bearer(alice)
    token = ApiToken.objects.get(user=alice)
    assert token.expires - timezone.now() > timedelta(days=29) and api_works(auth)
    ApiToken.objects.filter(pk=token.pk).update(expires=timezone.now() - timedelta(seconds=1))
    assert not api_works(auth)


def test_signing_out_the_others_revokes_api_tokens(alice):
    laptop, auth = signed_in(), bearer(alice)
    laptop.post("/accounts/sessions/")
    assert not api_works(auth)
