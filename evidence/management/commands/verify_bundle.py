import json
import zipfile

from django.core.management.base import BaseCommand, CommandError

from evidence.bundle.archive import verify_zip
from evidence.models import Bundle, EvidenceItem


class Command(BaseCommand):
    help = "Check a bundle ZIP: every file against its manifest, and the manifest against this site's records."

    def add_arguments(self, parser):
        parser.add_argument("zip_path")

    def handle(self, *args, zip_path, **options):
        try:
            problems = verify_zip(zip_path)
            with zipfile.ZipFile(zip_path) as archive:
                manifest = json.loads(archive.read("manifest.json"))
        except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise CommandError(f"not a readable bundle: {exc}") from exc
        problems += against_records(manifest)
        for problem in problems:
            self.stdout.write(f"MISMATCH {problem}")
        if problems:
            raise CommandError(f"{len(problems)} problem(s) found")
        self.stdout.write(f"OK: bundle.pdf and {len(manifest['items'])} original(s) match the manifest "
                          "and the site's records")


def against_records(manifest: dict) -> list[str]:
    """Return where a manifest disagrees with what this site recorded when it made the bundle."""
    bundle = Bundle.objects.filter(pk=manifest.get("bundle")).first()
    if bundle is None:
        return ["this site has no record of the bundle"]
    problems = [] if bundle.pdf_sha256 == manifest.get("pdf_sha256") else [
        "manifest: the PDF's hash differs from the site's record"]
    recorded = {str(pk): sha for pk, sha in
                EvidenceItem.objects.filter(pk__in=[i["id"] for i in manifest["items"]]).values_list("pk", "sha256")}
    problems += [f"manifest: exhibit {entry['exhibit']} differs from the site's record"
                 for entry in manifest["items"] if recorded.get(entry["id"]) != entry["sha256"]]
    return problems
