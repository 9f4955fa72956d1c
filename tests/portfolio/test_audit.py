"""The audit trail: a row per sign-in, failure, denial and account change, with the request's id
and address; the portfolio office reads it (page and API); the database refuses to rewrite it.

The counts asserted here are the figures in docs/reliability.md ("Audit, workers and backups").
"""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from portfolio.models import AuditEvent, AuditKind, Organization, User
from tests import factories
from tests.projects import factories as project_factories

pytestmark = pytest.mark.django_db


# --- Request ids -------------------------------------------------------------------------------
def test_every_answer_carries_a_request_id_and_a_sane_one_from_the_caller_is_kept(client):
    generated = client.get("/accounts/login/")
    assert len(generated["X-Request-ID"]) == 32
    assert client.get("/accounts/login/", HTTP_X_REQUEST_ID="proxy-7f3a.1")["X-Request-ID"] == "proxy-7f3a.1"
    for insane in ("a" * 65, "<script>", "two words", "-leading-dash"):
        echoed = client.get("/accounts/login/", HTTP_X_REQUEST_ID=insane)["X-Request-ID"]
        assert echoed != insane and len(echoed) == 32


# --- Sign-in -----------------------------------------------------------------------------------
def test_page_sign_in_success_and_failure_each_leave_one_row(owner, trail):
    client = Client()
    response = client.post("/accounts/login/", {"username": "owner", "password": "wrong-password"})
    assert response.status_code == 200
    failed = trail(AuditKind.SIGN_IN_FAILED).get()
    assert (failed.actor, failed.actor_name, failed.action, failed.address) == (owner, "owner", "page", "127.0.0.1")
    assert failed.request_id == response["X-Request-ID"]
    response = client.post("/accounts/login/", {"username": "owner", "password": factories.PASSWORD})
    assert response.status_code == 302
    signed_in = trail(AuditKind.SIGN_IN).get()
    assert (signed_in.actor, signed_in.action, signed_in.request_id) == (owner, "page", response["X-Request-ID"])
    # Setting last_login on sign-in is not an account change.
    assert not trail(AuditKind.ACCOUNT).exists()
    client.post("/accounts/logout/")
    assert trail(AuditKind.SIGN_OUT, actor=owner).count() == 1
    assert trail().count() == 3


def test_api_token_sign_in_and_failure_each_leave_one_row(api, owner, trail):
    assert api.post("/api/v1/auth/token/", {"username": "owner", "password": "nope"}).status_code == 400
    assert api.post("/api/v1/auth/token/", {"username": "nobody", "password": "nope"}).status_code == 400
    assert api.post("/api/v1/auth/token/", {"username": "owner", "password": factories.PASSWORD}).status_code == 200
    failed = trail(AuditKind.SIGN_IN_FAILED).order_by("id")
    assert [(e.actor, e.actor_name, e.action) for e in failed] == [(owner, "owner", "api"), (None, "nobody", "api")]
    signed_in = trail(AuditKind.SIGN_IN).get()
    assert (signed_in.actor, signed_in.action) == (owner, "api")
    owner.refresh_from_db()
    assert owner.last_login is not None  # the API sign-in counts as one, as a page sign-in does
    assert trail().count() == 3


def test_an_attempt_the_throttle_refuses_is_recorded_as_such(api, owner, settings, trail):
    settings.LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        api.post("/api/v1/auth/token/", {"username": "owner", "password": "nope"})
    response = api.post("/api/v1/auth/token/", {"username": "owner", "password": factories.PASSWORD})
    assert response.status_code == 429
    assert trail(AuditKind.SIGN_IN_FAILED).count() == 2
    throttled = trail(AuditKind.SIGN_IN_THROTTLED).get()
    assert (throttled.actor, throttled.actor_name) == (owner, "owner")


