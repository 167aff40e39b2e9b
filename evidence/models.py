import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EvidenceItem(models.Model):
    """One piece of evidence in a case. Its original is stored write-once under
    a name derived from `sha256`; everything derived from it lives elsewhere."""

    class Kind(models.TextChoices):
        CALL_RECORDING = "call_recording", _("Call recording")
        SCREENSHOT = "screenshot", _("Screenshot")
        STATEMENT = "statement", _("Statement")
        DOCUMENT = "document", _("Document")
        CALL_LOG = "call_log", _("Call log")
        SCREEN_RECORDING = "screen_recording", _("Screen recording")
        LOAN_CONTRACT = "loan_contract", _("Loan contract or order")
        ID_DOCUMENT = "id_document", _("Identity document")
        MEDICAL_RECORD = "medical_record", _("Medical record or diagnosis")
        DAMAGE_PROOF = "damage_proof", _("Other proof of harm (lost income, costs)")
        WITNESS_FORM = "witness_form", _("Signed witness statement (scan)")
        # Recorded in the page by the victim (当事人陈述) or by a relative through a statement link (证人证言).
        SPOKEN_STATEMENT = "spoken_statement", _("Spoken statement (recorded in the page)")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="items")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    original_filename = models.CharField(_("original file name"), max_length=255)
    stored_name = models.CharField(max_length=255)
    size = models.BigIntegerField(_("size"))
    mime = models.CharField(_("detected type"), max_length=100)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    counterparty_number = models.CharField(_("counterparty number"), max_length=40, blank=True)
    description = models.TextField(_("description"), blank=True)
    # Statements: who wrote it. The same facts are inside the stored text, so the hash covers them.
    author_name = models.CharField(_("author"), max_length=100, blank=True)
    author_relation = models.CharField(_("relation to the victim"), max_length=100, blank=True)
    author_contact = models.CharField(_("contact"), max_length=200, blank=True)
    # What the user says about how the file was made (phone model, recorder app, when exported):
    # a hash proves a file unchanged since receipt, not how it came to be.
    capture_note = models.TextField(_("how the file was captured"), blank=True)
    # 证明目的: what this exhibit is meant to prove; empty means the default for its kind.
    purpose = models.TextField(_("what it proves"), blank=True)
    # What the user knows of who was on the other end (company or platform named, staff number):
    # it ties a recording's voice to a defendant.
    identity_clues = models.TextField(_("who they said they were (company, platform, staff number)"), blank=True)
    # A signed 证人证言 form scanned back in: the online statement it was printed from.
    signed_form_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signed_forms",
        verbose_name=_("statement it is the signed form of"),
    )
    # Facts read from the original by the workers (audio format, EXIF, page count, file-name parse).
    metadata = models.JSONField(default=dict, blank=True)
    # What the sender's phone said about the file (its lastModified, the phone's clock and time zone when
    # the file was picked): device-reported, never checked, shown as such (see evidence/device_facts.py).
    device_facts = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    status_detail = models.TextField(blank=True)
    # Evidence is never deleted: a withdrawn item stays, with its custody record, but leaves new bundles.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(_("why it was withdrawn"), max_length=300, blank=True)

    class Meta:
        ordering = ["received_at"]
        constraints = [
            # The same bytes twice in one case are one item.
            models.UniqueConstraint(fields=["case", "sha256"], name="one_item_per_original_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.original_filename} ({self.sha256[:12]})"


# Custody actions that only read: they do not change what the case's analysis sees.
READ_ACTIONS = {
    "case_viewed",
    "item_viewed",
    "original_downloaded",
    "timestamp_downloaded",
    "recording_played",
    "bundle_pdf_downloaded",
    "bundle_zip_downloaded",
    "export_requested",
    "export_built",
    "export_part_downloaded",
    # Links for the police or the court and redacted copies give out what exists; the analysis reads neither.
    "bundle_share_created",
    "bundle_share_revoked",
    "bundle_share_opened",
    "redacted_copy_made",
    "redacted_copy_downloaded",
    # Letters are written from the evidence but change nothing the analysis reads.
    "complaint_created",
    "complaint_drafted",
    "complaint_edited",
    "complaint_tracking_updated",
    "complaint_pdf_exported",
}
# In one fixed order: PostgreSQL uses the partial index below only for a query with the very same list.
READ_ACTIONS_SORTED = sorted(READ_ACTIONS)


class CustodyEvent(models.Model):
    """An append-only record of something done to a case or an item."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="custody_events")
    item = models.ForeignKey(
        EvidenceItem, on_delete=models.PROTECT, null=True, blank=True, related_name="custody_events"
    )
    action = models.CharField(_("action"), max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    at = models.DateTimeField(_("time"))
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    # Each event stores the hash of the case's previous event and its own, so a
    # changed or deleted row breaks the chain (see evidence/custody.py).
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            # The end of a case's chain, found at every new event however long the chain grows.
            models.Index(fields=["case", "id"], name="custody_chain_end"),
            # The newest event that changed the evidence: the key of the cached analysis, read at every case view.
            models.Index(
                fields=["case", "id"], name="custody_last_change", condition=~models.Q(action__in=READ_ACTIONS_SORTED)
            ),
        ]

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("custody events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("custody events are append-only")


class CustodyAnchor(models.Model):
    """A time stamp of a case's custody chain head: how many events the chain had and the last one's
    hash. A chain later found shorter, or different at that event, was cut or rewritten."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="custody_anchors")
    # No database constraint: a deleted event must show up as a cut chain in verify_custody,
    # not be hidden behind a foreign-key error (the trigger already refuses deletion).
    last_event = models.ForeignKey(CustodyEvent, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    events = models.PositiveIntegerField()
    head = models.CharField(max_length=64)
    # SHA-256 of the statement "case, number of events, head" (evidence/custody_anchors.py): what is stamped.
    digest = models.CharField(max_length=64)
    kind = models.CharField(max_length=20)
    token = models.BinaryField()
    gen_time = models.DateTimeField()
    authority = models.CharField(max_length=300)
    reason = models.CharField(max_length=20)  # "bundle" or "periodic"
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class SanityCheckRun(models.Model):
    """One run of the periodic check that re-hashes every stored original and derived file."""

    started = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)
    files_checked = models.PositiveIntegerField(default=0)
    # [{"case": uuid, "item": uuid, "file": stored name, "what": "original" or a derived kind,
    #   "problem": "missing" or "changed"}]
    problems = models.JSONField(default=list)

    class Meta:
        ordering = ["-started"]


class ProcessingJob(models.Model):
    """One processing step of one item. The row is the job; the Celery message only wakes a worker."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Working")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not needed")

    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, related_name="jobs")
    step = models.CharField(max_length=30)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # How often the job was found running with no live worker (killed, e.g. for memory) and restarted.
    restarts = models.PositiveSmallIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "step"], name="one_job_per_step")]


class Timestamp(models.Model):
    """A trusted time stamp of an original's SHA-256: an RFC 3161 token, or the
    server's own signed receipt when no time-stamping authority is configured."""

    class Kind(models.TextChoices):
        RFC3161 = "rfc3161", _("RFC 3161 time stamp")
        SERVER_RECEIPT = "server_receipt", _("Server-signed receipt (weaker)")

    item = models.OneToOneField(EvidenceItem, on_delete=models.PROTECT, related_name="timestamp")
    original_sha256 = models.CharField(max_length=64)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    token = models.BinaryField()
    gen_time = models.DateTimeField()
    authority = models.CharField(max_length=300, help_text="TSA URL, or the server key's fingerprint")
    created = models.DateTimeField(auto_now_add=True)


class Transcript(models.Model):
    """Machine transcription of a call recording; the audio stays authoritative."""

    item = models.OneToOneField(EvidenceItem, on_delete=models.PROTECT, related_name="transcript")
    original_sha256 = models.CharField(max_length=64)
    engine = models.CharField(max_length=40)
    model = models.CharField(max_length=200)
    language = models.CharField(max_length=10)
    # [{"start": seconds, "end": seconds, "text": "..."}]: the machine's text, never changed afterwards.
    segments = models.JSONField(default=list)
    text = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    # Who spoke when, as the machine suggests it: {"method", "engine", "turns", "centroids"} (evidence/processing/diarization.py).
    diarization = models.JSONField(default=dict, blank=True)
    # The machine's speaker per segment, by position: [{"voice": 0 | 1 | None, "speaker": "unknown"}].
    speakers = models.JSONField(default=list, blank=True)
    # The reviewed version beside the machine's, by segment position:
    # {"3": {"text": "...", "text_checked": true, "speaker": "collector", "by": "alice", "at": "..."}}.
    edits = models.JSONField(default=dict, blank=True)
    # "全部核对完毕": the owner checked every sentence against the recording.
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)


class OcrResult(models.Model):
    """Text read from a screenshot, line by line with boxes."""

    item = models.OneToOneField(EvidenceItem, on_delete=models.PROTECT, related_name="ocr")
    original_sha256 = models.CharField(max_length=64)
    engine = models.CharField(max_length=40)
    # [{"text": "...", "box": [[x, y], ...], "confidence": 0.97}]
    lines = models.JSONField(default=list)
    text = models.TextField(blank=True)
    phone_numbers = models.JSONField(default=list)
    # [{"text": "昨天 01:15", "at": "2023-05-11T01:15:00+08:00", "estimated": true}]
    message_times = models.JSONField(default=list)
    created = models.DateTimeField(auto_now_add=True)
    # The day relative message times ("昨天 01:15", "23:47") were read against, and where it came from:
    # exif | status_bar | user | upload (see evidence/processing/screen_dates.py).
    reference_date = models.DateField(null=True, blank=True)
    reference_basis = models.CharField(max_length=20, blank=True)
    # The user confirmed the dates worked out from the screenshot; until then they print "推算，待核对".
    times_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    times_confirmed_at = models.DateTimeField(null=True, blank=True)
    # The user's speaker per line, by position: {"4": {"speaker": "collector", "by": "alice", "at": "..."}}.
    line_speakers = models.JSONField(default=dict, blank=True)
    # The user's corrected words per line, by position, beside the machine's (`lines`, never changed):
    # {"4": {"text": "...", "by": "alice", "at": "..."}}.
    line_edits = models.JSONField(default=dict, blank=True)


class DerivedFile(models.Model):
    """A file made from an original (a thumbnail, a page image), stored apart from it."""

    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="derived_files")
    original_sha256 = models.CharField(max_length=64)
    kind = models.CharField(max_length=30)
    stored_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    mime = models.CharField(max_length=100)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "kind"], name="one_derived_file_per_kind")]


