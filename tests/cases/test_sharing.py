"""Alice shares her case: Lola the lawyer reads and makes bundles, Vic the viewer only reads,
revoked access ends at the next request, and invitation links work once."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Invitation
from evidence.models import EvidenceItem
from tests.conftest import make_user, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def invite(client, alice, alice_case):
    def invite(role: str) -> str:
        client.force_login(alice)
        page = client.post(f"/cases/{alice_case.id}/sharing/", {"role": role, "note": "律师"}).content.decode()
        client.logout()
        return re.search(r"http://testserver(/invitations/[^<\s]+/)", page).group(1)

    return invite


def join(client, user, link):
    client.force_login(user)
    return client.post(link)


def test_a_lawyer_reads_and_makes_bundles_but_cannot_add_evidence(client, alice_case, invite):
    lola = make_user("lola")
    assert join(client, lola, invite("lawyer")).status_code == 302
    assert client.get(f"/cases/{alice_case.id}/").status_code == 200
    assert alice_case.title in client.get("/").content.decode()
    upload = client.post(
        f"/api/v1/cases/{alice_case.id}/evidence",
        {"file": SimpleUploadedFile("a.png", png_bytes()), "kind": "screenshot"},
    )
    assert upload.status_code == 403 and upload.json()["code"] == "forbidden"
    assert not EvidenceItem.objects.exists()
    bundle = client.post(f"/api/v1/cases/{alice_case.id}/bundles", {}, content_type="application/json")
    assert bundle.status_code == 400 and bundle.json()["code"] == "no_items"  # allowed; nothing ready yet
    assert client.get(f"/cases/{alice_case.id}/sharing/").status_code == 403


def test_a_viewer_only_reads(client, alice_case, invite):
    vic = make_user("vic")
    join(client, vic, invite("viewer"))
    assert client.get(f"/api/v1/cases/{alice_case.id}").status_code == 200
    assert client.post(f"/api/v1/cases/{alice_case.id}/bundles", {}, content_type="application/json").status_code == 403
    assert (
        client.post(
            f"/cases/{alice_case.id}/statement/", {"author_name": "x", "relation": "y", "text": "z"}
        ).status_code
        == 403
    )


def test_revoked_access_ends_on_the_next_request(client, alice, alice_case, invite):
    lola = make_user("lola")
    join(client, lola, invite("lawyer"))
    assert client.get(f"/cases/{alice_case.id}/").status_code == 200
    client.force_login(alice)
    client.post(f"/cases/{alice_case.id}/sharing/revoke/", {"username": "lola"})
    client.force_login(lola)
    assert client.get(f"/cases/{alice_case.id}/").status_code == 404
    assert client.get(f"/api/v1/cases/{alice_case.id}").status_code == 404


def test_an_invitation_link_works_once(client, alice_case, invite, bob):
    link = invite("lawyer")
    join(client, make_user("lola"), link)
    assert join(client, bob, link).status_code == 404
    assert client.get(f"/cases/{alice_case.id}/").status_code == 404
    assert Invitation.objects.get().accepted_by.username == "lola"


def test_a_cancelled_invitation_does_not_work(client, alice, alice_case, invite, bob):
    link = invite("viewer")
    client.force_login(alice)
    client.post(f"/cases/{alice_case.id}/sharing/revoke/", {"invitation": str(Invitation.objects.get().pk)})
    assert join(client, bob, link).status_code == 404


def test_an_invitation_can_be_sent_by_e_mail(client, alice, alice_case, mailoutbox):
    client.force_login(alice)
    client.post(f"/cases/{alice_case.id}/sharing/", {"role": "lawyer", "email": "lawyer@example.org"})
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["lawyer@example.org"]
    link = re.search(r"http://testserver(/invitations/\S+/)", mailoutbox[0].body).group(1)
    assert alice_case.title not in mailoutbox[0].body
    assert join(client, make_user("lola"), link).status_code == 302
    assert client.get(f"/cases/{alice_case.id}/").status_code == 200
