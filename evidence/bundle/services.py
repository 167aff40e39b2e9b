"""Making a bundle: choosing its exhibits, rendering the PDF, writing the ZIP."""

import hashlib
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.analysis.charts import charts
from cases.analysis.engine import collector_contacts, contact_counts
from cases.numbers import number_rows, unconfirmed_count
from cases.services import case_analyse, recording_links
from evidence import pdf_signing, queue
from evidence.bundle import archive as bundle_zip
from evidence.bundle import content as bundle_content
from evidence.bundle import pdf as bundle_pdf
from evidence.bundle.collection import collection_records
from evidence.custody import WORKER, Actor, chain_first_break, custody_record
from evidence.custody_anchors import custody_anchor
from evidence.models import Bundle, BundleItem, CustodyAnchor, CustodyEvent, EvidenceItem, Timestamp
from evidence.storage.integrity import file_sha256
from evidence.storage.originals import evidence_storage


class BundleRefused(Exception):
    """The chosen items cannot make a bundle (none, or not the case's ready items)."""


def bundle_create(
    *,
    case,
    actor: Actor,
    item_ids: list | None = None,
    case_number: str = "",
    submitter: str = "",
    submitter_role: str = "",
    submitted_to: str = "",
    copies: int = 1,
) -> Bundle:
    """Record a bundle of the chosen items (default: every ready item by time) and queue its making.

    The exhibits are grouped by what they prove and numbered within each group (证据1-1…)."""
    if item_ids:
        found = {
            str(i.pk): i
            for i in case.items.filter(pk__in=item_ids, status=EvidenceItem.Status.READY, withdrawn_at=None)
        }
        if len(found) != len(set(map(str, item_ids))):
            raise BundleRefused(_("Only this case's processed items can go into a bundle."))
        items = [found[str(i)] for i in item_ids]
    else:
        items = bundle_content.default_items(case)
    if not items:
        raise BundleRefused(_("There is no processed evidence to put in a bundle yet."))
    if submitter_role and submitter_role not in Bundle.Role.values:
        raise BundleRefused(_("Unknown role of the person submitting the bundle."))
    with transaction.atomic():
        bundle = Bundle.objects.create(
            case=case,
            created_by=actor.user,
            case_number=case_number,
            submitter=submitter,
            submitter_role=submitter_role,
            submitted_to=submitted_to,
            copies=max(1, int(copies or 1)),
        )
        BundleItem.objects.bulk_create(
            [
                BundleItem(bundle=bundle, item=item, position=n, label=label)
                for n, (item, label) in enumerate(bundle_content.in_groups(items, case.victim_name), start=1)
            ]
        )
        custody_record(case=case, action="bundle_requested", actor=actor, bundle=str(bundle.pk), items=len(items))
        queue.enqueue_bundle(bundle.pk)
    return bundle


def _progress(bundle: Bundle, progress: int) -> None:
    bundle.progress = progress
    Bundle.objects.filter(pk=bundle.pk).update(progress=progress)


