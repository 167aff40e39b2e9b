from django.core.management.base import BaseCommand, CommandError

from cases.models import Case
from evidence.custody_check import custody_problems
from evidence.models import CustodyEvent


class Command(BaseCommand):
    help = (
        "Check every case's custody record: the keyed chain, its time-stamped heads (a cut tail or a "
        "rewritten chain), and each item against its 'received' event."
    )

    def add_arguments(self, parser):
        parser.add_argument("--case", help="check only this case (its UUID)")

    def handle(self, *args, case=None, **options):
        cases = Case.objects.filter(pk=case) if case else Case.objects.all()
        broken = 0
        for c in cases.order_by("created"):
            problems = custody_problems(c)
            broken += bool(problems)
            for problem in problems:
                self.stdout.write(f"BROKEN case {c.pk}: {problem}")
        checked = CustodyEvent.objects.filter(case__in=cases).count()
        if broken:
            raise CommandError(f"{broken} custody record(s) broken")
        self.stdout.write(f"OK: {cases.count()} case(s), {checked} custody event(s), every chain intact")
