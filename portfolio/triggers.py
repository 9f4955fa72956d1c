"""Database triggers that make tables append-only, kept as code so they can be reinstalled.

The audit trail must survive the application itself: whatever role the application connects as
— even the owner of the table — an UPDATE, DELETE or TRUNCATE of an audit row is refused by the
database. On PostgreSQL a row trigger raises on UPDATE and DELETE and a statement trigger on
TRUNCATE; on SQLite two triggers ``RAISE(ABORT)``. Only someone who may drop the trigger (the
table's owner, a superuser) could remove it, which is why production runs the application as a
role that owns nothing and holds only SELECT and INSERT on this table (docs/reliability.md).

``install`` is re-runnable (the migration calls it; after a restore ``pg_restore`` brings the
triggers back with the schema, and ``manage.py migrate`` never needs to).
"""

APPEND_ONLY_TABLES = ("portfolio_auditevent",)
FUNCTION = "portfolio_append_only"
MESSAGE = "rows of this table are append-only"


def install_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        statements = [
            f"""
            CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% of %: {MESSAGE}', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
            END $$
            """
        ]
        for table in APPEND_ONLY_TABLES:
            statements += [
                f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
                f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()",
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()",
            ]
        return statements
    if vendor == "sqlite":
        statements = []
        for table in APPEND_ONLY_TABLES:
            for operation in ("UPDATE", "DELETE"):
                name = f"{table}_no_{operation.lower()}"
                statements += [
                    f"DROP TRIGGER IF EXISTS {name}",
                    f"CREATE TRIGGER {name} BEFORE {operation} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{operation} of {table}: {MESSAGE}'); END",
                ]
        return statements
    return []


def remove_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            *(
                f"DROP TRIGGER IF EXISTS {table}_{suffix} ON {table}"
                for table in APPEND_ONLY_TABLES
                for suffix in ("append_only", "no_truncate")
            ),
        ]
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {table}_no_{operation}"
            for table in APPEND_ONLY_TABLES
            for operation in ("update", "delete")
        ]
    return []


def trigger_names(vendor: str) -> set[str]:
    """The names ``install`` creates, for checks after a restore."""
    suffixes = ("append_only", "no_truncate") if vendor == "postgresql" else ("no_update", "no_delete")
    return {f"{table}_{suffix}" for table in APPEND_ONLY_TABLES for suffix in suffixes}


def install(apps, schema_editor) -> None:
    for statement in install_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)  # None: the "%" of RAISE is not a placeholder


def remove(apps, schema_editor) -> None:
    for statement in remove_sql(schema_editor.connection.vendor):
        schema_editor.execute(statement, params=None)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
