from django.core.management.base import BaseCommand, CommandError

from evidence.sanity import sanity_check_run


class Command(BaseCommand):
    help = "Re-hash every stored original and derived file against its record (also run daily by the worker)."

    def handle(self, *args, **options):
        run = sanity_check_run()
        for p in run.problems:
            self.stdout.write(f"PROBLEM {p['what']} {p['file']} of item {p['item']} (case {p['case']}): {p['problem']}")
        if run.problems:
            raise CommandError(f"{len(run.problems)} problem(s) in {run.files_checked} file(s)")
        self.stdout.write(f"OK: {run.files_checked} file(s) match their records")
