"""Write-once storage of originals, named by their SHA-256."""

from django.core.files import File
from django.core.files.storage import Storage, storages


def evidence_storage() -> Storage:
    """Return the storage that holds originals (local disk or S3, per settings)."""
    return storages["evidence"]


def original_name(sha256: str) -> str:
    """Return the storage name of the original with this hash."""
    return f"originals/{sha256[:2]}/{sha256}"


def store_original(content: File, sha256: str) -> tuple[str, bool]:
    """Store `content` once under its hash; return (name, whether it was written now).

    Identical bytes already stored are never rewritten. When two uploads of the
    same bytes race, the storage hands the loser another name; that copy is
    removed so exactly one original remains.
    """
    storage = evidence_storage()
    name = original_name(sha256)
    if storage.exists(name):
        return name, False
    saved = storage.save(name, content)
    if saved != name:
        storage.delete(saved)
        return name, False
    return name, True
