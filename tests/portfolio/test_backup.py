"""The backup drill: ``make backup`` of a seeded database, ``make restore`` into a fresh one, and
the copy holds the same rows — every table's count, a checksum of every money column, the
sequences — with the tally triggers and the audit trail's append-only triggers in place and
working. PostgreSQL only (the embedded SQLite database is backed up by copying its file)."""

import os
import subprocess
import uuid
from decimal import Decimal

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from psycopg import sql

from portfolio import triggers
from portfolio.models import User
from tests.evaluation import factories as outcome
from tests.worker import ROOT, database_url

pytestmark = pytest.mark.django_db(transaction=True)
TALLY_TRIGGERS = {
    f"evaluation_{table}_tally_{operation}"
    for table in ("ticket", "spending", "rectification")
    for operation in ("insert", "update", "delete")
}


def _connect(dbname: str):
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=dbname,
        autocommit=True,
    )


def _make(target: str, file, url: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"DATABASE_URL": url}
    return subprocess.run(
        ["make", "--no-print-directory", target, f"FILE={file}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def fingerprint(dbname: str) -> dict:
    """Per table its row count; per numeric column its sum and an order-free checksum of its
    values; per sequence its last value; the user triggers by table."""
    found = {}
    with _connect(dbname) as db:
        tables = [r[0] for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        for table in tables:
            found[table] = db.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]
        money = db.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type = 'numeric'"
        ).fetchall()
        for table, column in money:
            query = sql.SQL(
                "SELECT sum({c}), md5(coalesce(string_agg({c}::text, ',' ORDER BY {c}), '')) FROM {t}"
            ).format(c=sql.Identifier(column), t=sql.Identifier(table))
            found[f"{table}.{column}"] = db.execute(query).fetchone()
        for name, value in db.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"):
            found[f"sequence {name}"] = value
        found["triggers"] = sorted(
            db.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal").fetchall()
        )
    return found


@pytest.fixture
def seeded(settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: make backup and make restore run pg_dump and pg_restore")
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", password="Demo-Pass-2025", verbosity=0)
    finance = User.objects.get(username="finance")
    project = outcome.project(finance.organization, name="备份演练项目")
    outcome.tickets(project, 12, 9)
    outcome.spending(project, "123456.78")
    outcome.budget_request(project, "654321.09", by=finance)


def test_a_backup_restored_into_a_fresh_database_holds_the_same_rows_money_and_triggers(seeded, tmp_path):
    source = connection.settings_dict["NAME"]
    copy = f"{source}_restore_{uuid.uuid4().hex[:6]}"
    dump = tmp_path / "portfolio.dump"
    connection.close()  # pg_dump reads committed data on its own connection
    backup = _make("backup", dump, database_url())
    assert backup.returncode == 0, backup.stderr
    with _connect("postgres") as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(copy)))
    try:
        restore = _make("restore", dump, database_url().rsplit("/", 1)[0] + f"/{copy}")
        assert restore.returncode == 0, restore.stderr
        original, restored = fingerprint(source), fingerprint(copy)
        assert original.keys() == restored.keys()
        assert {k: v for k, v in restored.items() if original[k] != v} == {}
        tables = [k for k in original if "." not in k and " " not in k and k != "triggers"]
        print(
            f"{len(tables)} tables ({sum(1 for t in tables if original[t])} with rows, "
            f"{sum(original[t] for t in tables)} rows), {sum(1 for k in original if '.' in k)} numeric columns, "
            f"{len(original['triggers'])} triggers: equal after restore"
        )
        assert original["projects_project"] > 0 and original["evaluation_ticket"] > 0
        assert original["evaluation_spending.amount"][0] >= Decimal("123456.78")
        names = {name for _table, name in restored["triggers"]}
        assert names >= TALLY_TRIGGERS
        assert triggers.trigger_names("postgresql") <= names
        with _connect(copy) as db:
            # The tally triggers work in the copy: a ticket marked resolved is counted at once.
            resolved = "SELECT sum(tickets_resolved) FROM evaluation_operatingtally"
            before = db.execute(resolved).fetchone()[0]
            db.execute(
                "UPDATE evaluation_ticket SET resolved = true, resolved_at = received_at "
                "WHERE id = (SELECT min(id) FROM evaluation_ticket WHERE NOT resolved)"
            )
            assert db.execute(resolved).fetchone()[0] == before + 1
            # And the audit trail still refuses to be rewritten.
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                db.execute("DELETE FROM portfolio_auditevent")
    finally:
        with _connect("postgres") as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(copy)))


def test_backup_and_restore_refuse_without_a_file_or_a_postgresql_url(tmp_path):
    missing = _make("backup", "", "postgres://postgres@127.0.0.1:5432/x")
    assert missing.returncode != 0 and "FILE=" in missing.stdout
    sqlite = _make("backup", tmp_path / "x.dump", "sqlite:///var/db.sqlite3")
    assert sqlite.returncode != 0 and "PostgreSQL" in sqlite.stdout
    absent = _make("restore", tmp_path / "absent.dump", "postgres://postgres@127.0.0.1:5432/x")
    assert absent.returncode != 0 and "no such file" in absent.stdout
