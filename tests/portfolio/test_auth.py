"""Sign-in: session pages, API tokens, the throttle under concurrent guessing, the password policy."""

import threading
from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone
from rest_framework.test import APIClient

from portfolio.models import LoginThrottle
from tests import factories

TOKEN_URL = "/api/v1/auth/token/"


@pytest.mark.django_db
def test_a_token_for_good_credentials_authenticates_the_api(owner):
    client = APIClient()
    response = client.post(TOKEN_URL, {"username": "owner", "password": factories.PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/auth/me/").json()
    assert me["username"] == "owner"
    assert me["name"] == "张伟"
    assert me["organization"] == owner.organization_id
    assert me["role"] == "owner"


@pytest.mark.django_db
def test_the_api_refuses_anonymous_and_bad_tokens(owner):
    client = APIClient()
    assert client.get("/api/v1/auth/me/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get("/api/v1/systems/").status_code == 401


@pytest.mark.django_db
def test_wrong_credentials_get_one_message_whether_or_not_the_account_exists(owner):
    client = APIClient()
    wrong_password = client.post(TOKEN_URL, {"username": "owner", "password": "Nope-nope-1"})
    no_account = client.post(TOKEN_URL, {"username": "ghost", "password": "Nope-nope-1"})
    assert wrong_password.status_code == no_account.status_code == 400
    assert wrong_password.json() == no_account.json() == {"non_field_errors": ["用户名或密码不正确。"]}


@pytest.mark.django_db
def test_after_the_limit_even_the_right_password_waits(owner, settings):
    client = APIClient()
    for _ in range(settings.LOGIN_MAX_FAILURES):
        assert client.post(TOKEN_URL, {"username": "owner", "password": "Nope-nope-1"}).status_code == 400
    refused = client.post(TOKEN_URL, {"username": "owner", "password": factories.PASSWORD})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "登录失败次数过多" in refused.json()["detail"]


@pytest.mark.django_db
def test_a_success_clears_the_accounts_failures(owner, settings):
    client = APIClient()
    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        client.post(TOKEN_URL, {"username": "owner", "password": "Nope-nope-1"})
    assert client.post(TOKEN_URL, {"username": "owner", "password": factories.PASSWORD}).status_code == 200
    assert client.post(TOKEN_URL, {"username": "owner", "password": "Nope-nope-1"}).status_code == 400
    assert client.post(TOKEN_URL, {"username": "owner", "password": factories.PASSWORD}).status_code == 200


@pytest.mark.django_db
def test_the_lockout_ends_after_its_window(owner, settings):
    client = APIClient()
    for _ in range(settings.LOGIN_MAX_FAILURES + 1):
        client.post(TOKEN_URL, {"username": "owner", "password": "Nope-nope-1"})
    # Pretend the window started long ago.
    LoginThrottle.objects.update(
        window_started_at=timezone.now() - timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS + 1)
    )
    assert client.post(TOKEN_URL, {"username": "owner", "password": factories.PASSWORD}).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_wrong_attempts_let_only_the_limit_through(owner, settings):
    attempts = 20
    barrier = threading.Barrier(attempts)
    statuses, errors = [], []

    def guess():
        try:
            client = APIClient()
            barrier.wait(timeout=30)
            response = client.post(TOKEN_URL, {"username": "owner", "password": "Nope-nope-1"})
            statuses.append(response.status_code)
        except Exception as error:  # surfaced below: a thread must not fail silently
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors
    assert statuses.count(400) == settings.LOGIN_MAX_FAILURES
    assert statuses.count(429) == attempts - settings.LOGIN_MAX_FAILURES
    assert LoginThrottle.objects.get(key="user:owner|127.0.0.1").attempts == attempts
    assert APIClient().post(TOKEN_URL, {"username": "owner", "password": factories.PASSWORD}).status_code == 429


@pytest.mark.django_db
def test_the_sign_in_page_signs_in_and_out(client, owner):
    page = client.get("/accounts/login/")
    assert "登录" in page.content.decode()
    response = client.post("/accounts/login/", {"username": "owner", "password": factories.PASSWORD})
    assert response.status_code == 302
    home = client.get("/")
    assert "您好，张伟" in home.content.decode()
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_the_sign_in_page_is_throttled_like_the_api(client, owner, settings):
    for _ in range(settings.LOGIN_MAX_FAILURES):
        client.post("/accounts/login/", {"username": "owner", "password": "Nope-nope-1"})
    response = client.post("/accounts/login/", {"username": "owner", "password": factories.PASSWORD})
    assert response.status_code == 200
    assert "登录失败次数过多" in response.content.decode()


@pytest.mark.django_db
def test_an_inactive_account_cannot_sign_in(client, owner):
    owner.is_active = False
    owner.save()
    response = client.post("/accounts/login/", {"username": "owner", "password": factories.PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Linjiang-2025", True),
        ("linjiang2025x", False),
        ("LINJIANG-ONLY", False),
        ("Ab1-", False),
        ("12345678901", False),
    ],
)
def test_the_password_policy(password, ok):
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)
