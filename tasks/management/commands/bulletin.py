from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portfolio.workflow import RequirementsNotMet
from tasks.bulletin import BulletinExists, generate_bulletin, previous_month
from tasks.selectors import parse_month


class Command(BaseCommand):
    help = "Generate, archive and send the monthly supervision bulletin (督查通报) for --month YYYY-MM."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="the month reported on, YYYY-MM (default: last month)")

    def handle(self, *args, month=None, **options):
        chosen = parse_month(month) if month else previous_month(timezone.localdate())
        if chosen is None:
            raise CommandError(f"--month {month!r}: write the month as YYYY-MM, e.g. 2026-11.")
        try:
            bulletin = generate_bulletin(chosen)
        except BulletinExists as exists:
            raise CommandError(f"{exists.bulletin.number} was already issued for {chosen:%Y-%m}.") from None
        except RequirementsNotMet as error:
            raise CommandError(" ".join(str(m) for m in error.errors.values())) from None
        self.stdout.write(f"{bulletin.number}: {bulletin.recipients} recipient(s) notified.")
