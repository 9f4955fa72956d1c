import random
import secrets

from django.apps import apps
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from portfolio.demo import DemoCity
from portfolio.models import Organization


def generate_password() -> str:
    # Random, and always mixing the four character classes the password policy asks for.
    return f"Lj{secrets.token_urlsafe(9)}-7a"


class Command(BaseCommand):
    help = (
        "Build the demo city 临江市 (regions, organizations, one account per role, plan, assets, and each app's data)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Password for every demo account (default: generated and printed).")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if the database already has data.")
        parser.add_argument("--seed", type=int, default=2025, help="Random seed, for repeatable demo data.")

    def handle(self, *args, password=None, if_empty=False, seed=2025, **options):
        if Organization.objects.exists():
            if if_empty:
                self.stdout.write("The database already holds data; the demo city was not seeded again.")
                return
            raise CommandError(
                "The database already holds organizations: seed_demo only builds a city in an empty database."
            )
        password = password or generate_password()
        try:
            validate_password(password)
        except ValidationError as error:
            raise CommandError("The password does not meet the policy: " + " ".join(error.messages)) from None

        rng = random.Random(seed)  # noqa: S311 -- repeatable demo data, not a secret
        demo = DemoCity(rng=rng, password=password, today=timezone.localdate(), out=self.stdout)
        self.stdout.write("Seeding the demo city 临江市 …")
        with transaction.atomic():
            for config in apps.get_app_configs():
                seeder = getattr(config, "seed_demo", None)
                if callable(seeder):
                    seeder(demo)

        lines = [
            f"  {username:<11} {user.name} · {user.organization} · {user.get_role_display()}"
            for username, user in demo.users.items()
        ]
        summary = "\n".join(
            [
                "Demo accounts (username · name · organization · role):",
                *lines,
                f"Password for every demo account: {password}",
            ]
        )
        self.stdout.write(self.style.SUCCESS(summary))
        note = settings.VAR_DIR / "demo-accounts.txt"
        note.parent.mkdir(parents=True, exist_ok=True)
        note.write_text(summary + "\n", encoding="utf-8")
        self.stdout.write(f"(Also written to {note}.)")
