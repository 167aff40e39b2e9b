"""A statement spoken into the page: the victim on her upload page and her mother through a
statement link record with the phone's microphone (chromium's fake device playing real speech),
and each recording becomes a transcribed item: 当事人陈述 for her, 证人证言 for her mother."""

import re

import pytest

from cases.models import StatementLink
from evidence.bundle.content import evidence_type
from evidence.models import EvidenceItem
from tests.audio_samples import speak
from tests.browser.conftest import ARTIFACTS, CHROMIUM, FLAGS, PHONE, Screen, sign_in
from tests.integration.conftest import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.slow, pytest.mark.browser]

WORDS = "They called my mother at her office three times today and said I must pay the loan back tonight."


@pytest.fixture
def microphone_browser(browser, tmp_path):
    """Chromium whose microphone plays real speech (and asks no permission)."""
    wav = speak(WORDS, tmp_path / "speech.wav", speed=140)
    flags = [
        *FLAGS,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}",
    ]
    other = browser.browser_type.launch(executable_path=CHROMIUM, args=flags)
    yield other
    other.close()


def record(screen: Screen, seconds: float = 9.0) -> None:
    page = screen.page
    page.wait_for_selector("#recorder:not([hidden])")
    page.click("#record-start")
    page.wait_for_selector("#recorder[data-state=recording]")
    screen.check_accessible("recording")
    page.wait_for_timeout(seconds * 1000)  # the speaker talks; nothing is measured here
    page.click("#record-stop")
    page.wait_for_selector("#record-send:not([hidden])")
    page.click("#record-send")
    page.wait_for_selector("#upload-list li[data-state=confirmed]", timeout=120_000)


def test_the_victim_and_her_mother_record_statements_that_are_transcribed(
    site, microphone_browser, alice, alice_case, request
):
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    victim = Screen(microphone_browser, site.url, folder / "victim", PHONE, slow=False)
    try:
        sign_in(victim, "alice")
        victim.page.goto(f"/cases/{alice_case.id}/upload/")
        victim.check_accessible("upload-with-recorder")
        record(victim)
        victim.page.wait_for_selector("#upload-list .stage[data-status=ready]", timeout=240_000)
        victim.shot("recorded-and-transcribed")
        own = EvidenceItem.objects.get(case=alice_case, kind="spoken_statement")
        assert own.mime in ("video/webm", "audio/webm") and own.original_filename.endswith(".webm")
        assert "mother" in own.transcript.text.lower() and own.timestamp is not None
        assert evidence_type(own, alice_case.victim_name) == "当事人陈述"
        assert own.device_facts["source"] == "device-reported"

        # The owner makes a link for her mother, who records on her own phone without an account.
        victim.page.goto(f"/cases/{alice_case.id}/statement-links/")
        victim.page.fill("#id_name", "王芳")
        victim.page.fill("#id_relation", "母亲")
        victim.page.click("form button.primary")
        link = re.search(r"https?://[^\s<\"]+/s/[^\s<\"/]+/", victim.page.content()).group(0)
    finally:
        victim.context.close()
    mother = Screen(microphone_browser, site.url, folder / "mother", PHONE, slow=False)
    try:
        mother.page.goto(link)
        mother.page.fill("#id_name", "王芳芳")
        record(mother)
        # The recording closed the link: the written form goes, and she is told it arrived.
        mother.page.wait_for_selector("#link-done:not([hidden])")
        assert not mother.page.is_visible("#statement-form") and not mother.page.is_visible("#record-start")
        mother.check_accessible("mother-sent")
    finally:
        mother.context.close()
    witness = EvidenceItem.objects.exclude(pk=own.pk).get(case=alice_case, kind="spoken_statement")
    assert witness.author_name == "王芳芳" and witness.author_relation == "母亲"
    assert evidence_type(witness, alice_case.victim_name) == "证人证言"
    assert StatementLink.objects.get().used_at is not None
    wait_until(lambda: EvidenceItem.objects.get(pk=witness.pk).status in ("ready", "failed"), timeout=240)
    witness.refresh_from_db()
    assert witness.status == "ready", witness.status_detail
    assert "mother" in witness.transcript.text.lower()