# --- Denials -----------------------------------------------------------------------------------
def test_a_403_on_a_page_and_on_the_api_leaves_one_row_each(client, api, owner, trail):
    client.force_login(owner)
    assert client.get("/audit/").status_code == 403
    assert client.get("/health/").status_code == 403
    assert api.as_(owner).get("/api/v1/audit/").status_code == 403
    denied = trail(AuditKind.DENIED).order_by("id")
    assert [(e.actor, e.method, e.path) for e in denied] == [
        (owner, "GET", "/audit/"),
        (owner, "GET", "/health/"),
        (owner, "GET", "/api/v1/audit/"),
    ]
    assert denied.last().message == "只有主管部门可以查看审计日志。"


def test_a_hidden_object_is_a_404_recorded_as_hidden_and_a_missing_one_is_not_recorded(
    api, owner, health_bureau, city, trail
):
    plan = factories.plan(city)
    theirs = project_factories.project(health_bureau, plan)
    assert api.as_(owner).get(f"/api/v1/projects/{theirs.pk}/").status_code == 404
    assert api.as_(owner).post(f"/api/v1/projects/{theirs.pk}/submit/", {}).status_code == 404
    assert api.as_(owner).get("/api/v1/projects/999999/").status_code == 404
    hidden = trail(AuditKind.HIDDEN).order_by("id")
    assert [(e.actor, e.object_type, e.object_id) for e in hidden] == [
        (owner, "projects.project", str(theirs.pk)),
        (owner, "projects.project", str(theirs.pk)),
    ]


# --- Accounts and organizations ----------------------------------------------------------------
def test_account_changes_through_the_api_are_recorded_with_before_and_after(
    api, manager, owner, transport_bureau, trail
):
    created = api.as_(manager).post(
        "/api/v1/users/",
        {
            "username": "newcomer",
            "name": "新同事",
            "organization": transport_bureau.pk,
            "role": "owner",
            "password": "Lj-2025-strong-pw",
        },
    )
    assert created.status_code == 201, created.json()
    newcomer = User.objects.get(username="newcomer")
    event = trail(AuditKind.ACCOUNT, action="created").get()
    assert (event.actor, event.object_id, event.after["role"]) == (manager, str(newcomer.pk), "owner")
    assert (event.after["organization"], event.action_label) == ("临江市交通运输局", "已创建")
    assert trail(AuditKind.PASSWORD).count() == 0  # a new account's first password is part of its creation

    assert api.as_(manager).patch(f"/api/v1/users/{owner.pk}/", {"role": "reviewer"}).status_code == 200
    changed = trail(AuditKind.ACCOUNT, action="changed").get()
    assert (changed.before, changed.after) == ({"role": "owner"}, {"role": "reviewer"})
    assert changed.changes == [("角色", "项目单位", "预审专家")]

    assert api.as_(manager).patch(f"/api/v1/users/{owner.pk}/", {"password": "Another-2025-pw"}).status_code == 200
    password = trail(AuditKind.PASSWORD).get()
    assert (password.actor, password.object_id, password.before, password.after) == (manager, str(owner.pk), None, None)
    assert trail(AuditKind.ACCOUNT, action="changed").count() == 1  # the hash is never written to the trail


