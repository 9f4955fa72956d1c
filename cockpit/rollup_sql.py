"""The roll-up's aggregation as one statement: the projects, their spending and their operating
budget, grouped on one dimension.

The visible, filtered projects are the ORM's own query (``visible_to`` and the list's FilterSet,
compiled by Django with its parameters) used as a common table expression that is *not*
materialized, so the database plans the whole statement as it would a hand-written report: an
owner's few hundred projects reach spending through its index, the whole portfolio through one
hash join. One statement instead of three grouped queries saves two round trips and two plans,
which is most of what separated the endpoint from the raw SQL (bench/cockpit.py). Every value is
a bound parameter; the fragments around them are constants and table names from the models.
"""

from decimal import Decimal

from django.db import connection
from django.db.models import F, Value

from evaluation.models import BudgetRequest, Spending

ZERO = Decimal("0.00")

STATEMENT = """
WITH ids (pk, requested, approved, k) AS NOT MATERIALIZED ({projects}),
p AS (SELECT k, COUNT(*) AS n, SUM(requested) AS requested, SUM(approved) AS approved FROM ids GROUP BY k),
s AS (SELECT ids.k AS k, SUM(s.amount) AS v FROM {spending} s JOIN ids ON ids.pk = s.project_id GROUP BY ids.k),
b AS (
    SELECT ids.k AS k, SUM(COALESCE(b.final_amount, b.amount)) AS v
    FROM {budget} b JOIN ids ON ids.pk = b.project_id WHERE b.year = %s GROUP BY ids.k
)
SELECT p.k, {label}, p.n, p.requested, p.approved, s.v, b.v
FROM p LEFT JOIN s ON s.k = p.k LEFT JOIN b ON b.k = p.k {label_join}
"""


def money(value) -> Decimal:
    # SQLite sums decimals as floats: two places make them exact again (as the ORM's converter does).
    return ZERO if value is None else Decimal(str(value)).quantize(ZERO)


def grouped(projects, path: str | None, year: int, *, named=None) -> dict:
    """``{key: {label, count, requested, approved, spent, operating}}`` for each value of ``path``
    (None: one group, key None); ``named``: the model whose ``name`` labels the keys (read in the
    same statement), else the label is None."""
    key = F(path) if path else Value(0)
    rows = projects.order_by().values("pk", "budget_requested", "approved_budget", k=key)
    sql, params = rows.query.sql_with_params()
    quote = connection.ops.quote_name
    label, label_join = "NULL", ""
    if named is not None:
        label, label_join = "l.name", f"LEFT JOIN {quote(named._meta.db_table)} l ON l.id = p.k"
    statement = STATEMENT.format(
        projects=sql,
        spending=quote(Spending._meta.db_table),
        budget=quote(BudgetRequest._meta.db_table),
        label=label,
        label_join=label_join,
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, year])
        result = cursor.fetchall()
    return {
        (k if path else None): {
            "label": name,
            "count": n,
            "requested": money(requested),
            "approved": money(approved),
            "spent": money(spent),
            "operating": money(operating),
        }
        for k, name, n, requested, approved, spent, operating in result
    }
