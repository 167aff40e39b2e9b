from django.core.management.base import BaseCommand, CommandError

from evidence.bundle_check import Unreadable, bundle_problems


class Command(BaseCommand):
    help = (
        "Check a bundle ZIP as a whole: every exhibit listed and no other, no file outside the manifest, "
        "the manifest's own hash, every time stamp, the PDF's signature (the site's certificate, its time "
        "stamps), and the custody chain head against its time stamp."
    )

    def add_arguments(self, parser):
        parser.add_argument("zip_path")

    def handle(self, *args, zip_path, **options):
        try:
            manifest, problems = bundle_problems(zip_path)
        except Unreadable as exc:
            raise CommandError(f"not a readable bundle: {exc}") from exc
        for problem in problems:
            self.stdout.write(f"MISMATCH {problem}")
        if problems:
            raise CommandError(f"{len(problems)} problem(s) found")
        self.stdout.write(
            f"OK: bundle.pdf and {len(manifest['items'])} original(s) match the manifest "
            "and the site's records; the PDF's signature, every time stamp and the custody chain head verify"
        )
