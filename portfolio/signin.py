"""Sign-in with a throttle that holds under concurrent attempts.

Each attempt first *reserves* a place in two counters with one atomic upsert each, and only then
checks the password. A read-then-write counter (or DRF's cache throttle alone) lets twenty
simultaneous guesses all read "4 failures" and all get through; here the database hands out the
numbers 1..20 and only the first LOGIN_MAX_FAILURES are checked at all.

The counters are per *account and address* (LOGIN_MAX_FAILURES) and per address
(LOGIN_MAX_FAILURES_PER_ADDRESS), never per account alone: a per-account lock lets anyone lock a
colleague out by typing wrong passwords for them, and the real user, from their own address, is
not slowed by guesses from elsewhere. Against guessing from many addresses stands the password
policy (portfolio/passwords.py). The address is the client's: behind TRUSTED_PROXY_COUNT reverse
proxies it is read from X-Forwarded-For, counted from the right (the part the proxies wrote, not
what the client sent); with none configured the header is ignored, as a client could forge it.
"""

import datetime
import ipaddress
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


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the entry of
    X-Forwarded-For the outermost trusted proxy wrote."""
    if request is None:
        return "unknown"
    remote = request.META.get("REMOTE_ADDR") or "unknown"
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote  # it did not come through all the proxies: only the connection is known
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


@records_throttled  # an attempt the throttle refuses never reaches authenticate()'s signal
def sign_in(request, username: str, password: str):
    """Return the user for these credentials, None if they are wrong; raise SignInThrottled."""
    address = client_address(request)
    account_key = f"user:{(username or '').strip().lower()[:120]}|{address}"  # within the key's 200
    address_key = f"addr:{address}"
    attempts, left = _reserve(account_key)
    address_attempts, address_left = _reserve(address_key)
    if attempts > settings.LOGIN_MAX_FAILURES:
        raise SignInThrottled(retry_after=int(left.total_seconds()) + 1)
    if address_attempts > settings.LOGIN_MAX_FAILURES_PER_ADDRESS:
        raise SignInThrottled(retry_after=int(address_left.total_seconds()) + 1)
    user = authenticate(request, username=username, password=password)
    if user is not None:
        # A success clears the account's failures from this address and gives the address its
        # place back, so one office behind a single NAT address is not locked out by its own.
        LoginThrottle.objects.filter(key=account_key).delete()
        LoginThrottle.objects.filter(key=address_key, attempts__gt=0).update(attempts=F("attempts") - 1)
    return user
