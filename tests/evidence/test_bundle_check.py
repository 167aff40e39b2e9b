"""verify_bundle checks the whole bundle: tampered copies of a real bundle ZIP, each problem named."""

import io
import json
import subprocess
import zipfile
from datetime import UTC, datetime

import pytest
from asn1crypto import tsp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.models import Case
from evidence.bundle_check import bundle_problems
from evidence.models import Bundle, CustodyEvent
from evidence.processing import timestamps
from evidence.storage.originals import evidence_storage
from tests.evidence.test_custody_proofs import as_database_owner
from tests.tsa_server import LocalTsa, forge_reply

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
STATEMENT = "5月12日晚上十一点，一个陌生号码打给我，说我儿子欠钱不还，还说要去他单位闹。" * 20


@pytest.fixture
def made(client, alice_case, alice_api, send, django_capture_on_commit_callbacks, tmp_path):
    """A real bundle of three exhibits, downloaded as the lawyer would: (bundle, ZIP bytes)."""
    send("statement.txt", STATEMENT.encode(), "statement")
    send("overdue-notice.txt", ("逾期通知：" + "请于三日内还款。" * 400).encode(), "document")
    send("call-log.txt", "\n".join(f"2025-05-{d:02d} 23:15 13812345678" for d in range(1, 29)).encode(), "document")
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/api/v1/cases/{alice_case.id}/bundles", {}, content_type="application/json", **alice_api)
    bundle = Bundle.objects.get(pk=r.json()["id"])
    assert bundle.status == "ready", bundle.error
    response = client.get(f"/api/v1/bundles/{bundle.id}/zip", **alice_api)
    return bundle, b"".join(response.streaming_content)


def rezip(data: bytes, path, *, drop=(), add=None, manifest=None) -> str:
    """Write a copy of a bundle ZIP with files dropped, added or replaced, or the manifest edited."""
    source = zipfile.ZipFile(io.BytesIO(data))
    original = json.loads(source.read("manifest.json"))
    edited = manifest(original) if manifest else original
    with zipfile.ZipFile(path, "w") as out:
        for name in source.namelist():
            if name in drop or name in (add or {}):
                continue
            out.writestr(
                name,
                json.dumps(edited, ensure_ascii=False, indent=2)
                if name == "manifest.json" and manifest
                else source.read(name),
            )
        for name, content in (add or {}).items():
            out.writestr(name, content)
    return str(path)


def problems_of(path) -> list[str]:
    return bundle_problems(path)[1]


def names(problems: list[str]) -> set[str]:
    return {p.split(":")[0] for p in problems}


