import pytest

pytestmark = pytest.mark.django_db


def test_passwords_are_stored_with_argon2(client, settings):
    from django.contrib.auth import get_user_model

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    r = client.post(
        "/accounts/signup/",
        {"username": "xiaoli2026", "password1": "a long passphrase 42", "password2": "a long passphrase 42"},
    )
    assert r.status_code == 302
    assert get_user_model().objects.get(username="xiaoli2026").password.startswith("argon2")


def test_pages_forbid_inline_script_and_framing(client):
    r = client.get("/accounts/login/")
    policy = r["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert r["X-Frame-Options"] == "DENY" and r["X-Content-Type-Options"] == "nosniff"


def test_the_api_never_echoes_tokens(client, alice_api):
    r = client.get("/api/v1/cases", **alice_api)
    assert alice_api["HTTP_AUTHORIZATION"].split()[1] not in r.content.decode()


def test_tokens_are_listed_by_prefix_and_can_be_revoked(client, alice, alice_api, bob):
    from accounts.models import ApiToken

    raw = alice_api["HTTP_AUTHORIZATION"].split()[1]
    client.force_login(alice)
    page = client.get("/accounts/tokens/").content.decode()
    assert raw[:8] in page and raw not in page
    client.force_login(bob)
    client.post("/accounts/tokens/", {"prefix": raw[:8]})  # Bob cannot revoke Alice's token
    assert ApiToken.objects.filter(user=alice).exists()
    client.force_login(alice)
    client.post("/accounts/tokens/", {"prefix": raw[:8]})
    client.logout()
    assert client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_users_see_their_sessions_and_can_sign_out_the_others(alice):
    from django.test import Client

    phone, laptop = Client(HTTP_USER_AGENT="Phone/1.0"), Client(HTTP_USER_AGENT="Laptop/2.0")
    for c in (phone, laptop):
        assert c.post("/accounts/login/", {"username": "alice", "password": "correct horse 42"}).status_code == 302
    page = laptop.get("/accounts/sessions/").content.decode()
    assert "Phone/1.0" in page and "Laptop/2.0" in page
    laptop.post("/accounts/sessions/")
    assert phone.get("/").status_code == 302  # signed out
    assert laptop.get("/").status_code == 200
