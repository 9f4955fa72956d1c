"""Set-based inserts: COPY on PostgreSQL, batched INSERTs elsewhere.

Operating data arrives by the hundred thousand rows (a hotline system's yearly export); building
a model instance per row and letting the ORM insert it is several times slower than the database
can take them. On PostgreSQL rows stream through ``COPY … FROM STDIN``; SQLite (the embedded
default) gets ``bulk_create`` in batches. Either way, inside the caller's transaction.
"""

from collections.abc import Iterable, Sequence

import orjson
from django.db import connection
from django.db.models import F

BATCH = 5000


def insert_rows(model, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert ``rows`` (tuples in the order of ``columns``, attribute names like ``project_id``)."""
    if connection.vendor == "postgresql":
        return _copy(model, columns, rows)
    count, batch = 0, []
    for row in rows:
        batch.append(model(**dict(zip(columns, row, strict=True))))
        if len(batch) == BATCH:
            model.objects.bulk_create(batch)
            count, batch = count + len(batch), []
    model.objects.bulk_create(batch)
    return count + len(batch)


def _copy(model, columns, rows) -> int:
    meta = model._meta
    names = ", ".join(connection.ops.quote_name(meta.get_field(c.removesuffix("_id")).column) for c in columns)
    with connection.cursor() as cursor:
        return _stream(
            cursor, f"COPY {connection.ops.quote_name(meta.db_table)} ({names}) FROM STDIN", model, columns, rows
        )


def _stream(cursor, sql: str, model, columns, rows) -> int:
    """Write ``rows`` through ``COPY … FROM STDIN`` (JSON values serialized on the way)."""
    fields = [model._meta.get_field(c.removesuffix("_id")) for c in columns]
    json_at = [i for i, field in enumerate(fields) if field.get_internal_type() == "JSONField"]
    count = 0
    with cursor.cursor.copy(sql) as copy:
        for row in rows:
            if json_at:
                row = list(row)
                for i in json_at:
                    row[i] = orjson.dumps(row[i]).decode()
            copy.write_row(row)
            count += 1
    return count


def insert_select(model, columns: Sequence[str], queryset) -> int:
    """``INSERT INTO model (columns) SELECT …`` from a queryset's ``values_list`` (same order).

    The SELECT is compiled by the ORM, so expressions such as ExtractYear use the site's time
    zone on every database; nothing passes through Python.
    """
    q = connection.ops.quote_name
    meta = model._meta
    names = ", ".join(q(meta.get_field(c.removesuffix("_id")).column) for c in columns)
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {q(meta.db_table)} ({names}) {sql}", params)
        return cursor.rowcount


def add_to_tally(counts: dict) -> None:
    """Add ``{(project_id, period, score): n}`` to the rating tally (an upsert per key)."""
    from evaluation.models import RatingTally

    if not counts:
        return
    q = connection.ops.quote_name
    table = q(RatingTally._meta.db_table)
    items = sorted(counts.items())
    for start in range(0, len(items), 500):
        chunk = items[start : start + 500]
        values = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
        params = [value for (project, period, score), n in chunk for value in (project, period, score, n)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (project_id, period, score, count) VALUES {values} "  # noqa: S608
                f"ON CONFLICT (period, project_id, score) DO UPDATE SET count = {table}.count + excluded.count",
                params,
            )


def rebuild_tally(project_ids=None) -> int:
    """Recompute the rating tally from the ratings (after loads that bypass filing)."""
    from django.db.models import Count
    from django.db.models.functions import ExtractYear

    from evaluation.models import Rating, RatingTally

    tallies, ratings = RatingTally.objects.all(), Rating.objects.all()
    if project_ids is not None:
        tallies, ratings = tallies.filter(project_id__in=project_ids), ratings.filter(project_id__in=project_ids)
    tallies.delete()
    rebuild_operating_tally(project_ids)
    grouped = (
        ratings.annotate(year=ExtractYear("rated_at"))
        .order_by()
        .values("project_id", "year", "score")
        .annotate(n=Count("id"))
        .values_list("project_id", "year", "score", "n")
    )
    return insert_select(RatingTally, ["project_id", "period", "score", "count"], grouped)


def rebuild_operating_tally(project_ids=None) -> int:
    """Recompute the operating tally from tickets, spending and rectifications (PostgreSQL).

    Triggers keep it as rows change (migration 0003); this is for a changed TIME_ZONE or a
    database restored without them. Elsewhere there is no tally to rebuild.
    """
    from django.db.models import Count, Q, Sum
    from django.db.models.functions import ExtractYear

    from evaluation.models import OperatingTally, Rectification, Spending, Ticket

    if connection.vendor != "postgresql":
        return 0
    sources = {
        Ticket: (
            ExtractYear("received_at"),  # in the site's time zone, as the trigger counts
            {"tickets_received": Count("id"), "tickets_resolved": Count("id", filter=Q(resolved=True))},
        ),
        Spending: (ExtractYear("spent_on"), {"spent": Sum("amount")}),
        Rectification: (
            F("period"),
            {
                "rectified_on_time": Count("id", filter=Q(closed_on__lte=F("due_date"))),
                "rectified_late": Count("id", filter=Q(closed_on__gt=F("due_date"))),
            },
        ),
    }
    tally: dict = {}
    for model, (year, aggregates) in sources.items():
        rows = model.objects.all() if project_ids is None else model.objects.filter(project_id__in=project_ids)
        grouped = rows.annotate(year=year).order_by().values("project_id", "year").annotate(**aggregates)
        for row in grouped:
            line = tally.setdefault((row["project_id"], row["year"]), {})
            line.update({name: row[name] for name in aggregates})
    existing = OperatingTally.objects.all()
    if project_ids is not None:
        existing = existing.filter(project_id__in=project_ids)
    existing.delete()
    columns = ["tickets_received", "tickets_resolved", "spent", "rectified_on_time", "rectified_late"]
    return insert_rows(
        OperatingTally,
        ["project_id", "period", *columns],
        ((project, year, *(line.get(c) or 0 for c in columns)) for (project, year), line in tally.items()),
    )


def upsert(model, columns: Sequence[str], rows: list[Sequence], *, unique: Sequence[str], update: Sequence[str]) -> int:
    """Insert ``rows``, replacing the ``update`` columns of rows that already exist (by ``unique``).

    PostgreSQL: COPY into a temporary table shaped like the target, then one
    ``INSERT … SELECT … ON CONFLICT DO UPDATE`` (tens of thousands of rows with JSON in about a
    second, where the ORM's multi-row INSERTs take ten). Elsewhere: ``bulk_create`` with
    ``update_conflicts``. JSON values are given as Python objects.
    """
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        model.objects.bulk_create(
            objects,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=[c.removesuffix("_id") for c in unique],
            update_fields=[c.removesuffix("_id") for c in update],
        )
        return len(objects)
    q = connection.ops.quote_name
    meta = model._meta
    names = ", ".join(q(meta.get_field(c.removesuffix("_id")).column) for c in columns)
    table = q(meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE _upsert ON COMMIT DROP AS SELECT {names} FROM {table} WITH NO DATA")  # noqa: S608
        _stream(cursor, f"COPY _upsert ({names}) FROM STDIN", model, columns, rows)
        column = {c: q(meta.get_field(c.removesuffix("_id")).column) for c in (*unique, *update)}
        conflict = ", ".join(column[c] for c in unique)
        assignments = ", ".join(f"{column[c]} = EXCLUDED.{column[c]}" for c in update)
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM _upsert "  # noqa: S608
            f"ON CONFLICT ({conflict}) DO UPDATE SET {assignments}"
        )
        count = cursor.rowcount
        cursor.execute("DROP TABLE _upsert")
    return count
