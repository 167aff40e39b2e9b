import binascii

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from evidence.custody import custody_key
from evidence.export.check import Unreadable, decode_key, export_report
from evidence.processing import timestamps


class Command(BaseCommand):
    help = (
        "Check the parts of a case's full copy, offline and from the parts alone: every listed file "
        "present with its SHA-256, no file outside the manifest, the manifest's time stamp, and the "
        "custody chain with its time-stamped heads."
    )

    def add_arguments(self, parser):
        parser.add_argument("zip_paths", nargs="+", help="every part of the copy")
        parser.add_argument("--custody-key", default="", help="the site's custody key (base64), to check HMACs")

    def handle(self, *args, zip_paths, custody_key, **options):
        try:
            report = export_report(
                zip_paths, roots=timestamps.tsa_roots(settings.TSA_CA_FILE), custody_key=self._key(custody_key)
            )
        except Unreadable as exc:
            raise CommandError(f"not a readable copy: {exc}") from exc
        for note in report.notes:
            self.stdout.write(f"NOTE {note}")
        for problem in report.problems:
            self.stdout.write(f"MISMATCH {problem}")
        if report.problems:
            raise CommandError(f"{len(report.problems)} problem(s) found")
        files = report.manifest.get("files", [])
        self.stdout.write(
            f"OK: {len(files)} file(s) in {report.manifest.get('parts')} part(s) match the manifest; "
            "the manifest's time stamp and the custody chain verify"
        )

    def _key(self, given: str) -> bytes | None:
        """The key given, else this site's own when it has one (never creates one)."""
        if given:
            try:
                return decode_key(given)
            except (ValueError, binascii.Error) as exc:
                raise CommandError(str(exc)) from exc
        if settings.CUSTODY_KEY or settings.CUSTODY_KEY_FILE.exists():
            return custody_key()
        return None
