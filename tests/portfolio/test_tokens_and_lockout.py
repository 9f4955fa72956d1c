"""API tokens expire, end with a password change and can be revoked; the sign-in throttle slows a
guesser without locking the real user out, and counts the real client behind a trusted proxy."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from portfolio.models import LoginThrottle
from tests import factories

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"
WRONG = "Nope-nope-1"


def _token(client=None, username="owner", password=factories.PASSWORD, **extra):
    client = client or APIClient()
    return client.post(TOKEN_URL, {"username": username, "password": password}, **extra)


def _as(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_token_says_when_it_expires_and_is_refused_after(owner, settings):
    response = _token()
    assert response.status_code == 200
    key = response.json()["token"]
    expires = response.json()["expires_at"]
    assert expires.startswith(str((timezone.localdate() + timedelta(days=settings.API_TOKEN_DAYS)).year))
    assert _as(key).get("/api/v1/auth/me/").status_code == 200
    Token.objects.filter(key=key).update(created=timezone.now() - timedelta(days=settings.API_TOKEN_DAYS, seconds=1))
    refused = _as(key).get("/api/v1/auth/me/")
    assert refused.status_code == 401 and "过期" in refused.json()["detail"]
    fresh = _token().json()["token"]
    assert fresh != key and _as(fresh).get("/api/v1/auth/me/").status_code == 200


def test_an_expired_token_is_replaced_when_a_new_one_is_asked_for(owner, settings):
    key = _token().json()["token"]
    Token.objects.filter(key=key).update(created=timezone.now() - timedelta(days=settings.API_TOKEN_DAYS + 1))
    assert _token().json()["token"] != key


def test_a_password_change_ends_the_token(api, owner, manager):
    key = _token().json()["token"]
    assert _as(key).get("/api/v1/auth/me/").status_code == 200
    changed = api.as_(manager).patch(f"/api/v1/users/{owner.pk}/", {"password": "Linjiang-2026-new"})
    assert changed.status_code == 200, changed.json()
    assert _as(key).get("/api/v1/auth/me/").status_code == 401
    assert _token(password="Linjiang-2026-new").status_code == 200


def test_saving_the_user_without_a_new_password_keeps_the_token(owner):
    key = _token().json()["token"]
    owner.name = "张伟（已调岗）"
    owner.save()
    assert _as(key).get("/api/v1/auth/me/").status_code == 200


def test_the_holder_revokes_its_token(owner):
    key = _token().json()["token"]
    assert _as(key).delete(TOKEN_URL).status_code == 204
    assert _as(key).get("/api/v1/auth/me/").status_code == 401
    assert APIClient().delete(TOKEN_URL).status_code == 401


def test_guesses_from_one_address_do_not_lock_the_user_out_of_another(owner, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES + 3):
        _token(password=WRONG, REMOTE_ADDR="203.0.113.9")
    assert _token(REMOTE_ADDR="203.0.113.9").status_code == 429  # the guesser's address waits
    assert _token(REMOTE_ADDR="198.51.100.20").status_code == 200  # the real user does not


def test_an_address_over_its_limit_waits_for_every_account(owner, other_owner, settings):
    settings.LOGIN_MAX_FAILURES_PER_ADDRESS = 6
    for username in ["a", "b", "c", "d", "e", "f"]:
        _token(username=username, password=WRONG, REMOTE_ADDR="203.0.113.9")
    assert _token(REMOTE_ADDR="203.0.113.9").status_code == 429
    assert _token(REMOTE_ADDR="198.51.100.20").status_code == 200


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(owner, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for number in range(settings.LOGIN_MAX_FAILURES):
        _token(password=WRONG, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
    # A guesser cannot buy fresh tries by inventing a header: all five counted against 10.0.0.1.
    assert _token(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429
    assert LoginThrottle.objects.filter(key__startswith="addr:").get().key == "addr:10.0.0.1"


def test_behind_a_trusted_proxy_each_client_is_counted_apart(owner, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(settings.LOGIN_MAX_FAILURES):
        # The client puts its own X-Forwarded-For first; the proxy appends the real address.
        _token(password=WRONG, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9", **proxy)
    assert _token(HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy).status_code == 429
    assert _token(HTTP_X_FORWARDED_FOR="198.51.100.20", **proxy).status_code == 200  # a colleague
    keys = set(LoginThrottle.objects.values_list("key", flat=True))
    assert "addr:203.0.113.9" in keys and "addr:10.0.0.1" not in keys and "addr:1.2.3.4" not in keys


def test_a_forwarded_value_that_is_not_an_address_falls_back_to_the_connection(owner, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    _token(password=WRONG, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="<script>")
    assert LoginThrottle.objects.filter(key="addr:10.0.0.1").exists()


def test_the_sign_in_page_counts_per_account_and_address_too(client, owner, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        client.post("/accounts/login/", {"username": "owner", "password": WRONG}, REMOTE_ADDR="203.0.113.9")
    blocked = client.post(
        "/accounts/login/", {"username": "owner", "password": factories.PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )
    assert "登录失败次数过多" in blocked.content.decode()
    signed_in = client.post(
        "/accounts/login/", {"username": "owner", "password": factories.PASSWORD}, REMOTE_ADDR="198.51.100.20"
    )
    assert signed_in.status_code == 302
