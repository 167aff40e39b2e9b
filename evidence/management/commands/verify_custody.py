from django.core.management.base import BaseCommand, CommandError

from cases.models import Case
from evidence.custody import chain_first_break
from evidence.models import CustodyEvent


class Command(BaseCommand):
    help = "Check every case's custody chain; name the first broken link of each broken chain."

    def add_arguments(self, parser):
        parser.add_argument("--case", help="check only this case (its UUID)")

    def handle(self, *args, case=None, **options):
        cases = Case.objects.filter(pk=case) if case else Case.objects.all()
        broken = 0
        for c in cases.order_by("created"):
            event = chain_first_break(c)
            if event is not None:
                broken += 1
                self.stdout.write(f"BROKEN case {c.pk}: first bad event #{event.pk} "
                                  f"({event.action} at {event.at.isoformat()})")
        checked = CustodyEvent.objects.filter(case__in=cases).count()
        if broken:
            raise CommandError(f"{broken} custody chain(s) broken")
        self.stdout.write(f"OK: {cases.count()} case(s), {checked} custody event(s), every chain intact")
