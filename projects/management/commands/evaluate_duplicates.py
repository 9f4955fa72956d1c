from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from projects.duplicates import evaluation


class Command(BaseCommand):
    help = (
        "Measure the duplicate check on a labelled set (precision, recall, partial accuracy, confusion "
        "matrix). Needs a database with no projects, systems or data resources; leaves nothing behind."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(evaluation.DATASET), help="Folder of the labelled set.")

    def handle(self, *args, path, **options):
        try:
            result = evaluation.run(Path(path))
        except evaluation.NotEmpty as error:
            raise CommandError(str(error)) from None
        for split in (None, "dev", "holdout"):
            self.stdout.write(f"== {split or 'all'}")
            for line in result.only(split).lines():
                self.stdout.write(line)
