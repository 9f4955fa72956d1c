"""Named personas, as in the requirements: an owner of the 交通局, an owner of another bureau,
a reviewer, a manager, a supervisor and finance, all in one small city."""

import pytest
from pytest_django.fixtures import validate_django_db
from rest_framework.test import APIClient

from portfolio.models import Region, Role
from tests import factories


def pytest_collection_modifyitems(items):
    """Transactional tests (real threads, a worker process, the live server) end with a flush
    that would also empty the rows our data migrations create (the seven domains, default rules,
    built-in indicators), and every later transactional test would miss them. Serialized
    rollback restores them after each flush (contenttypes and auth are recreated by Django
    itself, see TEST_NON_SERIALIZED_APPS in tests/settings.py)."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        fixtures = getattr(item, "fixturenames", ())
        if marker:
            transaction, reset_sequences, databases, _serialized, available_apps = validate_django_db(marker)
        else:
            transaction, reset_sequences, databases, available_apps = False, False, None, None
        if transaction or "transactional_db" in fixtures or "live_server" in fixtures:
            item.add_marker(
                pytest.mark.django_db(
                    transaction=True,
                    reset_sequences=reset_sequences,
                    databases=databases,
                    serialized_rollback=True,
                    available_apps=available_apps,
                ),
                append=False,
            )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Keep the serialized copy of the fresh test database where every connection wrapper finds it.

    Django's connection handler is context-local (asgiref), and Playwright's sync API runs an
    event loop in the main thread: after the first browser test ``connections["default"]`` is a
    new wrapper, without the ``_test_serialized_contents`` that serialized rollback restores from.
    One database alias, so the wrapper class can hold it.
    """
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            type(connections[alias])._test_serialized_contents = contents
    yield
    # For the same reason a live-server request thread's connection can outlive the tests, and
    # PostgreSQL refuses to drop a database someone is connected to: end those sessions first.
    with django_db_blocker.unblock():
        for alias in connections:
            if connections[alias].vendor == "postgresql":
                connections[alias].close()
                _end_other_sessions(connections[alias].settings_dict)


def _end_other_sessions(db):
    import psycopg

    with psycopg.connect(
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname="postgres",
    ) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [db["NAME"]],
        )


@pytest.fixture(scope="session", autouse=True)
def _flush_passes_the_audit_triggers():
    """The audit table refuses DELETE and TRUNCATE (portfolio/triggers.py), and so would the flush
    that ends every transactional test. Tests alone may empty it: the flush drops the triggers,
    empties the tables and installs them again, in its one transaction."""
    from unittest import mock

    from django.db import connection

    from portfolio import triggers

    operations = type(connection.ops)
    original = operations.sql_flush

    def sql_flush(self, style, tables, **kwargs):
        statements = original(self, style, tables, **kwargs)
        if not set(tables) & set(triggers.APPEND_ONLY_TABLES):
            return statements
        vendor = self.connection.vendor
        return [*triggers.remove_sql(vendor), *statements, *triggers.install_sql(vendor)]

    with mock.patch.object(operations, "sql_flush", sql_flush):
        yield


@pytest.fixture(autouse=True)
def _isolated_uploads(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path / "uploads")}},
    }


@pytest.fixture
def city(db):
    return factories.region("临江市", level=Region.Level.CITY, tier=Region.Tier.LEADING)


@pytest.fixture
def city_government(city):
    return factories.organization("临江市人民政府", region_=city, short_name="市政府", kind="government")


@pytest.fixture
def transport_bureau(city, city_government):
    return factories.organization(
        "临江市交通运输局", region_=city, parent=city_government, short_name="交通", aliases=["市交通局"]
    )


@pytest.fixture
def health_bureau(city, city_government):
    return factories.organization(
        "临江市卫生健康委员会", region_=city, parent=city_government, short_name="卫健", aliases=["市卫健委"]
    )


@pytest.fixture
def data_bureau(city, city_government):
    return factories.organization("临江市政务服务和数据管理局", region_=city, parent=city_government, short_name="数据")


@pytest.fixture
def owner(transport_bureau):
    return factories.user(Role.OWNER, organization_=transport_bureau, username="owner", name="张伟")


@pytest.fixture
def other_owner(health_bureau):
    return factories.user(Role.OWNER, organization_=health_bureau, username="owner2", name="李娜")


@pytest.fixture
def reviewer(city, city_government):
    experts = factories.organization(
        "临江市数字化转型专家咨询委员会", region_=city, parent=city_government, short_name="专家委"
    )
    return factories.user(Role.REVIEWER, organization_=experts, username="reviewer", name="王建国")


@pytest.fixture
def manager(data_bureau):
    return factories.user(Role.MANAGER, organization_=data_bureau, username="manager", name="陈静", is_staff=True)


@pytest.fixture
def supervisor(city, city_government):
    office = factories.organization("临江市人民政府督查室", region_=city, parent=city_government, short_name="督查")
    return factories.user(Role.SUPERVISOR, organization_=office, username="supervisor", name="刘洋")


@pytest.fixture
def finance(city, city_government):
    bureau = factories.organization("临江市财政局", region_=city, parent=city_government, short_name="财政")
    return factories.user(Role.FINANCE, organization_=bureau, username="finance", name="赵敏")


@pytest.fixture
def trail():
    """``trail(kind, **filters)``: the audit rows written from now on. List it after the fixtures
    that build data: the personas' accounts and organizations are recorded as they are made."""
    from portfolio.models import AuditEvent

    class Trail:
        start = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

        def __call__(self, kind=None, **filters):
            events = AuditEvent.objects.filter(id__gt=self.start, **filters)
            return events.filter(kind=kind) if kind else events

    return Trail()


@pytest.fixture
def api():
    """An API client; ``api.as_(user)`` signs it in as that user."""

    class Client(APIClient):
        def as_(self, user):
            self.force_authenticate(user)
            return self

    return Client()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1; the platform's e-mail goes to it. Yields its mailbox."""
    from tests.servers import start_smtp

    controller, mailbox = start_smtp()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield mailbox
    controller.stop()


@pytest.fixture
def robots(settings):
    """A local HTTP server standing in for the messengers' robot endpoints (127.0.0.1 only)."""
    import threading

    from tests.servers import Robots

    server = Robots()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.WEBHOOK_TEST_ORIGINS = (server.origin,)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` — a service's transaction as in production: on commit its Celery
    jobs are enqueued and run at once in this thread (retries included), as a worker would."""
    from portfolio.celery import app

    app.conf.task_always_eager = True
    yield lambda: django_capture_on_commit_callbacks(execute=True)
    app.conf.task_always_eager = False
