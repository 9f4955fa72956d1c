"""Test settings: the real settings, with what tests must not share with a running app.

DATABASE_URL and CELERY_BROKER_URL come from the environment as in production (CI points them at
PostgreSQL and Redis). Tests enqueue onto an in-memory broker unless they start a real worker
(tests marked ``worker``), which use the configured broker with a queue of their own.
"""

import os
from pathlib import Path

os.environ.setdefault("DEBUG", "true")
# Per checkout, so two working copies (or git worktrees) never share a test database file.
os.environ.setdefault("VAR_DIR", str(Path(__file__).resolve().parent.parent / "var" / "test"))

from portfolio.settings import *  # noqa: F403
from portfolio.settings import CELERY_BROKER_URL, STORAGES, VAR_DIR

# The broker the environment names, for the tests that run a real worker. Everything else
# enqueues onto memory://; Celery reads CELERY_BROKER_URL from the environment before its
# configuration, so the variable must go, or tests would fill the real broker's queues.
REAL_CELERY_BROKER_URL = CELERY_BROKER_URL
os.environ.pop("CELERY_BROKER_URL", None)
CELERY_BROKER_URL = "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests are not about hashing
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {**STORAGES, "default": {**STORAGES["default"], "OPTIONS": {"location": str(VAR_DIR / "test-uploads")}}}
LANGUAGE_CODE = "zh-hans"
# Rows of these apps are recreated by Django after every flush (post_migrate); restoring them
# from the serialized copy as well would collide (see tests/conftest.py).
TEST_NON_SERIALIZED_APPS = ["django.contrib.contenttypes", "django.contrib.auth"]

(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)  # WhiteNoise warns if STATIC_ROOT is missing
