"""The Celery application. Tasks are thin: they take ids and call a service.

Serialization is JSON only (never pickle). Tasks are acknowledged late, so each is written to be
harmless if it runs twice. Code enqueues with ``portfolio.tasks.enqueue_on_commit(task, ...)``,
so a job never starts before the transaction that asked for it has committed, never starts at all
if that transaction rolls back, and a broker that is down never turns the committed change into an
error answer (a periodic sweep picks up what could not be enqueued).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio.settings")

app = Celery("portfolio")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
