"""A harassed relative's statement through the owner's link, on a phone and without an
account; and a lawyer reviewing a shared case at a desk."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Case
from cases.sharing import invitation_create
from evidence.custody import Actor
from evidence.models import EvidenceItem
from tests.browser.conftest import DESKTOP, PHONE, sign_in
from tests.conftest import make_user, png_bytes
from tests.integration.conftest import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.browser]


def test_a_relative_sends_a_statement_with_a_screenshot_through_the_link(site, screens, alice, alice_case, tmp_path):
    owner = screens(site.url, PHONE, name="owner")
    sign_in(owner, "alice")
    owner.page.goto(f"/cases/{alice_case.id}/statement-links/")
    owner.page.fill("#id_name", "王芳")
    owner.page.fill("#id_relation", "母亲")
    owner.page.click("button.primary")
    link = owner.page.inner_text(".msg.success code")
    owner.check_accessible("link-made")

    relative = screens(site.url, PHONE, slow=True, name="relative")
    relative.page.goto(link)
    assert alice_case.title not in relative.page.content()  # the link shows nothing of the case
    relative.check_accessible("statement-form")
    relative.page.fill("#id_text", "11月20日晚上11点，13800138000打给我，说我女儿不还钱就去她单位闹。")
    relative.page.fill("#id_counterparty_number", "13800138000")
    relative.page.check("#id_willing")
    relative.page.fill("#id_contact", "13700001234")
    shot = tmp_path / "mum.png"
    shot.write_bytes(png_bytes((20, 120, 200)))
    relative.page.set_input_files("#id_files", str(shot))
    relative.page.click("button.primary")
    relative.page.wait_for_selector("h1:has-text('谢谢')")
    relative.check_accessible("statement-sent")
    relative.page.goto(link)
    assert "失效" in relative.page.inner_text("h1")

    items = wait_until(lambda: list(EvidenceItem.objects.filter(case=alice_case, status="ready")) or None)
    kinds = sorted(i.kind for i in EvidenceItem.objects.filter(case=alice_case))
    assert kinds == ["screenshot", "statement"] and len(items) >= 1
    statement = EvidenceItem.objects.get(case=alice_case, kind="statement")
    assert statement.author_name == "王芳" and statement.metadata["willing_to_testify"] is True


def test_a_lawyer_reviews_a_shared_case_at_a_desk(site, screens, alice, alice_case, client, alice_api):
    r = client.post(
        f"/api/v1/cases/{alice_case.id}/evidence",
        {"file": SimpleUploadedFile("shot.png", png_bytes()), "kind": "screenshot"},
        **alice_api,
    )
    assert r.status_code == 201
    _invite, raw = invitation_create(case=alice_case, actor=Actor(user=alice), role="lawyer")
    make_user("lawyer_zhang")

    desk = screens(site.url, DESKTOP)
    sign_in(desk, "lawyer_zhang")
    desk.page.goto(f"/invitations/{raw}/")
    desk.check_accessible("invitation")
    desk.page.click("button.primary")
    desk.page.wait_for_selector(f"h1:has-text('{alice_case.title}')")
    # A lawyer reads and builds, but does not upload or withdraw.
    assert desk.page.locator("a[href$='/upload/']").count() == 0
    desk.check_accessible("shared-case")
    desk.page.goto("/")
    assert alice_case.title in desk.page.inner_text(".cards")
    assert "分享给您 (律师)" in desk.page.inner_text(".cards")
    desk.check_accessible("lawyer-case-list")
    desk.page.click(f"text={alice_case.title}")
    wait_until(lambda: EvidenceItem.objects.filter(case=alice_case, status="ready").exists())
    desk.page.click("form[action$='/bundles/new/'] button")
    desk.page.locator("a[href$='/pdf/']").wait_for(timeout=120_000)
    desk.check_accessible("lawyer-bundle")
    bundle = Case.objects.get(pk=alice_case.pk).bundles.get()
    assert bundle.created_by.username == "lawyer_zhang"

    # The lawyer drafts the police report from the case, citing the bundle's exhibit numbers.
    desk.page.goto(f"/cases/{alice_case.id}/complaints/")
    desk.check_accessible("complaints")
    desk.page.select_option("#id_channel", "police")
    desk.page.select_option("#id_bundle", str(bundle.id))
    desk.page.click("form.stack button.primary")
    desk.page.wait_for_selector(".badge.full")
    letter = desk.page.input_value("textarea[name=text]")
    # Exhibits are cited by their 证据目录 label: group, then place in the group (证据2-1).
    assert "报案材料" in letter and re.search(r"证据\d+-\d+", letter) and "【请填写" in letter
    desk.check_accessible("police-report")
