"""The Celery application. Tasks are thin: they take ids and call a service.

Serialization is JSON only (never pickle). Tasks are acknowledged late, so each is written to be
harmless if it runs twice. Code enqueues with ``task.delay_on_commit(...)`` (Celery's Django
task class), so a job never starts before the transaction that asked for it has committed, and
never starts at all if that transaction rolls back.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio.settings")

app = Celery("portfolio")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
