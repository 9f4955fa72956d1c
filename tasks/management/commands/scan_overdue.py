from django.core.management.base import BaseCommand

from tasks.scan import run_scan


class Command(BaseCommand):
    help = "Open and close task warnings now (the same scan Celery beat runs hourly)."

    def handle(self, *args, **options):
        result = run_scan()
        self.stdout.write(result.summary())
