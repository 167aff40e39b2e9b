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
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    status_detail = models.TextField(blank=True)

    class Meta:
        ordering = ["received_at"]
        constraints = [
            # The same bytes twice in one case are one item.
            models.UniqueConstraint(fields=["case", "sha256"], name="one_item_per_original_per_case"),
        ]

    def __str__(self) -> str:
        return f"{self.original_filename} ({self.sha256[:12]})"


class CustodyEvent(models.Model):
    """An append-only record of something done to a case or an item."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="custody_events")
    item = models.ForeignKey(
        EvidenceItem, on_delete=models.PROTECT, null=True, blank=True, related_name="custody_events"
    )
    action = models.CharField(_("action"), max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("custody events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("custody events are append-only")
