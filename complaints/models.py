import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Complaint(models.Model):
    """A letter to one channel (platform, regulator, police, court…), drafted from the case, and what came of it."""

    class Channel(models.TextChoices):
        PLATFORM = "platform", _("Lending platform or bank")
        REGULATOR = "regulator", _("Financial regulator (12378)")
        LOCAL_FINANCE = "local_finance", _("Local financial authority (small-loan companies)")
        TELECOM = "telecom", _("12321 reporting centre (calls and SMS)")
        NIFA = "nifa", _("Internet finance association (NIFA)")
        BLACK_CAT = "black_cat", _("Black Cat complaints (public site)")
        POLICE = "police", _("Police report")
        COURT = "court", _("Civil complaint (court)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FILED = "filed", _("Filed")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="complaints")
    channel = models.CharField(_("to whom"), max_length=20, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Exhibit numbers in the letter are those of this bundle; none means the evidence is listed unnumbered.
    bundle = models.ForeignKey(
        "evidence.Bundle",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evidence bundle the letter refers to"),
    )
    # What the user tells us; empty fields become 【请填写：…】 placeholders, never guesses.
    recipient = models.CharField(_("addressed to (platform, police station or court)"), max_length=200, blank=True)
    borrower_name = models.CharField(_("your full name"), max_length=100, blank=True)
    borrower_id_number = models.CharField(_("your ID card number"), max_length=30, blank=True)
    borrower_phone = models.CharField(_("your phone number"), max_length=40, blank=True)
    borrower_address = models.CharField(_("your address"), max_length=300, blank=True)
    loan_description = models.TextField(_("the loan (date, amount, contract or order number)"), blank=True)
    include_repayment_plan = models.BooleanField(_("say that I am willing to agree a repayment plan"), default=False)
    # Said in the platform letter so that it is not read as acknowledging the amounts claimed.
    dispute_amounts = models.BooleanField(
        _("say that the letter does not confirm the principal, interest or fees"), default=False
    )
    borrower_occupation = models.CharField(_("your occupation and employer"), max_length=200, blank=True)
    # The court claim, item by item, each with its own legal basis (see templates/complaints/drafts/court.txt).
    damages_mental = models.DecimalField(
        _("compensation for serious mental distress (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    damages_medical = models.DecimalField(
        _("medical costs and lost income (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    damages_property = models.DecimalField(
        _("other financial losses (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    damages_costs = models.DecimalField(
        _("reasonable costs of asserting your rights: notary, lawyer, travel (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    damages_basis = models.TextField(_("how the amounts were worked out"), blank=True)
    witnesses = models.TextField(_("witnesses: name and address, one per line"), blank=True)
    draft_text = models.TextField(_("letter"), blank=True)
    drafted_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Tracking.
    filed_on = models.DateField(_("date filed"), null=True, blank=True)
    reference = models.CharField(_("reference number given by the channel"), max_length=100, blank=True)
    reply_text = models.TextField(_("their reply"), blank=True)
    replied_on = models.DateField(_("date of the reply"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} ({self.get_status_display()})"


class ComplaintPdf(models.Model):
    """The PDF of one state of a letter's text, made by a worker (never in the web request):
    the row is the job, the file is kept in the evidence storage once made."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="pdfs")
    # The SHA-256 of the letter text the PDF shows: an edit asks for a new PDF.
    text_sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    stored_name = models.CharField(max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["complaint", "text_sha256"], name="one_pdf_per_text")]
