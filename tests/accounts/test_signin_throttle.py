"""Sign-in throttling by user name and IP address together, behind a proxy or not.

A collector who knows a victim's user name (often her phone number) must not be able to lock
her out, and behind the HTTPS proxy the README asks for, five wrong passwords from anyone
must not lock out every user.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import SignIn, Throttle

pytestmark = pytest.mark.django_db

PROXY = "172.18.0.1"  # every request reaches gunicorn from the proxy's address
RIGHT = "correct horse 42"


def sign_in(client, username, password, **meta):
    return client.post("/accounts/login/", {"username": username, "password": password}, **meta)


def token(client, username, password, **meta):
    return client.post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json", **meta
    )


def via_proxy(client_ip):
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"6.6.6.6, {client_ip}"}


def test_wrong_passwords_pause_that_name_from_that_address_on_pages_and_api(client, alice):
    for _ in range(5):
        assert sign_in(client, "alice", "wrong").status_code == 200
    refused = sign_in(client, "alice", RIGHT)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    api = token(client, "alice", RIGHT)
    assert api.status_code == 429 and api.json()["code"] == "locked_out"


def test_a_stranger_cannot_lock_out_a_known_user(alice):
    stranger = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(20):
        sign_in(stranger, "alice", "wrong")
    assert sign_in(stranger, "alice", RIGHT).status_code == 429
    assert sign_in(Client(REMOTE_ADDR="198.51.100.2"), "alice", RIGHT).status_code == 302


def test_the_wait_grows_with_each_further_wrong_password(client, alice):
    for _ in range(5):
        sign_in(client, "alice", "wrong")
    waits = []
    for _ in range(3):
        waits.append(int(sign_in(client, "alice", "wrong")["Retry-After"]))
        # Let the wait pass, then try a wrong password once more.
        Throttle.objects.update(last=timezone.now() - timedelta(hours=1), started=timezone.now())
        sign_in(client, "alice", "wrong")
    assert waits[0] <= 60 < waits[1] <= 120 < waits[2] <= 240


def test_a_throttled_try_does_not_count_as_another_failure(client, alice):
    for _ in range(5):
        sign_in(client, "alice", "wrong")
    for _ in range(10):
        sign_in(client, "alice", "wrong")
    assert int(sign_in(client, "alice", "wrong")["Retry-After"]) <= 60


def test_one_address_trying_many_names_is_paused(settings, alice, bob):
    settings.SIGNIN_IP_FAILURE_LIMIT = 8
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(8):
        sign_in(guesser, f"1380000{n:04d}", "wrong")
    assert sign_in(guesser, "bob", RIGHT).status_code == 429
    assert sign_in(Client(REMOTE_ADDR="198.51.100.2"), "bob", RIGHT).status_code == 302


def test_without_trusted_proxy_count_forwarded_for_is_ignored(settings, alice):
    settings.TRUSTED_PROXY_COUNT = 0
    attacker = Client()
    for n in range(6):  # forging a new X-Forwarded-For each time buys nothing
        sign_in(attacker, "alice", "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert sign_in(attacker, "alice", RIGHT, HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429


def test_behind_a_proxy_without_the_setting_five_wrong_passwords_do_not_lock_out_everyone(settings, alice, bob):
    settings.TRUSTED_PROXY_COUNT = 0
    c = Client(REMOTE_ADDR=PROXY)
    for n in range(5):
        sign_in(c, f"stranger{n}", "wrong")
    assert sign_in(Client(REMOTE_ADDR=PROXY), "bob", RIGHT).status_code == 302
    assert token(Client(REMOTE_ADDR=PROXY), "alice", RIGHT).status_code == 200


def test_behind_a_proxy_with_the_setting_each_client_is_counted_apart(settings, alice):
    settings.TRUSTED_PROXY_COUNT = 1
    attacker = Client(**via_proxy("203.0.113.7"))
    for _ in range(8):
        sign_in(attacker, "alice", "wrong")
    assert sign_in(attacker, "alice", RIGHT).status_code == 429
    victim = Client(**via_proxy("198.51.100.2"))
    assert sign_in(victim, "alice", RIGHT).status_code == 302
    # The sign-in list records the client's address, not the proxy's.
    assert SignIn.objects.get(user=alice).ip == "198.51.100.2"


def test_trusted_proxy_count_reads_the_address_the_proxy_appended(rf, settings):
    from harassguard.lib.client_ip import client_ip

    settings.TRUSTED_PROXY_COUNT = 1
    forged = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")
    assert client_ip(forged) == "203.0.113.7"
    assert client_ip(rf.get("/", REMOTE_ADDR=PROXY)) == PROXY  # did not pass the proxy
    assert client_ip(rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="not an address")) == PROXY
    settings.TRUSTED_PROXY_COUNT = 2
    assert (
        client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7, 10.0.0.1"))
        == "203.0.113.7"
    )
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(forged) == PROXY


def test_custody_records_the_clients_address_behind_the_proxy(settings, client, alice, alice_case):
    from evidence.models import CustodyEvent

    settings.TRUSTED_PROXY_COUNT = 1
    client.force_login(alice)
    client.get(f"/cases/{alice_case.id}/", **via_proxy("198.51.100.2"))
    assert CustodyEvent.objects.filter(case=alice_case, action="case_viewed").get().ip == "198.51.100.2"


def test_the_throttle_keeps_no_user_names_or_addresses_in_clear(client, alice):
    sign_in(client, "13812345678", "wrong")
    keys = " ".join(Throttle.objects.values_list("key", flat=True))
    assert Throttle.objects.count() == 2 and "13812345678" not in keys and "127.0.0.1" not in keys


def test_old_counters_are_forgotten(client, alice):
    from accounts.tasks import forget_old_throttles

    sign_in(client, "alice", "wrong")
    sign_in(Client(REMOTE_ADDR="198.51.100.2"), "alice", "wrong")
    Throttle.objects.filter(pk=Throttle.objects.order_by("pk").first().pk).update(
        last=timezone.now() - timedelta(hours=25)
    )
    forget_old_throttles.delay()
    assert Throttle.objects.count() == 3
