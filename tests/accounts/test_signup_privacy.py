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
    get_user_model().objects.create_user(username="LiHua2020", password=PASSWORD)
    taken = errors(sign_up(Client(), "LiHua2020"))
    assert taken == ["This user name cannot be used. Choose another."]
    assert errors(sign_up(Client(), "lihua2020")) == taken  # no way round it through case


@pytest.mark.parametrize("number", ["13812345678", "+8613812345678", "010-62345678", "123456789"])
def test_a_number_is_refused_alike_whether_or_not_it_has_an_account(number):
    """Accounts made before this rule may be named by a phone number; sign-up must not tell
    a collector which of them exist."""
    get_user_model().objects.create_user(username="13812345678", password=PASSWORD)
    answer = errors(sign_up(Client(), number))
    assert answer == ["A number cannot be the user name: collectors know your numbers. Keep the name offered."]
    assert not get_user_model().objects.filter(username=number).exclude(username="13812345678").exists()


def test_a_name_with_a_few_digits_is_still_a_name():
    assert sign_up(Client(), "lihua1990").status_code == 302


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
        assert sign_up(prober, f"prober{n}").status_code == 302
        prober.logout()
    assert sign_up(prober, "prober9").status_code == 429
    assert not get_user_model().objects.filter(username="prober9").exists()
    assert sign_up(Client(REMOTE_ADDR="198.51.100.2"), "prober9").status_code == 302


def test_sign_in_answers_alike_for_an_unknown_name_and_a_wrong_password(client, alice):
    unknown = client.post("/accounts/login/", {"username": "nobody", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en")
    wrong = client.post("/accounts/login/", {"username": "alice", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="en")
    assert unknown.status_code == wrong.status_code == 200
    assert errors(unknown) == errors(wrong) != []


def test_an_e_mail_may_be_given_for_password_resets(client):
    assert sign_up(client, "hg-12345678", email="li@example.cn").status_code == 302
    assert get_user_model().objects.get(username="hg-12345678").email == "li@example.cn"
