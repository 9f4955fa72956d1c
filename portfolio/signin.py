"""Sign-in with a throttle that holds under concurrent attempts.

Each attempt first *reserves* a place in the per-account and per-address counters with one atomic
upsert, and only then checks the password. A read-then-write counter (or DRF's cache throttle
alone) lets twenty simultaneous guesses all read "4 failures" and all get through; here the
database hands out the numbers 1..20 and only the first LOGIN_MAX_FAILURES are checked at all.
"""

import datetime
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from portfolio.audit import records_throttled
from portfolio.models import LoginThrottle


@dataclass
class SignInThrottled(Exception):
    retry_after: int  # seconds

    @property
    def minutes(self) -> int:
        return max(1, -(-self.retry_after // 60))


def _reserve(key: str) -> tuple[int, timedelta]:
    """Count one attempt for ``key``; return the attempt's number in the window and time left."""
    now = timezone.now()
    window = timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    table = connection.ops.quote_name(LoginThrottle._meta.db_table)
    adapt = connection.ops.adapt_datetimefield_value
    # The table name is ours (quoted by the backend); every value is a bound parameter.
    sql = f"""
        INSERT INTO {table} (key, window_started_at, attempts) VALUES (%s, %s, 1)
        ON CONFLICT (key) DO UPDATE SET
            attempts = CASE WHEN {table}.window_started_at < %s THEN 1 ELSE {table}.attempts + 1 END,
            window_started_at = CASE WHEN {table}.window_started_at < %s THEN %s
                                     ELSE {table}.window_started_at END
        RETURNING attempts, window_started_at
    """  # noqa: S608
    expired_before = adapt(now - window)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [key, adapt(now), expired_before, expired_before, adapt(now)])
        attempts, started = cursor.fetchone()
    if isinstance(started, str):  # SQLite returns the stored text
        started = LoginThrottle._meta.get_field("window_started_at").to_python(started)
    if timezone.is_naive(started):
        started = timezone.make_aware(started, datetime.UTC)
    return attempts, started + window - now


def _client_address(request) -> str:
    return (request.META.get("REMOTE_ADDR") or "unknown") if request is not None else "unknown"


@records_throttled  # an attempt the throttle refuses never reaches authenticate()'s signal
def sign_in(request, username: str, password: str):
    """Return the user for these credentials, None if they are wrong; raise SignInThrottled."""
    account_key = f"user:{(username or '').strip().lower()}"
    address_key = f"addr:{_client_address(request)}"
    attempts, left = _reserve(account_key)
    address_attempts, address_left = _reserve(address_key)
    if attempts > settings.LOGIN_MAX_FAILURES:
        raise SignInThrottled(retry_after=int(left.total_seconds()) + 1)
    if address_attempts > settings.LOGIN_MAX_FAILURES_PER_ADDRESS:
        raise SignInThrottled(retry_after=int(address_left.total_seconds()) + 1)
    user = authenticate(request, username=username, password=password)
    if user is not None:
        # A success clears the account's failures and gives the address its place back, so one
        # office behind a single NAT address is not locked out by its own colleagues.
        LoginThrottle.objects.filter(key=account_key).delete()
        LoginThrottle.objects.filter(key=address_key, attempts__gt=0).update(attempts=F("attempts") - 1)
    return user
