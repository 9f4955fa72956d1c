"""Give the application's PostgreSQL role what it needs and nothing more (docs/reliability.md).

Run as the role that owns the tables (the one ``migrate`` runs as), after every ``migrate``:

    DATABASE_URL=postgres://portfolio_owner@db/portfolio python manage.py grant_app_role portfolio_app --execute

The application then connects as ``portfolio_app``: it reads and writes rows, but owns nothing
(so it cannot drop a table, disable a trigger or change the schema) and may only SELECT and INSERT
the audit trail — no UPDATE, DELETE or TRUNCATE, on top of the triggers that refuse them anyway.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import sql

from portfolio import triggers


def grant_statements(role: str, database: str) -> list[sql.Composed]:
    r, db = sql.Identifier(role), sql.Identifier(database)
    statements = [
        sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(db, r),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(r),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(r),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(r),
        # Tables and sequences that later migrations create (as the owner running this) follow.
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
        ).format(r),
        sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {}").format(r),
    ]
    for table in triggers.APPEND_ONLY_TABLES:
        statements.append(sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(sql.Identifier(table), r))
    return statements


class Command(BaseCommand):
    help = "Print (or, with --execute, run) the grants for the application's non-superuser PostgreSQL role."

    def add_arguments(self, parser):
        parser.add_argument("role", help="The role the application connects as, e.g. portfolio_app.")
        parser.add_argument("--execute", action="store_true", help="Run the statements instead of printing them.")

    def handle(self, *args, role, execute=False, **options):
        if connection.vendor != "postgresql":
            raise CommandError("grant_app_role is for PostgreSQL (DATABASE_URL=postgres://…).")
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            found = cursor.fetchone()
            if found is None:
                raise CommandError(f"There is no role {role!r}: CREATE ROLE {role} LOGIN PASSWORD '…' first.")
            if found[0]:
                raise CommandError(f"{role!r} is a superuser: the application must run as a role that is not.")
            statements = [
                s.as_string(cursor.connection) for s in grant_statements(role, connection.settings_dict["NAME"])
            ]
            for statement in statements:
                if execute:
                    cursor.execute(statement)
                else:
                    self.stdout.write(statement + ";")
        if execute:
            self.stdout.write(f"{role} may now read and write the application's rows; the audit trail only grows.")
