"""Names of processing steps for pages and custody lists.

Kept apart from the steps themselves so that a web worker printing a step's name
does not import PyAV, numpy, Pillow or whisper."""

from django.utils.translation import gettext_lazy as _

# What each step is called on the item page.
STEP_LABELS = {
    "integrity": _("Integrity check"),
    "timestamp": _("Time stamp or signed receipt"),
    "audio": _("Recording details"),
    "transcribe": _("Transcription"),
    "speakers": _("Who spoke"),
    "image": _("Image details and preview"),
    "ocr": _("Reading the text"),
    "document": _("Document text"),
    "scan": _("Scan details and preview"),
    "call_log": _("Reading the call log"),
    "screen": _("Reading the screen recording"),
}
