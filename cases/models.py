import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Case(models.Model):
    """One victim's matter against one lender and its collectors."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases")
    title = models.CharField(_("title"), max_length=200)
    platform = models.CharField(_("platform or lender"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    victim_name = models.CharField(_("victim's name"), max_length=100, blank=True)
    collection_company = models.CharField(_("collection company, if known"), max_length=200, blank=True)

    class LenderKind(models.TextChoices):
        UNKNOWN = "", _("I do not know")
        BANK = "bank", _("A bank (credit card or bank loan)")
        CONSUMER_FINANCE = "consumer_finance", _("A consumer finance company")
        SMALL_LOAN = "small_loan", _("A small-loan company (including online small loans)")
        OTHER_LICENSED = "other_licensed", _("Another licensed lender")
        UNLICENSED = "unlicensed", _("An unlicensed lender (e.g. a “714” short-term loan app)")

    class RateLawful(models.TextChoices):
        UNKNOWN = "", _("I do not know")
        YES = "yes", _("Yes, within the legal limit")
        NO = "no", _("No, above the legal limit")

    # Which rules bind the lender beyond the recommended standard (a bank's card rules, the small-loan
    # rules), and whether the police are the first stop (an unlicensed lender or an unlawful rate).
    # db_default: rows written by code that predates these columns (an older worker, a migration test) still insert.
    lender_kind = models.CharField(
        _("what kind of lender"), max_length=20, choices=LenderKind.choices, blank=True, default="", db_default=""
    )
    rate_lawful = models.CharField(
        _("is the interest rate within the legal limit"),
        max_length=5,
        choices=RateLawful.choices,
        blank=True,
        default="",
        db_default="",
    )
    # Which rule set the analysis applies (cases/data/rules_<code>.toml).
    jurisdiction = models.CharField(
        _("rules"), max_length=5, choices=[("CN", _("Mainland China")), ("US", _("United States"))], default="CN"
    )
    created = models.DateTimeField(auto_now_add=True)
    # Its owner closed their account: the files are deleted, the custody chain stays with a tombstone.
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.title

    @property
    def debt_may_be_unlawful(self) -> bool:
        """The user says the lender is unlicensed or the rate is above the legal limit: the police come first,
        and 刑法第二百九十三条之一 (collecting unlawful debts) may apply."""
        return self.lender_kind == self.LenderKind.UNLICENSED or self.rate_lawful == self.RateLawful.NO


class ManualEvent(models.Model):
    """A call, message or contact the user records by hand (no file to show for it)."""

    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        MESSAGE = "message", _("Message")
        THIRD_PARTY = "third_party_contact", _("Someone I know was contacted")
        OTHER = "other", _("Other")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="manual_events")
    kind = models.CharField(_("what happened"), max_length=30, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("when"), null=True, blank=True)
    number = models.CharField(_("collector's number"), max_length=40, blank=True)
    # The standard limits answered calls (主动有效通话); an unanswered call is reported apart.
    connected = models.BooleanField(_("the call was answered"), default=False)
    contact_name = models.CharField(_("who was contacted"), max_length=100, blank=True)
    contact_relation = models.CharField(_("their relation to you"), max_length=100, blank=True)
    description = models.TextField(_("what was said or done"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "created"]


class Membership(models.Model):
    """Someone the owner shared the case with, and in which role. Revoking keeps the row."""

    class Role(models.TextChoices):
        LAWYER = "lawyer", _("Lawyer")
        VIEWER = "viewer", _("Viewer")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    created = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"], condition=models.Q(revoked_at=None), name="one_active_membership"
            )
        ]


class Invitation(models.Model):
    """A one-time link that gives whoever opens it (signed in) a role on the case."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(_("role"), max_length=10, choices=Membership.Role.choices)
    note = models.CharField(_("for whom (a name or e-mail, for your own records)"), max_length=200, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)


class StatementLink(models.Model):
    """A link the owner gives a harassed relative or colleague: without an account they
    write what happened and attach their own screenshots or recordings, once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="statement_links")
    name = models.CharField(_("their name"), max_length=100)
    relation = models.CharField(_("their relation to you"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)


class Party(models.Model):
    """Someone in the case other than the victim: the lender actually named in the loan contract
    (实际放款机构, which may differ from the app), the platform or app, a collection agency,
    or a person (a relative, colleague or friend) with their relation to the victim."""

    class Kind(models.TextChoices):
        LENDER = "lender", _("Lender named in the loan contract")
        PLATFORM = "platform", _("Platform or app")
        AGENCY = "agency", _("Collection agency")
        PERSON = "person", _("Relative, colleague or friend")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    relation = models.CharField(_("relation to you"), max_length=100, blank=True)
    # An agency collects for a lender: its calls count under that lender (the standard's limit is per institution).
    acts_for = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agencies",
        verbose_name=_("collects for"),
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return f"{self.relation} {self.name}".strip() if self.kind == self.Kind.PERSON else self.name


class CaseNumber(models.Model):
    """A phone number seen in the case, with the role the user (or a relative's own statement) gave it.

    Numbers nobody has classified have no row: they are `unknown` and only suggested a role."""

    class Role(models.TextChoices):
        COLLECTOR = "collector", _("Collector")
        BORROWER = "borrower", _("My own number")
        THIRD_PARTY = "third_party", _("Relative, colleague or friend")
        OTHER = "other", _("Other (delivery, bank hotline…)")
        UNKNOWN = "unknown", _("Not known")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="numbers")
    number = models.CharField(_("number"), max_length=40)  # normalised: harassguard.lib.phone.normalise
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.UNKNOWN)
    confirmed = models.BooleanField(default=False)
    party = models.ForeignKey(Party, on_delete=models.SET_NULL, null=True, blank=True, related_name="numbers")
    updated = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="one_row_per_case_number")]
