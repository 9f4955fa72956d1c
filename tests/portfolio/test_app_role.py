"""The application's database role (docs/reliability.md): a non-superuser that reads and writes
rows and only appends to the audit trail. PostgreSQL only."""

import uuid

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg import sql

from portfolio import audit
from portfolio.models import AuditKind

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def app_role():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: roles and grants")
    role = f"portfolio_app_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)).as_string(cursor.connection))
    yield role
    connection.close()
    # Its grants (in the test database and on it) go first, then the role, cluster-wide.
    with psycopg.connect(**_params(connection.settings_dict["NAME"]), autocommit=True) as db:
        db.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
    with psycopg.connect(**_params("postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def _params(dbname, user=None):
    db = connection.settings_dict
    return {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": user or db["USER"],
        "password": db["PASSWORD"] or None,
        "dbname": dbname,
    }


def test_the_application_role_writes_rows_and_only_appends_to_the_audit_trail(app_role, owner):
    audit.record(AuditKind.EXPORT, by=owner, label="budget-2026.xlsx")
    call_command("grant_app_role", app_role, "--execute", verbosity=0)
    with psycopg.connect(**_params(connection.settings_dict["NAME"], app_role), autocommit=True) as app:
        assert app.execute("SELECT username FROM portfolio_user").fetchall() == [("owner",)]
        app.execute("UPDATE portfolio_user SET name = '张伟' WHERE username = 'owner'")
        app.execute(
            "INSERT INTO portfolio_auditevent (at, actor_name, kind, action, action_label, object_type, object_id,"
            " object_label, message, request_id, address, method, path)"
            " VALUES (now(), 'x', 'export', '', '', '', '', '', '', '', '', '', '')"
        )
        for statement in (
            "UPDATE portfolio_auditevent SET object_label = ''",
            "DELETE FROM portfolio_auditevent",
            "TRUNCATE portfolio_auditevent",
            "ALTER TABLE portfolio_auditevent DISABLE TRIGGER USER",
            "DROP TRIGGER portfolio_auditevent_append_only ON portfolio_auditevent",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app.execute(statement)
        assert app.execute("SELECT count(*) FROM portfolio_auditevent").fetchone()[0] >= 2


def test_the_grants_are_refused_for_a_superuser_or_a_missing_role():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: roles and grants")
    with pytest.raises(CommandError, match="superuser"):
        call_command("grant_app_role", connection.settings_dict["USER"])
    with pytest.raises(CommandError, match="no role"):
        call_command("grant_app_role", "no_such_role_here")
