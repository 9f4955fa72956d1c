from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portfolio.models import Plan
from tasks.importing import ImportFileError, plan_import, read_workbook
from tasks.models import BlankDeadline
from tasks.services import ImportRefused, import_tasks


class Command(BaseCommand):
    help = (
        "Import a task list (任务分工表, .xlsx). Rows that cannot be read are reported with their row "
        "number and why; without --skip-bad-rows such a file imports nothing. Re-importing a file "
        "updates the tasks it created."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xlsx file.")
        parser.add_argument("--plan", type=int, help="The plan's id (needed when there is more than one plan).")
        parser.add_argument("--year", type=int, help="The year of deadlines such as 年底前 or 11月底.")
        parser.add_argument("--skip-bad-rows", action="store_true", help="Import the readable rows, skip the others.")
        parser.add_argument(
            "--assigned-on",
            type=date.fromisoformat,
            help="Date the task list was issued, YYYY-MM-DD (default: today). A task whose deadline is "
            "before it is imported and becomes overdue at the next scan.",
        )
        parser.add_argument(
            "--blank-deadline",
            choices=BlankDeadline.values,
            default=BlankDeadline.NONE,
            help="Rows that state no deadline: 'none' imports them without a due date (default), "
            "'year-end' gives them 31 December of --year.",
        )

    def handle(
        self, *args, file, plan=None, year=None, skip_bad_rows=False, assigned_on=None, blank_deadline="none", **options
    ):
        plan_obj = self._plan(plan)
        today = timezone.localdate()
        year = year or (today.year if plan_obj.covers(today.year) else plan_obj.start_year)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        try:
            rows = read_workbook(path.read_bytes())
        except ImportFileError as error:
            raise CommandError(f"{file}: {error}") from None
        planned = plan_import(
            rows, plan=plan_obj, year=year, assigned_on=assigned_on or today, blank_deadline=blank_deadline
        )
        for row in planned.rows:
            for message in row.errors:
                self.stderr.write(f"第{row.source.row}行 (row {row.source.row}): {message}")
            for message in row.warnings:
                self.stdout.write(f"第{row.source.row}行 (row {row.source.row}) warning: {message}")
        try:
            result = import_tasks(
                planned, plan=plan_obj, by=None, assigned_on=assigned_on or today, skip_bad_rows=skip_bad_rows
            )
        except ImportRefused as refused:
            raise CommandError(f"{refused} Fix the rows above, or run again with --skip-bad-rows.") from None
        self.stdout.write(
            self.style.SUCCESS(
                "Imported {created} new, {updated} updated, {unchanged} unchanged, {skipped} rows skipped.".format(
                    **result
                )
            )
        )

    def _plan(self, plan_id):
        if plan_id:
            found = Plan.objects.filter(pk=plan_id).first()
            if not found:
                raise CommandError(f"There is no plan with id {plan_id}.")
            return found
        plans = list(Plan.objects.all()[:2])
        if len(plans) != 1:
            listed = ", ".join(f"{p.pk}: {p.name}" for p in Plan.objects.all()[:20]) or "none"
            raise CommandError(f"Name the plan with --plan ID (plans: {listed}).")
        return plans[0]
