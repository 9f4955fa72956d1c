"""Set-based inserts: COPY on PostgreSQL, batched INSERTs elsewhere.

Operating data arrives by the hundred thousand rows (a hotline system's yearly export); building
a model instance per row and letting the ORM insert it is several times slower than the database
can take them. On PostgreSQL rows stream through ``COPY … FROM STDIN``; SQLite (the embedded
default) gets ``bulk_create`` in batches. Either way, inside the caller's transaction.
"""

from collections.abc import Iterable, Sequence

from django.db import connection

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
    sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({names}) FROM STDIN"
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count
