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
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.title
