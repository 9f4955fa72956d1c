import random
import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from portfolio.models import Organization
from portfolio.scale import Scale, seed_core

SIZES = {  # option: (default, help)
    "cities": (100, "City regions (each with orgs/cities organizations)."),
    "orgs": (2000, "Organizations in all."),
    "systems": (5000, "Information systems."),
    "data_resources": (0, "Data resources."),
    "projects": (0, "Projects (projects app)."),
    "tasks": (0, "Key tasks (tasks app)."),
    "ratings": (0, "Satisfaction ratings (evaluation app)."),
}


class Command(BaseCommand):
    help = "Fill an empty database with large synthetic data for benchmarks (never for a real one)."

    def add_arguments(self, parser):
        for name, (default, text) in SIZES.items():
            parser.add_argument(f"--{name.replace('_', '-')}", dest=name, type=int, default=default, help=text)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, seed=7, **options):
        if Organization.objects.exists():
            raise CommandError("seed_scale fills an empty database only (it is meant for a benchmark database).")
        sizes = {name: options[name] for name in SIZES}
        scale = Scale(sizes=sizes, rng=random.Random(seed))  # noqa: S311 -- synthetic data, not secrets
        started = time.perf_counter()
        seed_core(scale)
        for config in apps.get_app_configs():
            seeder = getattr(config, "seed_scale", None)
            if callable(seeder):
                seeder(scale)
        self.stdout.write(f"Seeded {sizes} in {time.perf_counter() - started:.0f} s.")
