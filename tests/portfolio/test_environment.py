"""Settings come from the environment and refuse malformed values at start-up."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portfolio import environment

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(monkeypatch):
    def set_(**values):
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_


@pytest.mark.parametrize("word", ["ture", "maybe", "2"])
def test_a_misspelt_boolean_is_refused_not_guessed(env, word):
    env(DEBUG=word)
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        environment.boolean("DEBUG", default=False)


@pytest.mark.parametrize(("word", "value"), [("true", True), ("0", False), ("Yes", True), ("off", False)])
def test_booleans_in_the_usual_spellings(env, word, value):
    env(DEBUG=word)
    assert environment.boolean("DEBUG", default=not value) is value


@pytest.mark.parametrize(
    "url",
    ["mysql://root@localhost/db", "postgres//missing-colon", "postgres://u@h:port/db", "postgres://u@host:5432/"],
)
def test_a_database_url_we_cannot_use_is_refused(env, url):
    env(DATABASE_URL=url)
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        environment.database("DATABASE_URL", "sqlite:///x.sqlite3")


def test_a_postgres_database_url_is_parsed(env):
    env(DATABASE_URL="postgres://app:secret@db.internal:5433/portfolio")
    config = environment.database("DATABASE_URL", "sqlite:///x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == ("db.internal", 5433, "portfolio", "app")


@pytest.mark.parametrize("url", ["kafka://broker:9092", "redis:/missing-slashes", "redis://h:nine/0"])
def test_an_unknown_broker_url_is_refused(env, url):
    env(CELERY_BROKER_URL=url)
    with pytest.raises(ImproperlyConfigured, match="CELERY_BROKER_URL"):
        environment.url("CELERY_BROKER_URL", "filesystem://", {"filesystem", "redis", "amqp"})


@pytest.mark.parametrize("value", ["a,,b", "a b,c", ","])
def test_allowed_hosts_must_be_a_clean_list(env, value):
    env(ALLOWED_HOSTS=value)
    with pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS"):
        environment.words("ALLOWED_HOSTS", [])


def test_an_integer_out_of_range_is_refused(env):
    env(UPLOAD_MAX_BYTES="12")
    with pytest.raises(ImproperlyConfigured, match="UPLOAD_MAX_BYTES"):
        environment.integer("UPLOAD_MAX_BYTES", 1024, minimum=1024)


def _manage(*args, **env):
    unset = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "PYTHONPATH", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in unset}
    base["DJANGO_SETTINGS_MODULE"] = "portfolio.settings"
    base["VAR_DIR"] = str(ROOT / "var" / "test")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_manage_py_works_in_a_bare_checkout_shell():
    """No environment at all: manage.py is the developer's tool, so it runs in development mode
    (it used to fail with an opaque AppRegistryNotReady, the SECRET_KEY refusal swallowed)."""
    result = _manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_the_web_server_defaults_to_production_and_refuses_without_a_secret_key():
    unset = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "PYTHONPATH", "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", "import portfolio.wsgi"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k not in unset},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DEBUG="false", ALLOWED_HOSTS="portal.example.gov.cn")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="portal.example.gov.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
