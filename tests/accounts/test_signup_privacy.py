"""Sign-up and sign-in do not help a collector find out whether a phone number has an account."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "a long passphrase 42"


def sign_up(client, username, **extra):
    return client.post(
        "/accounts/signup/",
        {"username": username, "password1": PASSWORD, "password2": PASSWORD, **extra},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def errors(response) -> list[str]:
    return re.findall(r'<p class="error">(.*?)</p>', response.content.decode())


def test_a_taken_name_is_not_said_to_exist(alice):
    get_user_model().objects.create_user(username="13812345678", password=PASSWORD)
    taken = errors(sign_up(Client(), "13812345678"))
    assert taken == ["This user name cannot be used. Choose another."]
    assert errors(sign_up(Client(), "13812345678".upper() + " ")) != []  # no way round it through case


def test_the_form_offers_a_random_name_and_does_not_suggest_a_phone_number(client):
    page = client.get("/accounts/signup/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    names = re.findall(r'name="username" value="(hg-[0-9a-f]{8})"', page)
    again = re.findall(r'name="username" value="(hg-[0-9a-f]{8})"', client.get("/accounts/signup/").content.decode())
    assert names and again and names != again
    assert "or your phone number" not in page


def test_sign_up_is_limited_per_ip_address(settings):
    settings.SIGNUP_PER_HOUR = 3
    prober = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(3):
        assert sign_up(prober, f"1380000{n:04d}").status_code == 302
        prober.logout()
    assert sign_up(prober, "13800009999").status_code == 429
    assert not get_user_model().objects.filter(username="13800009999").exists()
    assert sign_up(Client(REMOTE_ADDR="198.51.100.2"), "13800009999").status_code == 302


def test_sign_in_answers_alike_for_an_unknown_name_and_a_wrong_password(client, alice):
    unknown = client.post("/accounts/login/", {"username": "nobody", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en")
    wrong = client.post("/accounts/login/", {"username": "alice", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en")
    assert unknown.status_code == wrong.status_code == 200
    assert errors(unknown) == errors(wrong) != []


def test_an_e_mail_may_be_given_for_password_resets(client):
    assert sign_up(client, "hg-12345678", email="li@example.cn").status_code == 302
    assert get_user_model().objects.get(username="hg-12345678").email == "li@example.cn"
