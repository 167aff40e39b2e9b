"""Each exhibit's collection record in the bundle's manifest, after the Berkeley Protocol on Digital
Open Source Investigations (2020): who collected it, how, with what tool and version, and whether
the file is the evidentiary original or a working copy.

Who is given as a role in the case (owner, lawyer, a witness through a statement link), never as a
name or account: the PDF already names the accounts that uploaded, and nothing more is added.
"""

import re
import tomllib
from functools import cache

from django.conf import settings

from evidence.bundle.content import from_link, original_or_copy
from evidence.models import CustodyEvent, EvidenceItem

ROLES = {
    "owner": "案件所有人（受害人本人）",
    "lawyer": "案件律师",
    "member": "案件成员",
    "witness": "证人（经一次性陈述链接提交，身份未经核验）",
    "unknown": "不详",
}
METHODS = {
    "upload_page": "网站上传页面",
    "api": "网站 API",
    "resumable_upload": "分段上传（网页或 API，可断点续传）",
    "statement_link": "一次性陈述链接",
    "typed_statement": "在网站上录入的文字陈述",
    "browser_recording": "在浏览器中录制",
    "upload": "网站上传",
}
# Browser and client families, most specific first; a user agent is reduced to its family only.
FAMILIES = [
    ("MicroMessenger", "WeChat"),
    ("Edg/", "Edge"),
    ("HeadlessChrome", "Chrome (headless)"),
    ("Chrome/", "Chrome"),
    ("CriOS", "Chrome"),
    ("Firefox/", "Firefox"),
    ("Safari/", "Safari"),
    ("curl/", "curl"),
    ("python-requests", "python-requests"),
    ("python-httpx", "python-httpx"),
    ("Python-urllib", "Python"),
]


@cache
def harassguard_version() -> str:
    """The version in pyproject.toml (the site runs from its source tree, not an installed package)."""
    try:
        with open(settings.BASE_DIR / "pyproject.toml", "rb") as fh:
            return str(tomllib.load(fh)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def client_family(user_agent: str) -> str:
    """The family of the client that sent the file ("Chrome", "curl"…), or "" when none was recorded."""
    for marker, family in FAMILIES:
        if marker in user_agent:
            return family
    return re.split(r"[/\s]", user_agent.strip(), maxsplit=1)[0][:40] if user_agent.strip() else ""


def _role(item: EvidenceItem, case, lawyers: set) -> str:
    if from_link(item):
        return "witness"
    if item.uploaded_by_id is None:
        return "unknown"
    if item.uploaded_by_id == case.owner_id:
        return "owner"
    return "lawyer" if item.uploaded_by_id in lawyers else "member"


def _method(item: EvidenceItem, detail: dict) -> str:
    if from_link(item):
        return "statement_link"
    if item.metadata.get("recorded_in_browser") or detail.get("via") == "browser_recording":
        return "browser_recording"
    if detail.get("transfer") == "resumable":
        return "resumable_upload"
    if detail.get("via") in METHODS:
        return detail["via"]
    return "typed_statement" if item.kind == EvidenceItem.Kind.STATEMENT else "upload"


def collection_records(case, items: list[EvidenceItem]) -> dict:
    """{item id: its collection record} for the manifest."""
    received = {
        e.item_id: e
        for e in CustodyEvent.objects.filter(item__in=items, action="received").only("item_id", "detail", "user_agent")
    }
    lawyers = set(case.memberships.filter(role="lawyer").values_list("user_id", flat=True))
    version = harassguard_version()
    records = {}
    for item in items:
        event = received.get(item.pk)
        detail = event.detail if event else {}
        role, method = _role(item, case, lawyers), _method(item, detail)
        records[item.pk] = {
            "collected_by": role,
            "collected_by_zh": ROLES[role],
            "method": method,
            "method_zh": METHODS[method],
            "collected_at": item.received_at.isoformat(),
            "tool": {
                "name": "HarassGuard",
                "version": version,
                "client": client_family(event.user_agent if event else ""),
            },
            "copy": "evidentiary_original",
            "original_or_copy_zh": original_or_copy(item, case.victim_name),
            "copy_note": (
                "The file in originals/ is the evidentiary original as this site received it, byte for byte "
                "(SHA-256 above), stored write-once. Transcripts, recognised text, previews and the pages of "
                "bundle.pdf are working copies derived from it; the phone or paper it came from stays with "
                "the person submitting."
            ),
            "capture_note": item.capture_note,
        }
    return records
