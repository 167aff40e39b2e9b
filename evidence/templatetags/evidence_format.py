from django import template
from django.conf import settings
from django.utils.translation import pgettext, pgettext_lazy

from evidence.labels import STEP_LABELS

register = template.Library()


@register.filter
def clock(seconds) -> str:
    """Format seconds into a recording as mm:ss (h:mm:ss past an hour)."""
    total = int(float(seconds or 0))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


# What each custody action means, in words (the stored code stays as it is: it is hashed into the chain).
ACTIONS = {
    "received": pgettext_lazy("custody", "received"),
    "case_created": pgettext_lazy("custody", "case opened"),
    "case_viewed": pgettext_lazy("custody", "case viewed"),
    "item_viewed": pgettext_lazy("custody", "item viewed"),
    "original_downloaded": pgettext_lazy("custody", "original downloaded"),
    "redacted_copy_made": pgettext_lazy("custody", "redacted copy made"),
    "redacted_copy_downloaded": pgettext_lazy("custody", "redacted copy downloaded"),
    "timestamp_downloaded": pgettext_lazy("custody", "time stamp downloaded"),
    "recording_played": pgettext_lazy("custody", "recording played"),
    "withdrawn": pgettext_lazy("custody", "withdrawn from the case"),
    "note_added": pgettext_lazy("custody", "note added"),
    "manual_event_added": pgettext_lazy("custody", "event recorded by hand"),
    "bundle_requested": pgettext_lazy("custody", "bundle requested"),
    "bundle_built": pgettext_lazy("custody", "bundle made"),
    "bundle_pdf_downloaded": pgettext_lazy("custody", "bundle PDF downloaded"),
    "bundle_zip_downloaded": pgettext_lazy("custody", "bundle ZIP downloaded"),
    "bundle_share_created": pgettext_lazy("custody", "link to the bundle made"),
    "bundle_share_opened": pgettext_lazy("custody", "link to the bundle opened"),
    "bundle_share_revoked": pgettext_lazy("custody", "link to the bundle revoked"),
    "invitation_created": pgettext_lazy("custody", "invitation created"),
    "invitation_accepted": pgettext_lazy("custody", "invitation accepted"),
    "invitation_revoked": pgettext_lazy("custody", "invitation cancelled"),
    "access_revoked": pgettext_lazy("custody", "access revoked"),
    "statement_link_created": pgettext_lazy("custody", "statement link created"),
    "statement_link_revoked": pgettext_lazy("custody", "statement link cancelled"),
    "complaint_created": pgettext_lazy("custody", "letter started"),
    "complaint_drafted": pgettext_lazy("custody", "letter drafted from the case"),
    "complaint_edited": pgettext_lazy("custody", "letter edited"),
    "complaint_pdf_exported": pgettext_lazy("custody", "letter exported as PDF"),
    "call_row_corrected": pgettext_lazy("custody", "call row corrected"),
    "number_given": pgettext_lazy("custody", "collector's number given"),
    "complaint_docx_exported": pgettext_lazy("custody", "letter exported as Word document"),
    "exhibit_described": pgettext_lazy("custody", "exhibit's purpose described"),
    "witness_form_exported": pgettext_lazy("custody", "witness statement form printed"),
    "lender_described": pgettext_lazy("custody", "lender's kind recorded"),
    "complaint_tracking_updated": pgettext_lazy("custody", "letter's progress updated"),
    "statement_link_used": pgettext_lazy("custody", "statement received by link"),
    "number_classified": pgettext_lazy("custody", "number's role set"),
    "party_added": pgettext_lazy("custody", "party added"),
    "transcript_corrected": pgettext_lazy("custody", "transcript sentence checked or corrected"),
    "transcript_reviewed": pgettext_lazy("custody", "transcript checked sentence by sentence"),
    "ocr_speakers_confirmed": pgettext_lazy("custody", "screenshot line's writer confirmed"),
    "ocr_text_corrected": pgettext_lazy("custody", "screenshot line's words corrected"),
    "message_times_confirmed": pgettext_lazy("custody", "message dates confirmed"),
    "export_requested": pgettext_lazy("custody", "full copy requested"),
    "export_built": pgettext_lazy("custody", "full copy made"),
    "export_part_downloaded": pgettext_lazy("custody", "full copy downloaded"),
    "case_closed": pgettext_lazy("custody", "owner closed their account: files deleted"),
    "member_account_closed": pgettext_lazy("custody", "a member closed their account and left"),
}


@register.filter
def custody_action(action: str) -> str:
    """The custody action in the reader's language; an unknown code is shown as it is."""
    if action.startswith("processed_"):
        step = STEP_LABELS.get(action.removeprefix("processed_"))
        return pgettext("custody", "processed: %(step)s") % {"step": step} if step else action
    return str(ACTIONS.get(action, action))


DIRECTIONS = {
    "incoming": pgettext_lazy("call", "incoming"),
    "outgoing": pgettext_lazy("call", "outgoing"),
    "missed": pgettext_lazy("call", "missed"),
    "rejected": pgettext_lazy("call", "rejected"),
    "forwarded": pgettext_lazy("call", "forwarded"),
    "": pgettext_lazy("call", "not shown"),
    "unknown": pgettext_lazy("call", "not shown"),
}
SOURCE_NAMES = {
    "carrier": pgettext_lazy("source", "carrier's itemised record"),
    "call_log": pgettext_lazy("source", "phone's call log"),
    "call_screenshot": pgettext_lazy("source", "call-history picture"),
    "recording": pgettext_lazy("source", "recording"),
    "screenshot": pgettext_lazy("source", "screenshot"),
    "statement": pgettext_lazy("source", "statement"),
    "spoken_statement": pgettext_lazy("source", "spoken statement"),
    "manual": pgettext_lazy("source", "entered by hand"),
    "wechat_voice": pgettext_lazy("source", "WeChat voice message"),
    "screen_recording": pgettext_lazy("source", "screen recording"),
}


@register.filter
def call_direction(direction: str) -> str:
    """呼入, 呼出, 未接, 拒接 in the reader's language."""
    return str(DIRECTIONS.get(direction or "", direction))


@register.filter
def source_name(source: str) -> str:
    """What kind of record a timeline source is (运营商详单, 通话记录截图, 录音…)."""
    return str(SOURCE_NAMES.get(source, source))


@register.filter
def box_style(box, size) -> str:
    """Inline CSS placing a row's outline over a picture, in percent of the picture's size."""
    try:
        left, top, right, bottom = (float(v) for v in box)
        width, height = float(size["width"]), float(size["height"])
    except (TypeError, ValueError, KeyError):
        return "display:none"
    return (
        f"left:{100 * left / width:.2f}%;top:{100 * top / height:.2f}%;"
        f"width:{100 * (right - left) / width:.2f}%;height:{100 * (bottom - top) / height:.2f}%"
    )


@register.filter
def iso_local(value: str) -> str:
    """An ISO time as 2023-10-12 23:47 (its own offset kept)."""
    return (value or "").replace("T", " ")[:16]


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def tsa_configured() -> bool:
    """True when an independent RFC 3161 time-stamping authority is configured (TSA_URL): only then
    may a page speak of a trusted time stamp."""
    return bool(settings.TSA_URL)


@register.filter
def speaker_label(code: str) -> str:
    """Who said a sentence, in the reader's language (collector → 催收方, victim → 我, ...)."""
    from evidence.speakers import SPEAKER_LABELS

    return str(SPEAKER_LABELS.get(code, code))
