from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from projects.duplicates import check, evaluation, scoring


class Command(BaseCommand):
    help = (
        "Measure the duplicate check on labelled sets: precision and recall of duplicate and of overlap "
        "(duplicate or partial), the overlapped item in the top 3, three-class accuracy, the confusion "
        "matrix and the precision/recall curve over the decisive thresholds. With --fit, choose those "
        "thresholds from the sets and print them as settings. Needs a database with no projects, "
        "systems or data resources; leaves nothing behind."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="*",
            default=[str(evaluation.DATASET)],
            help="Folders of labelled sets (catalogue.json, proposals.json); default: the shipped set.",
        )
        parser.add_argument(
            "--fit",
            action="store_true",
            help="Choose the decisive thresholds from these sets (all their proposals) and print them.",
        )
        parser.add_argument("--no-curve", action="store_true", help="Do not print the precision/recall curve.")

    def handle(self, *args, paths, fit, no_curve, **options):
        thresholds = scoring.Thresholds.from_settings(check.config())
        results = {}
        for path in paths:
            try:
                results[path] = evaluation.run(Path(path), thresholds)
            except evaluation.NotEmpty as error:
                raise CommandError(str(error)) from None
            except FileNotFoundError as error:
                raise CommandError(str(error)) from None
        combined = evaluation.Evaluation(cases=[case for result in results.values() for case in result.cases])
        if fit:
            thresholds, _ = evaluation.fit(combined, thresholds)
            self.stdout.write("== fitted thresholds (settings.DUPLICATE_CHECK)")
            for name in evaluation.DECISIVE:
                self.stdout.write(f'    "{name.upper()}": {getattr(thresholds, name)},')
        for path, result in results.items():
            result = result.under(thresholds)
            self.stdout.write(f"##### {path}")
            splits = sorted({o.split for o in result.outcomes})
            for split in (None, *splits) if len(splits) > 1 else (None,):
                self.stdout.write(f"== {split or 'all'}")
                for line in result.only(split).lines():
                    self.stdout.write(line)
        if len(results) > 1:
            self.stdout.write("##### all sets together")
            self.stdout.write("== combined")
            for line in combined.under(thresholds).lines():
                self.stdout.write(line)
        if not no_curve:
            self.stdout.write("== precision/recall curve over the decisive thresholds (* the setting in force)")
            for line in combined.under(thresholds).curve(thresholds):
                self.stdout.write(line)
