from django import template
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
    "received": pgettext_lazy("custody", "received"), "case_created": pgettext_lazy("custody", "case opened"), "case_viewed": pgettext_lazy("custody", "case viewed"),
    "item_viewed": pgettext_lazy("custody", "item viewed"), "original_downloaded": pgettext_lazy("custody", "original downloaded"),
    "timestamp_downloaded": pgettext_lazy("custody", "time stamp downloaded"), "recording_played": pgettext_lazy("custody", "recording played"),
    "withdrawn": pgettext_lazy("custody", "withdrawn from the case"), "note_added": pgettext_lazy("custody", "note added"),
    "manual_event_added": pgettext_lazy("custody", "event recorded by hand"), "bundle_requested": pgettext_lazy("custody", "bundle requested"),
    "bundle_built": pgettext_lazy("custody", "bundle made"), "bundle_pdf_downloaded": pgettext_lazy("custody", "bundle PDF downloaded"),
    "bundle_zip_downloaded": pgettext_lazy("custody", "bundle ZIP downloaded"), "invitation_created": pgettext_lazy("custody", "invitation created"),
    "invitation_accepted": pgettext_lazy("custody", "invitation accepted"), "invitation_revoked": pgettext_lazy("custody", "invitation cancelled"),
    "access_revoked": pgettext_lazy("custody", "access revoked"), "statement_link_created": pgettext_lazy("custody", "statement link created"),
    "statement_link_revoked": pgettext_lazy("custody", "statement link cancelled"),
    "complaint_created": pgettext_lazy("custody", "letter started"),
    "complaint_drafted": pgettext_lazy("custody", "letter drafted from the case"),
    "complaint_edited": pgettext_lazy("custody", "letter edited"),
    "complaint_pdf_exported": pgettext_lazy("custody", "letter exported as PDF"),
    "complaint_tracking_updated": pgettext_lazy("custody", "letter's progress updated"), "statement_link_used": pgettext_lazy("custody", "statement received by link"),
    "number_classified": pgettext_lazy("custody", "number's role set"), "party_added": pgettext_lazy("custody", "party added"),
    "transcript_corrected": pgettext_lazy("custody", "transcript sentence checked or corrected"),
    "transcript_reviewed": pgettext_lazy("custody", "transcript checked sentence by sentence"),
    "ocr_speakers_confirmed": pgettext_lazy("custody", "screenshot line's writer confirmed"),
    "message_times_confirmed": pgettext_lazy("custody", "message dates confirmed"),
}


@register.filter
def custody_action(action: str) -> str:
    """The custody action in the reader's language; an unknown code is shown as it is."""
    if action.startswith("processed_"):
        step = STEP_LABELS.get(action.removeprefix("processed_"))
        return pgettext("custody", "processed: %(step)s") % {"step": step} if step else action
    return str(ACTIONS.get(action, action))


@register.filter
def speaker_label(code: str) -> str:
    """Who said a sentence, in the reader's language (collector → 催收方, victim → 我, ...)."""
    from evidence.speakers import SPEAKER_LABELS

    return SPEAKER_LABELS.get(code, code)
