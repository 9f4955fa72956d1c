"""Strict readers for settings that come from the environment.

django-environ parses URLs well but is lenient elsewhere: ``env.bool`` turns any unknown word into
False, so ``DEBUG=ture`` would silently switch a development machine into production mode (or the
reverse). Settings are read once at start-up, so a typo must stop the process with a message that
names the variable, not run with a guessed value.
"""

from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    value = env.str(name, default=None)
    return None if value is None else value.strip()


def boolean(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean: use one of true/false, 1/0, yes/no, on/off.")


def integer(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer.") from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise ImproperlyConfigured(f"{name}={number} is outside {minimum}..{maximum}.")
    return number


def string(name: str, default: str | None = None) -> str | None:
    value = _raw(name)
    return default if value is None or value == "" else value


def words(name: str, default: list[str]) -> list[str]:
    """A comma-separated list, e.g. ALLOWED_HOSTS=portal.example.gov.cn,10.0.0.5."""
    value = _raw(name)
    if value is None:
        return default
    items = [item.strip() for item in value.split(",")]
    if any(not item or " " in item for item in items):
        raise ImproperlyConfigured(f"{name}={value!r} must be a comma-separated list without empty items or spaces.")
    return items


def url(name: str, default: str, schemes: set[str]) -> str:
    """A URL whose scheme is one we know how to use; anything else is refused at start-up."""
    value = _raw(name) or default
    try:
        parts = urlsplit(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} is not a valid URL: {error}.") from None
    if parts.scheme not in schemes or "://" not in value:
        allowed = ", ".join(sorted(schemes))
        raise ImproperlyConfigured(f"{name}={value!r} must start with one of: {allowed} (then ://).")
    try:
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} has a port that is not a number.") from None
    return value


def database(name: str, default: str) -> dict:
    value = url(name, default, {"sqlite", "postgres", "postgresql", "pgsql"})
    config = environ.Env.db_url_config(value)
    if config["ENGINE"] == "django.db.backends.postgresql" and not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} must name a database, e.g. postgres://user@host:5432/portfolio.")
    return config


def email(name: str, default: str) -> dict:
    value = url(
        name, default, {"smtp", "smtps", "smtp+tls", "smtp+ssl", "consolemail", "filemail", "memorymail", "dummymail"}
    )
    return environ.Env.email_url_config(value)