def bundle_context(bundle: Bundle) -> dict:
    """Everything the PDF template shows, from the case's records."""
    case = bundle.case
    analysis = case_analyse(case)
    tz = ZoneInfo(analysis.rule_set.timezone)
    role = bundle_content.ROLE_ZH.get(bundle.submitter_role, "提交人")
    exhibits = [
        bundle_content.exhibit_for(e.position, e.item, e.label, tz, role, case.victim_name)
        for e in bundle_content.entries_with_results(bundle)
    ]
    for exhibit in exhibits:
        exhibit.verify_url = bundle_pdf.verify_url(bundle.verify_secret, exhibit.item.sha256)
        exhibit.qr = bundle_pdf.qr_data_uri(exhibit.verify_url)
    bundle_content.add_corroboration(exhibits, recording_links(analysis.events))
    bundle_content.purposes_from_findings(analysis.findings, exhibits)
    first, last = bundle_content.date_range(exhibits)
    items = [e.item for e in exhibits]
    received = sorted(i.received_at for i in items)
    stamps = [e.stamp for e in exhibits if e.stamp]
    return {
        "bundle": bundle,
        "case": case,
        "exhibits": exhibits,
        "made_at": timezone.now(),
        "groups": _groups(exhibits),
        "role": role,
        "timezone": analysis.rule_set.timezone,
        "zone": "北京时间" if analysis.rule_set.timezone == "Asia/Shanghai" else analysis.rule_set.timezone,
        "operator": settings.SITE_OPERATOR,
        "operator_relation": settings.SITE_OPERATOR_RELATION,
        "clues": [f for f in analysis.findings if f.kind == "clue"],
        # Days at the daily limit: facts printed apart from the possible violations, never as one.
        "at_limit": bundle_content.exhibit_numbers_for(_of_kind(analysis.findings, "at_limit"), exhibits),
        "counts": bundle_content.kind_counts(exhibits),
        # Calls, days and numbers from confirmed collectors' numbers only; the others are said to be left out.
        "contacts": contact_counts(analysis.events, tz),
        "unconfirmed_numbers": unconfirmed_count(number_rows(case, analysis.events)),
        "first": first,
        "last": last,
        "rule_set": analysis.rule_set,
        "findings": bundle_content.exhibit_numbers_for(_of_kind(analysis.findings, "violation"), exhibits),
        # Only numbers the victim confirmed as collectors' are drawn: a mother's calls are no collection.
        "charts": charts(
            collector_contacts(analysis.events), analysis.rule_set, ("经确认的催收号码每日来电次数", "各时段来电和消息")
        ),
        "custody": list(CustodyEvent.objects.filter(case=case).select_related("actor").order_by("id")),
        "chain_ok": chain_first_break(case) is None,
        "site_url": settings.SITE_URL.rstrip("/"),
        "https": settings.SITE_URL.startswith("https"),
        "uploaders": sorted({i.uploaded_by.get_username() for i in items if i.uploaded_by}),
        "received_first": received[0],
        "received_last": received[-1],
        "storage_description": _storage_description(),
        "stamp_summary": _stamp_summary(stamps, len(exhibits)),
        "integrity_summary": _integrity_summary(items),
        "capture_notes": any(i.capture_note for i in items),
        "signature": pdf_signing.signature_notice(),
    }


def _of_kind(findings: list, kind: str) -> list:
    return [f for f in findings if f.kind == kind]


def _groups(exhibits: list) -> list[dict]:
    """The index's groups in order: what they prove and their exhibits."""
    groups = []
    for number, title in bundle_content.GROUPS.items():
        members = [e for e in exhibits if e.group == number]
        if members:
            groups.append({"number": number, "title": title, "exhibits": members})
    return groups


def _storage_description() -> str:
    if settings.STORAGE_BACKEND == "s3":
        return "S3 兼容对象存储（私有访问权限）"
    return "服务器本地磁盘（原件文件设为只读）"


def _stamp_summary(stamps: list[Timestamp], total: int) -> str:
    tsa = [s for s in stamps if s.kind == Timestamp.Kind.RFC3161]
    receipts = len(stamps) - len(tsa)
    parts = []
    if tsa:
        parts.append(
            f"{len(tsa)} 项证据的哈希值取得了时间戳机构（{', '.join(sorted({s.authority for s in tsa}))}）"
            f"出具的 RFC 3161 时间戳"
        )
    if receipts:
        parts.append(f"{receipts} 项证据仅有服务器以自有密钥签名的回执（未配置独立时间戳机构，证明力较弱）")
    if total - len(stamps):
        parts.append(f"{total - len(stamps)} 项证据没有时间戳")
    return "；".join(parts) + "。"


def _integrity_summary(items: list[EvidenceItem]) -> str:
    checks = CustodyEvent.objects.filter(item__in=items, action="processed_integrity")
    ok = sum(1 for c in checks if c.detail.get("ok"))
    return f"核对 {checks.count()} 次，一致 {ok} 次"