def new_verify_secret() -> str:
    """A random verification code for a bundle (128 bits), printed in its QR codes and link."""
    return secrets.token_urlsafe(16)


class Bundle(models.Model):
    """A court-ready evidence bundle (PDF and verifiable ZIP); immutable once made."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        BUILDING = "building", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="bundles")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Role(models.TextChoices):
        PLAINTIFF = "plaintiff", _("Plaintiff (原告)")
        REPORTER = "reporter", _("Person reporting to the police (报案人)")
        COMPLAINANT = "complainant", _("Complainant (投诉人)")

    case_number = models.CharField(_("case number (案号)"), max_length=100, blank=True)
    submitter = models.CharField(_("submitted by (提交人)"), max_length=100, blank=True)
    submitter_role = models.CharField(_("submitted as"), max_length=20, choices=Role.choices, blank=True)
    submitted_to = models.CharField(_("submitted to (court, police station or authority)"), max_length=200, blank=True)
    # One set for the court and one per opposing party (证据规定 第十九条).
    copies = models.PositiveSmallIntegerField(_("number of copies"), default=1)
    pdf_name = models.CharField(max_length=255, blank=True)
    zip_name = models.CharField(max_length=255, blank=True)
    # The PDF cannot hold its own hash: it is given here, in the ZIP's manifest and on the page.
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    zip_sha256 = models.CharField(max_length=64, blank=True)
    # /verify/ confirms an exhibit only to someone holding this code, so a person who merely
    # holds a file (the collector who sent it) cannot learn that a victim bundled it.
    verify_secret = models.CharField(max_length=32, unique=True, default=new_verify_secret, editable=False)
    # The manifest cannot hold its own hash either; verify_bundle compares it with this record.
    manifest_sha256 = models.CharField(max_length=64, blank=True)
    # The case's custody chain head as time-stamped for this bundle (also in its manifest).
    custody_anchor = models.ForeignKey(
        "CustodyAnchor", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created"]


class BundleItem(models.Model):
    """An exhibit of a bundle: which item, at which position (exhibit number = position)."""

    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="bundle_entries")
    position = models.PositiveIntegerField()
    # The exhibit number printed: group of what it proves, then its place in the group ("1-2").
    label = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["bundle", "position"], name="one_item_per_position")]


class Note(models.Model):
    """A comment by the owner or a lawyer on a case or one of its items (plain text)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="notes")
    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, null=True, blank=True, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"), max_length=5000)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created"]


