"""On a phone, the lawyer makes a redacted copy of a chat screenshot for the platform letter: the
site suggests the mother's number, name, the ID number and the face; she drags one more box over
the collector's alias with her finger, makes the copy, and the platform letter attaches it, and
only it. The attached file, read back with the project's OCR, holds none of what was hidden."""

import pytest

from cases.models import CaseNumber, Membership, Party
from complaints.models import Complaint
from evidence.models import EvidenceItem, RedactedCopy
from evidence.processing.ocr import ocr_lines
from tests.browser.conftest import PHONE, sign_in
from tests.conftest import make_user
from tests.integration.conftest import wait_until
from tests.redaction_images import ID_NUMBER, RELATIVE_NAME, RELATIVE_NUMBER, chat_screenshot

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.browser]


@pytest.fixture
def screenshot_case(alice, alice_case, send, tmp_path):
    CaseNumber.objects.create(case=alice_case, number=RELATIVE_NUMBER, role="third_party", confirmed=True)
    Party.objects.create(case=alice_case, kind="person", name=RELATIVE_NAME, relation="母亲")
    lawyer = make_user("lena")
    Membership.objects.create(case=alice_case, user=lawyer, role="lawyer")
    item = send("Screenshot_chat.jpg", chat_screenshot(tmp_path / "chat.jpg").read_bytes(), "screenshot")
    wait_until(lambda: EvidenceItem.objects.get(pk=item.pk).status == EvidenceItem.Status.READY, timeout=180)
    letter = Complaint.objects.create(
        case=alice_case, channel="platform", created_by=alice, draft_text="致平台的投诉信"
    )
    return item, letter


def test_the_lawyer_makes_a_redacted_copy_for_the_platform_letter(site, screens, screenshot_case, tmp_path):
    item, letter = screenshot_case
    screen = screens(site.url, PHONE)
    page = screen.page
    sign_in(screen, "lena")
    page.goto(f"/items/{item.id}/")
    page.select_option("#id_reader", "platform")
    page.locator("#redaction-start").tap()
    page.wait_for_selector("#redaction-form")
    assert "借贷平台" in page.inner_text("#redaction-reader") or "平台" in page.inner_text("#redaction-reader")
    listed = page.inner_text("fieldset")
    assert "第三方电话号码" in listed and "身份证号" in listed and "人脸" in listed
    assert RELATIVE_NUMBER not in page.content()  # suggestions are shown masked
    assert page.locator(".redact-marks rect.on").count() >= 4  # drawn over the picture where they are
    screen.check_accessible("redaction-suggested")

    # Drag a box with a finger over the chat's title (the collector's alias, about y 130–190 of 2400).
    area = page.locator("#redact-image")
    area.scroll_into_view_if_needed()
    box = area.bounding_box()
    sx, sy = box["width"] / 1080, box["height"] / 2400
    page.mouse.move(box["x"] + 400 * sx, box["y"] + 120 * sy)
    page.mouse.down()
    page.mouse.move(box["x"] + 560 * sx, box["y"] + 160 * sy, steps=4)
    page.mouse.move(box["x"] + 700 * sx, box["y"] + 205 * sy, steps=4)
    page.mouse.up()
    assert page.locator("#new-boxes input[name=box]").count() == 1
    page.locator("#make-copy").tap()
    page.wait_for_selector("#copies a")
    screen.check_accessible("redaction-made")
    copy = RedactedCopy.objects.get(item=item, reader="platform")
    assert copy.hidden.get("box") == 1 and copy.original_sha256 == item.sha256

    page.goto(f"/complaints/{letter.id}/")
    links = page.locator("#attachments a")
    assert links.count() == 1
    with page.expect_download() as download:
        links.first.tap()
    path = tmp_path / "attached.png"
    download.value.save_as(path)
    read = "".join("".join(line.text for line in ocr_lines(str(path))).split())
    assert RELATIVE_NUMBER not in read and RELATIVE_NAME not in read and ID_NUMBER not in read, read
    assert "李经理" not in read and "通讯录" in read
    screen.check_accessible("letter-attachments")