def test_organization_changes_in_the_admin_are_recorded(client, manager, transport_bureau, trail):
    client.force_login(manager)
    assert client.get(f"/admin/portfolio/organization/{transport_bureau.pk}/change/").status_code == 200
    response = client.post(
        f"/admin/portfolio/organization/{transport_bureau.pk}/change/",
        {
            "name": "临江市交通运输局",
            "short_name": "交运",
            "aliases": "市交通局",  # one per line in the admin
            "kind": "department",
            "region": transport_bureau.region_id,
            "parent": transport_bureau.parent_id,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = trail(AuditKind.ORGANIZATION).get()
    assert (event.actor, event.action, event.before, event.after) == (
        manager,
        "changed",
        {"short_name": "交通"},
        {"short_name": "交运"},
    )
    assert event.path == f"/admin/portfolio/organization/{transport_bureau.pk}/change/"


def test_creating_and_deleting_an_organization_in_code_is_recorded_as_the_system(city, trail):
    org = Organization.objects.create(name="临时单位", short_name="临时", region=city)
    org.delete()
    assert [(e.action, e.actor) for e in trail(AuditKind.ORGANIZATION).order_by("id")] == [
        ("created", None),
        ("deleted", None),
    ]


# --- Reading the log ---------------------------------------------------------------------------
def test_the_portfolio_office_reads_and_filters_the_log_by_cursor_pages(api, manager, owner, trail):
    for _ in range(3):
        api.post("/api/v1/auth/token/", {"username": "owner", "password": "nope"})
    api.post("/api/v1/auth/token/", {"username": "manager", "password": "nope"})
    reader = api.as_(manager)
    page = reader.get("/api/v1/audit/", {"kind": "sign_in_failed", "page_size": 2}).json()
    assert [e["actor_name"] for e in page["results"]] == ["manager", "owner"]
    assert page["results"][0]["kind_label"] == "登录失败"
    following = reader.get(page["next"]).json()
    assert [e["actor_name"] for e in following["results"]] == ["owner", "owner"] and following["next"] is None
    assert len(reader.get("/api/v1/audit/", {"actor": owner.pk}).json()["results"]) == 3
    today = AuditEvent.objects.first().at.astimezone().date().isoformat()
    dated = reader.get("/api/v1/audit/", {"kind": "sign_in_failed", "since": today, "until": today}).json()
    assert len(dated["results"]) == 4
    assert reader.get("/api/v1/audit/", {"since": "2000-01-01", "until": "2000-01-02"}).json()["results"] == []
    assert reader.get("/api/v1/audit/", {"since": "yesterday"}).status_code == 400
    assert reader.get("/api/v1/audit/", {"kind": "nonsense"}).status_code == 400


def test_the_log_page_is_in_chinese_and_filters(client, manager, owner, trail):
    for _ in range(2):
        Client().post("/accounts/login/", {"username": "owner", "password": "wrong"})
    client.force_login(manager)
    page = client.get("/audit/").content.decode()
    assert "审计日志" in page and "登录失败" in page
    filtered = client.get("/audit/", {"kind": "export"}).content.decode()
    assert "没有符合条件的审计记录。" in filtered


def test_the_log_page_pages_by_keyset(client, manager, settings, monkeypatch, trail):
    from portfolio import audit, views

    monkeypatch.setattr(views, "AUDIT_PAGE_SIZE", 2)
    for n in range(5):
        audit.record(AuditKind.EXPORT, label=f"report-{n}.xlsx")
    client.force_login(manager)
    first = client.get("/audit/", {"kind": "export"})
    labels = [e.object_label for e in first.context["events"]]
    assert labels == ["report-4.xlsx", "report-3.xlsx"]
    second = client.get("/audit/", {"kind": "export", "before": first.context["older"]})
    assert [e.object_label for e in second.context["events"]] == ["report-2.xlsx", "report-1.xlsx"]


# --- The database refuses to rewrite it --------------------------------------------------------
def test_the_database_refuses_to_update_or_delete_audit_trail(owner, trail):
    from portfolio import audit

    event = audit.record(AuditKind.EXPORT, by=owner, label="budget-2026.xlsx")
    table = AuditEvent._meta.db_table
    attempts = [
        lambda: AuditEvent.objects.filter(pk=event.pk).update(object_label="nothing happened"),
        lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
        lambda: connection.cursor().execute(f"UPDATE {table} SET actor_id = NULL"),
        lambda: connection.cursor().execute(f"DELETE FROM {table}"),
    ]
    if connection.vendor == "postgresql":
        attempts.append(lambda: connection.cursor().execute(f"TRUNCATE {table}"))
    for attempt in attempts:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    event.refresh_from_db()
    assert event.object_label == "budget-2026.xlsx" and trail().count() == 1