class ChunkedUpload(models.Model):
    """A file arriving in pieces that can resume after a dropped connection.

    It is not evidence until the last byte has arrived and the whole file has
    been hashed and taken in; an upload left unfinished is removed after
    UPLOAD_RESUME_HOURS (see evidence/resumable.py).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    # None: sent by a relative through a statement link (`fields["statement_link"]` names it).
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+")
    filename = models.CharField(max_length=255)
    size = models.BigIntegerField()
    # The bytes safely written so far; the next piece must start here.
    offset = models.BigIntegerField(default=0)
    # What the uploader's own device computed, if it did: the server's hash must match it.
    client_sha256 = models.CharField(max_length=64, blank=True)
    # The evidence details (kind, occurred_at, ...) as sent when the upload began.
    fields = models.JSONField(default=dict)
    # The phone's own facts about the file, as announced; copied onto the item (device-reported).
    device_facts = models.JSONField(default=dict, blank=True)
    item = models.ForeignKey(EvidenceItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)


class CaseExport(models.Model):
    """The owner's own full copy of a case: one ZIP, or several under a chosen size, each a ZIP of
    its own that carries the same manifest. The files expire after EXPORT_HOURS and are deleted."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        BUILDING = "building", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="exports")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    # Largest size of a part in MB (for sending over WeChat); None: one ZIP.
    part_mb = models.PositiveIntegerField(null=True, blank=True)
    # [{"name": storage name, "sha256": …, "size": bytes}], in order.
    parts = models.JSONField(default=list, blank=True)
    manifest_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created"]