def test_an_untouched_bundle_verifies_in_full(made, tmp_path, capsys):
    _bundle, data = made
    (tmp_path / "b.zip").write_bytes(data)
    call_command("verify_bundle", str(tmp_path / "b.zip"))
    out = capsys.readouterr().out
    assert "every time stamp and the custody chain head verify" in out
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("manifest.json"))
    assert manifest["custody"]["events"] == CustodyEvent.objects.filter(case=_bundle.case).count() - 2
    assert manifest["custody"]["timestamp"]["file"] == "timestamps/custody-head.json"
    pdf = tmp_path / "bundle.pdf"
    pdf.write_bytes(zipfile.ZipFile(io.BytesIO(data)).read("bundle.pdf"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "链头时间戳" in text and manifest["custody"]["head"][:16] in text.replace("\n", "")


def test_every_kind_of_tampering_is_named(made, tmp_path, bob, capsys):
    bundle, data = made
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("manifest.json"))
    first, second, third = manifest["items"]

    extra = rezip(data, tmp_path / "extra.zip", add={"originals/04_note.txt": b"planted"})
    assert names(problems_of(extra)) == {"extra file", "zip"}

    missing_file = rezip(data, tmp_path / "missing.zip", drop={second["file"]})
    assert f"missing file: {second['file']}" in problems_of(missing_file)

    def without_third(m):
        m["items"] = m["items"][:2]
        return m

    cut = rezip(data, tmp_path / "cut.zip", drop={third["file"], third["timestamp"]["file"]}, manifest=without_third)
    assert "missing exhibit" in names(problems_of(cut)) and "manifest" in names(problems_of(cut))

    def swapped(m):
        a, b = m["items"][0], m["items"][1]
        a["exhibit"], b["exhibit"] = 2, 1
        m["items"] = [b, a]
        return m

    assert "swapped exhibit" in names(problems_of(rezip(data, tmp_path / "swapped.zip", manifest=swapped)))

    # Another victim's file slipped in as exhibit 4, with its own true hash.
    other = Case.objects.create(owner=bob, title="bob")
    foreign = b"another victim's overdue notice"
    import hashlib

    def added(m):
        m["items"].append(
            {
                **first,
                "exhibit": 4,
                "id": str(other.pk),
                "file": "originals/04_other.txt",
                "sha256": hashlib.sha256(foreign).hexdigest(),
                "timestamp": None,
            }
        )
        return m

    extra_exhibit = rezip(data, tmp_path / "extra-exhibit.zip", add={"originals/04_other.txt": foreign}, manifest=added)
    assert "extra exhibit" in names(problems_of(extra_exhibit))

    # An original rewritten and the manifest's hash recomputed to match it.
    changed = STATEMENT.replace("十一点", "十二点").encode()

    def rewritten(m):
        m["items"][0]["sha256"] = hashlib.sha256(changed).hexdigest()
        return m

    rewrite = rezip(data, tmp_path / "rewritten.zip", add={first["file"]: changed}, manifest=rewritten)
    found = problems_of(rewrite)
    assert {"exhibit 1", "manifest", "time stamp of exhibit 1"} <= names(found), found

    forged_receipt = timestamps.server_receipt(
        first["sha256"], first["id"], datetime(2020, 1, 1, tzinfo=UTC), Ed25519PrivateKey.generate()
    ).token
    forged = rezip(data, tmp_path / "forged.zip", add={first["timestamp"]["file"]: forged_receipt})
    assert any(
        p.startswith("time stamp of exhibit 1: the server receipt's signature does not verify")
        for p in problems_of(forged)
    )
    head = rezip(data, tmp_path / "head.zip", add={"timestamps/custody-head.json": forged_receipt})
    assert "time stamp of the custody head" in names(problems_of(head))

    with pytest.raises(CommandError, match="problem"):
        call_command("verify_bundle", extra)
    assert "MISMATCH extra file: originals/04_note.txt is not in the manifest" in capsys.readouterr().out


def test_a_custody_chain_cut_or_rewritten_after_the_bundle_is_named(made, tmp_path):
    bundle, data = made
    path = tmp_path / "b.zip"
    path.write_bytes(data)
    events = list(CustodyEvent.objects.filter(case=bundle.case).order_by("id"))
    with as_database_owner():
        CustodyEvent.objects.filter(pk__in=[e.pk for e in events[-4:]])._raw_delete(CustodyEvent.objects.db)
    assert any(p.startswith("custody: the case's chain was cut") for p in problems_of(path))
    with as_database_owner():
        for event in events[-4:]:
            event.detail = {"forged": True}
            CustodyEvent.objects.bulk_create([event])
    assert any(p.startswith("custody: the case's chain was rewritten") for p in problems_of(path))


def test_rfc3161_tokens_in_a_bundle_are_verified_and_a_forged_one_is_named(
    client, alice_case, alice_api, send, settings, django_capture_on_commit_callbacks, tmp_path
):
    with LocalTsa() as tsa:
        settings.TSA_URL, settings.TSA_CA_FILE = tsa.url, str(tsa.ca_file)
        item = send("statement.txt", STATEMENT.encode(), "statement")
        with django_capture_on_commit_callbacks(execute=True):
            r = client.post(f"/api/v1/cases/{alice_case.id}/bundles", {}, content_type="application/json", **alice_api)
        data = b"".join(client.get(f"/api/v1/bundles/{r.json()['id']}/zip", **alice_api).streaming_content)
        path = tmp_path / "b.zip"
        path.write_bytes(data)
        assert problems_of(path) == []
        request = tsp.TimeStampReq.load(timestamps.rfc3161_request(item.sha256, 1))
        forged = forge_reply(
            item.sha256, request["nonce"].native, (tsa.dir / "ca.key").read_bytes(), (tsa.dir / "ca.pem").read_bytes()
        )
        found = problems_of(rezip(data, tmp_path / "forged.zip", add={"timestamps/01.tsr": forged}))
        assert any(p.startswith("time stamp of exhibit 1: the RFC 3161 token does not verify") for p in found), found
    with evidence_storage().open(item.stored_name, "rb") as fh:
        assert fh.read() == STATEMENT.encode()
