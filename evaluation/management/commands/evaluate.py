from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from evaluation.services import evaluate_period
from portfolio.workflow import Conflict


class Command(BaseCommand):
    help = "Evaluate every project in operation for a period (a year); changes only results whose inputs changed."

    def add_arguments(self, parser):
        parser.add_argument("--period", type=int, help="The year to evaluate (default: this year).")
        parser.add_argument("--project", type=int, action="append", help="Only this project id (repeatable).")

    def handle(self, *args, period=None, project=None, **options):
        period = period or timezone.localdate().year
        if not 2000 <= period <= 2100:
            raise CommandError("The period is a year between 2000 and 2100.")
        try:
            run = evaluate_period(period, project_ids=project)
        except Conflict as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Period {run.period}: {run.projects} projects evaluated — "
            f"{run.created} new, {run.changed} changed, {run.unchanged} unchanged."
        )
