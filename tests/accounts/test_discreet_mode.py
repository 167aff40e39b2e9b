"""Discreet mode: nothing in the browser tab or in an e-mail tells a family member looking over
the phone what the site is for or what the case is about."""

import ast
import re

import pytest
from django.core import mail

from accounts.models import Privacy
from tests.conftest import REPO_ROOT, make_user

pytestmark = pytest.mark.django_db
TITLE = re.compile(r"<title>(.*?)</title>", re.S)
NEUTRAL = {"备忘录", "Notes"}


def discreet(user, on=True):
    Privacy.objects.update_or_create(user=user, defaults={"discreet": on})


def tab(client, url, **headers) -> str:
    return TITLE.search(client.get(url, **headers).content.decode()).group(1).strip()


def test_the_tab_says_notes_and_never_the_case(client, alice, alice_case, alice_objects):
    client.force_login(alice)
    case_page = f"/cases/{alice_case.id}/"
    assert alice_case.title in tab(client, case_page)  # the usual title, before
    discreet(alice)
    pages = [
        "/",
        case_page,
        f"/cases/{alice_case.id}/timeline/",
        f"/items/{alice_objects['item_id']}/",
        f"/complaints/{alice_objects['complaint_id']}/",
        "/accounts/privacy/",
    ]
    for url in pages:
        assert tab(client, url, HTTP_ACCEPT_LANGUAGE="zh-hans") == "备忘录", url
        assert tab(client, url, HTTP_ACCEPT_LANGUAGE="en") == "Notes", url
    html = client.get(case_page).content.decode()
    assert 'rel="icon" href="/static/img/notes.svg"' in html


def test_the_setting_is_on_the_account_page(client, alice):
    client.force_login(alice)
    assert 'href="/accounts/privacy/"' in client.get("/accounts/sessions/").content.decode()
    r = client.post("/accounts/privacy/", {"action": "settings", "exit_page": "weather", "discreet": "on"})
    assert r.status_code == 302 and Privacy.objects.get(user=alice).discreet
    assert tab(client, "/", HTTP_ACCEPT_LANGUAGE="en") == "Notes"


def invite(client, case, email="lawyer@example.com"):
    return client.post(f"/cases/{case.id}/sharing/", {"role": "lawyer", "note": "", "email": email})


def test_an_invitation_in_discreet_mode_says_only_that_there_is_a_message(client, alice, alice_case):
    client.force_login(alice)
    invite(client, alice_case)
    assert "alice" in mail.outbox[0].body  # the usual e-mail names the inviter
    discreet(alice)
    invite(client, alice_case)
    sent = mail.outbox[1]
    link = re.search(r"https?://\S+", str(sent.body)).group(0)
    assert "/invitations/" in link
    assert_neutral(sent, alice_case, "alice")


def test_a_password_reset_in_discreet_mode_is_neutral_too(client, alice, alice_case):
    alice.email = "alice@example.com"
    alice.save()
    discreet(alice)
    client.post("/accounts/password-reset/", {"email": "alice@example.com"})
    sent = mail.outbox[0]
    link = re.search(r"https?://\S+", str(sent.body)).group(0)
    assert "/accounts/reset/" in link
    assert_neutral(sent, alice_case, "alice")
    assert client.get(link, follow=True).status_code == 200  # the link still works


def test_a_password_reset_without_discreet_mode_explains_itself(client, alice):
    alice.email = "alice@example.com"
    alice.save()
    client.post("/accounts/password-reset/", {"email": "alice@example.com"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "choose a new password" in mail.outbox[0].body


def assert_neutral(sent, case, username):
    text = (sent.subject + "\n" + sent.body).lower()
    for word in (
        case.title,
        case.platform,
        username,
        "harassguard",
        "case",
        "案件",
        "催收",
        "证据",
        "password",
        "密码",
    ):
        assert word.lower() not in text, word
    assert sent.subject in ("您有一条消息", "You have a message")


# Modules that may send e-mail: only accounts/mail.py, where discreet mode is applied.
MAIL_NAMES = {"send_mail", "send_mass_mail", "mail_admins", "mail_managers", "EmailMessage", "EmailMultiAlternatives"}


def test_every_email_goes_through_the_one_place_that_knows_discreet_mode():
    offenders = []
    for path in REPO_ROOT.glob("*/**/*.py"):
        rel = path.relative_to(REPO_ROOT).as_posix()
        if rel.startswith((".venv/", "tests/", "bench/")) or "/migrations/" in rel or rel == "accounts/mail.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("django.core.mail"):
                offenders.append(rel)
            elif isinstance(node, ast.Attribute) and node.attr in MAIL_NAMES:
                offenders.append(rel)
    assert offenders == [], "send e-mail through accounts.mail.mail_send, which applies discreet mode"


def test_a_relative_without_discreet_mode_sees_the_usual_title(client, alice_case):
    lola = make_user("lola")
    client.force_login(lola)
    assert tab(client, "/", HTTP_ACCEPT_LANGUAGE="en") not in NEUTRAL
