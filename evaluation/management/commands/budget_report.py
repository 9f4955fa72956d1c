import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from evaluation import exports, selectors
from portfolio import audit
from portfolio.models import AuditKind


class Command(BaseCommand):
    help = "Export the results-based budget report of a year as .xlsx or .csv (the numbers of GET budget/{year}/)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="The budget year (uses period year − 1).")
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("--output", help="File to write (default budget-YEAR.FORMAT; '-' for standard output).")

    def handle(self, *args, year, format, output=None, **options):
        if not 2000 <= year <= 2100:
            raise CommandError("The year is between 2000 and 2100.")
        with translation.override("zh-hans"):
            report = selectors.budget_report(year, user=_Reader())
            data = exports.report_xlsx(report) if format == "xlsx" else exports.report_csv(report)
        audit.record(AuditKind.EXPORT, action="command", label=f"budget-{year}.{format}", actor_name="manage.py")
        if output == "-":
            sys.stdout.buffer.write(data)
            return
        path = Path(output or f"budget-{year}.{format}")
        path.write_bytes(data)
        self.stdout.write(f"{len(report['lines'])} lines written to {path}.")


class _Reader:
    """The command runs as the system, which sees the whole region like finance."""

    is_authenticated = True
    sees_whole_region = True
    role = "finance"
