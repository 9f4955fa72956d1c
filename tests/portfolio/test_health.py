import pytest
from django.db import connections

from portfolio import health
from portfolio.celery import app as celery_app
from portfolio.models import Heartbeat
from portfolio.tasks import record_heartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _every_probe_checks(settings):
    """No caching between probes here: each test sees the state it sets up."""
    settings.HEALTHZ_CACHE_SECONDS = 0


def test_healthz_is_200_when_the_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_is_503_when_the_broker_is_unreachable_and_says_nothing_more(client, monkeypatch, settings):
    settings.HEALTH_CHECK_TIMEOUT = 1
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}  # no address, no error text, to anyone


def test_healthz_is_503_when_the_embedded_broker_folder_is_missing(client, monkeypatch, tmp_path):
    monkeypatch.setitem(celery_app.conf, "broker_url", "filesystem://")
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", {"data_folder_out": str(tmp_path / "gone")})
    assert client.get("/healthz").status_code == 503


def test_the_database_check_reports_a_database_that_does_not_answer(monkeypatch, tmp_path):
    broken = {**connections.settings["default"]}
    if broken["ENGINE"].endswith("sqlite3"):
        broken["NAME"] = str(tmp_path / "no-such-dir" / "db.sqlite3")
    else:
        broken.update(PORT=1, HOST="127.0.0.1")
    monkeypatch.setitem(connections.settings, "broken", broken)
    check = health.check_database("broken")
    assert not check.ok
    assert check.detail


def test_each_probe_opens_a_fresh_database_connection(client, monkeypatch):
    opened = []
    real = connections.create_connection

    def spy(alias):
        connection = real(alias)
        opened.append(connection)
        return connection

    monkeypatch.setattr(connections, "create_connection", spy)
    client.get("/healthz")
    client.get("/healthz")
    assert len(opened) == 2
    assert opened[0] is not opened[1]
    assert all(connection.connection is None for connection in opened)  # closed after use


def test_the_status_page_shows_the_last_heartbeat_to_managers(client, manager, owner):
    record_heartbeat("beat", worker="celery@node-1")
    client.force_login(manager)
    page = client.get("/health/").content.decode()
    assert "celery@node-1" in page
    assert "累计 1 次" in page
    client.force_login(owner)
    assert client.get("/health/").status_code == 403


def test_heartbeats_count_every_run():
    record_heartbeat("beat", worker="a")
    record_heartbeat("beat", worker="b")
    beat = Heartbeat.objects.get(name="beat")
    assert (beat.runs, beat.worker) == (2, "b")


def test_probes_within_the_cache_window_share_one_check(client, monkeypatch, settings):
    settings.HEALTHZ_CACHE_SECONDS = 60
    calls = []
    real = health.run_checks
    monkeypatch.setattr(health, "run_checks", lambda: calls.append(1) or real())
    monkeypatch.setitem(health._last, "at", float("-inf"))
    for _ in range(20):
        assert client.get("/healthz").status_code == 200
    assert len(calls) == 1


def test_healthz_answers_plain_http_from_any_host_behind_the_tls_proxy(client, settings):
    """Production: HTTPS redirect on, ALLOWED_HOSTS strict; the balancer probes http://10.0.0.5/."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["portal.example.gov.cn"]
    probe = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")
    assert probe.status_code == 200 and probe.json() == {"status": "ok"}
    assert client.head("/healthz", HTTP_HOST="10.0.0.5:8000").status_code == 200
    assert client.post("/healthz").status_code == 405
    assert client.get("/", HTTP_HOST="portal.example.gov.cn").status_code == 301  # everything else: HTTPS
    assert client.get("/", HTTP_HOST="10.0.0.5:8000").status_code == 400  # and the host is checked