class SearchEntry(models.Model):
    """One searchable sentence, screenshot line, statement line, note or letter paragraph (evidence/search/).

    Derived from the texts it names and rewritten when they change; nothing here is evidence."""

    class Kind(models.TextChoices):
        TRANSCRIPT = "transcript", _("Recording")
        OCR = "ocr", _("Screenshot")
        STATEMENT = "statement", _("Statement")
        NOTE = "note", _("Note")
        LETTER = "letter", _("Letter")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    # The item the words belong to (a note's item, if it is on one); none for a letter or a note on the case.
    item = models.ForeignKey(EvidenceItem, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    # The item, note or letter whose text this is; with kind and position it names the entry.
    source = models.UUIDField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # Sentence of a transcript, line of a screenshot or statement, paragraph of a note or letter.
    position = models.PositiveIntegerField()
    # Where a transcript sentence begins in its recording, in seconds.
    start = models.FloatField(null=True, blank=True)
    text = models.TextField()
    # The machine's words where the owner corrected them: both are searched.
    machine_text = models.TextField(blank=True)
    # The bigrams of text and machine_text (evidence/search/tokens.py). PostgreSQL indexes
    # string_to_array(grams, ' ') with GIN; SQLite an FTS5 table over it (migration 0016).
    grams = models.TextField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["case", "kind"], name="search_entry_case")]
        constraints = [
            models.UniqueConstraint(fields=["source", "kind", "position"], name="one_search_entry_per_place")
        ]


class Redaction(models.Model):
    """What a copy of one item for one reader (a complaint channel: platform, black_cat, police…) hides.

    `marks` is a list of {"id", "kind", "source": "auto" | "hand", "on": bool, "label"} with either
    "box": [x0, y0, x1, y1] (pixels of a screenshot), "value" (a number, name or ID number hidden
    wherever it is written), or "segment", "start", "end" (a span of one transcript sentence, or
    of the text when "segment" is null). The copies made from it are RedactedCopy rows."""

    class Status(models.TextChoices):
        SUGGESTING = "suggesting", _("Looking for what to hide")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="redactions")
    reader = models.CharField(_("for whom"), max_length=20)
    marks = models.JSONField(default=list)
    # The suggestions (text read back, faces found) are made by a worker on the heavy queue:
    # "suggesting" until it has written them all at once, "failed" with `error` in plain words.
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.READY)
    error = models.TextField(blank=True)
    # When a worker took the suggestions on (None: still waiting for one); the sweep queues again
    # those never taken or taken by a worker that died.
    started = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created"]
        constraints = [models.UniqueConstraint(fields=["item", "reader"], name="one_redaction_per_reader")]


class RedactedCopy(models.Model):
    """A redacted copy: a new file made from the original (which never changes), naming its hash
    and the kinds of things hidden in it (never the hidden values)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    redaction = models.ForeignKey(Redaction, on_delete=models.PROTECT, related_name="copies")
    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="redacted_copies")

    class Status(models.TextChoices):
        PENDING = "pending", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    reader = models.CharField(max_length=20)
    original_sha256 = models.CharField(max_length=64)
    # The row is the job: a worker on the heavy queue paints or sets the copy, then fills these in.
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    # The marks that were on when the copy was asked for: later changes make another copy.
    marks = models.JSONField(default=list)
    stored_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    mime = models.CharField(max_length=100, blank=True)
    # When a worker took the copy on (None: still waiting for one); see Redaction.started.
    started = models.DateTimeField(null=True, blank=True)
    # {"number": 2, "face": 1, ...}: how many of each kind were hidden.
    hidden = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]


class BundleShare(models.Model):
    """A read-only link to one bundle for someone without an account (a police station, a court
    clerk). Only the SHA-256 of its token is kept; it expires, can be revoked, and every open is a
    custody event of the bundle's case."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    bundle = models.ForeignKey(Bundle, on_delete=models.PROTECT, related_name="shares")
    token_sha256 = models.CharField(max_length=64, unique=True)
    label = models.CharField(_("given to"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    opens = models.PositiveIntegerField(default=0)
    last_opened = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