def _manifest(bundle: Bundle, exhibits: list, pdf_sha256: str, anchor: CustodyAnchor) -> dict:
    items = []
    collection = collection_records(bundle.case, [e.item for e in exhibits])
    for e in exhibits:
        stamp = bundle_zip.stamp_entry(e.number, e.stamp)
        items.append(
            {
                "exhibit": e.number,
                "label": f"证据{e.label}",
                "id": str(e.item.pk),
                "kind": e.item.kind,
                "original_filename": e.item.original_filename,
                "file": f"originals/{e.number:02d}_{bundle_zip.safe_name(e.item.original_filename)}",
                "sha256": e.item.sha256,
                "size": e.item.size,
                "mime": e.item.mime,
                "received_at": e.item.received_at.isoformat(),
                "occurred_at": e.item.occurred_at.isoformat() if e.item.occurred_at else None,
                "timestamp": {
                    "file": stamp[0],
                    "kind": e.stamp.kind,
                    "time": e.stamp.gen_time.isoformat(),
                    "authority": e.stamp.authority,
                }
                if stamp
                else None,
                "collection": collection[e.item.pk],
            }
        )
    anchor_entry = bundle_zip.custody_entry(anchor)
    assert anchor_entry is not None
    custody = {
        "events": anchor.events,
        "head": anchor.head,
        "digest": anchor.digest,
        "timestamp": {
            "file": anchor_entry[0],
            "kind": anchor.kind,
            "time": anchor.gen_time.isoformat(),
            "authority": anchor.authority,
        },
    }
    return {
        "bundle": str(bundle.pk),
        "case": {"id": str(bundle.case_id), "title": bundle.case.title},
        "made_at": timezone.now().isoformat(),
        "pdf": "bundle.pdf",
        "pdf_sha256": pdf_sha256,
        "items": items,
        "custody": custody,
    }


def bundle_build(bundle: Bundle) -> Bundle:
    """Render the PDF and write the ZIP to storage; mark the bundle ready. Idempotent."""
    if bundle.status == Bundle.Status.READY:
        return bundle
    Bundle.objects.filter(pk=bundle.pk).update(status=Bundle.Status.BUILDING)
    # The chain head is time-stamped for every bundle, so the bundle shows a later cut or rewrite;
    # first, so annex 1 of the PDF can state it too.
    anchor = custody_anchor(bundle.case, "bundle")
    assert anchor is not None, "the chain holds at least the bundle_requested event"
    context = {**bundle_context(bundle), "custody_anchor": anchor}
    _progress(bundle, 30)
    pdf = bundle_pdf.render_pdf(context)
    # Signed (and time-stamped) before anything records its hash: the manifest, the ZIP, the
    # verify page and the custody record all name these final bytes.
    pdf = pdf_signing.sign(pdf, "bundle")
    _progress(bundle, 70)
    pdf_sha = hashlib.sha256(pdf).hexdigest()
    storage, folder = evidence_storage(), f"bundles/{bundle.pk}"
    manifest = _manifest(bundle, context["exhibits"], pdf_sha, anchor)
    with tempfile.TemporaryDirectory(dir=settings.FILE_UPLOAD_TEMP_DIR) as tmp:
        zip_path = Path(tmp) / "bundle.zip"
        manifest_sha = bundle_zip.write_zip(zip_path, pdf, manifest, context["exhibits"], anchor)
        zip_sha = file_sha256(zip_path)
        for name in (f"{folder}/bundle.pdf", f"{folder}/bundle.zip"):
            if storage.exists(name):
                storage.delete(name)
        pdf_name = storage.save(f"{folder}/bundle.pdf", ContentFile(pdf))
        with open(zip_path, "rb") as fh:
            zip_name = storage.save(f"{folder}/bundle.zip", File(fh))
    with transaction.atomic():
        Bundle.objects.filter(pk=bundle.pk).update(
            status=Bundle.Status.READY,
            progress=100,
            pdf_name=pdf_name,
            zip_name=zip_name,
            pdf_sha256=pdf_sha,
            zip_sha256=zip_sha,
            manifest_sha256=manifest_sha,
            custody_anchor=anchor,
            finished=timezone.now(),
            error="",
        )
        custody_record(
            case=bundle.case,
            action="bundle_built",
            actor=WORKER,
            bundle=str(bundle.pk),
            pdf_sha256=pdf_sha,
            zip_sha256=zip_sha,
            manifest_sha256=manifest_sha,
            items=len(context["exhibits"]),
            custody_head=anchor.head,
            custody_events=anchor.events,
        )
    bundle.refresh_from_db()
    return bundle


def bundle_fail(bundle_id, error: str) -> None:
    Bundle.objects.filter(pk=bundle_id).update(status=Bundle.Status.FAILED, error=error)
