import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from projects.duplicates import index


class Command(BaseCommand):
    help = "Rebuild the similarity index of the duplicate-construction check from its sources."

    def add_arguments(self, parser):
        parser.add_argument(
            "--refresh",
            action="store_true",
            help="Only re-index what changed (what the nightly task does) instead of rebuilding everything.",
        )

    def handle(self, *args, refresh=False, **options):
        started = time.perf_counter()
        result = index.refresh() if refresh else index.rebuild()
        self.stdout.write(
            _("Similarity index: %(indexed)d entries indexed, %(dropped)d dropped in %(seconds).1f s.")
            % {"indexed": result.indexed, "dropped": result.dropped, "seconds": time.perf_counter() - started}
        )
