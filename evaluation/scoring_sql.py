"""scoring.py's formulas as one ``INSERT … SELECT`` on PostgreSQL: a period of fifty thousand
projects is evaluated inside the database, with no row travelling to Python and back.

The inputs come from the tallies (ratings by score; tickets, spending and closed rectifications
in the operating tally, kept by triggers), plus the rectifications still open past their
deadline, read through a partial index. The indicators are few and known before the query runs,
so each one becomes its own columns — its value, points, whether it is met — with its constants
(weight, and baseline and target per region tier) passed as parameters; nothing a user typed is
ever part of the SQL text.

The statement first compares each project's inputs and indicators (the basis) with those its
stored result was computed from and goes on only with those that differ (a recompute with
nothing changed writes nothing). It stores the score, grade, the budget line's summary, the
inputs themselves and the basis, from which ``Evaluation.breakdown`` explains the result. All of
it equals what scoring.py computes, to the character: tests/evaluation/test_scoring_sql.py
compares the two on randomized portfolios.
"""

import json
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from evaluation.models import Evaluation, OperatingTally, RatingTally, Rectification
from evaluation.models.indicators import Category, Source
from evaluation.models.operations import POOR_RATING
from evaluation.models.results import INPUT_COLUMNS
from evaluation.scoring import IndicatorSpec, prepare
from portfolio.models import Region
from projects.lifecycle import Stage
from projects.models import Project

SATISFIED_RATING = 4


def fmt(expression: str, places: int = 2) -> str:
    """SQL text of a number rounded half-up, as Python's ``format(value, ".2f")`` writes it.

    PostgreSQL's round() rounds half away from zero, as ROUND_HALF_UP does; only a negative
    value that rounds to zero differs (PostgreSQL has no "-0.00").
    """
    zero = "0." + "0" * places
    return (
        f"CASE WHEN ({expression}) < 0 AND round({expression}, {places}) = 0 THEN '-{zero}' "
        f"ELSE round({expression}, {places})::text END"
    )


class _Params:
    """Named parameters: ``p(value)`` keeps the value and returns its placeholder."""

    def __init__(self):
        self.values = {}

    def __call__(self, value, cast: str = "") -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"%({name})s{'::' + cast if cast else ''}"


@dataclass
class Counts:
    projects: int
    created: int
    changed: int


def _by_tier(p: _Params, values: dict, cast: str, alias: str) -> str:
    """``CASE tier WHEN … END`` over the per-tier constants (``None`` key: any other tier)."""
    whens = " ".join(f"WHEN {p(tier)} THEN {p(value, cast)}" for tier, value in values.items() if tier is not None)
    return f"(CASE {alias}.tier {whens} ELSE {p(values[None], cast)} END)"


def evaluate(
    period: int,
    specs: list[IndicatorSpec],
    basis: int,
    project_ids=None,
    id_range=None,
) -> Counts:
    """Evaluate ``period`` for every project in operation (or ``project_ids``); store what changed.

    ``id_range=(low, high)`` takes only the projects with low ≤ id < high, so that several
    connections can share a period between them (services.evaluate_in_database).
    """
    p = _Params()
    tiers = [None, *Region.Tier.values]
    prepared = {tier: prepare(specs, tier) for tier in tiers}
    now = timezone.now()
    today = timezone.localdate(now)

    projects = Project.objects.filter(stage=Stage.ACCEPTED)
    if project_ids is not None:
        projects = projects.filter(pk__in=list(project_ids))
    only = " AND project_id IN (SELECT project_id FROM p)" if project_ids is not None else ""
    if id_range is not None:
        projects = projects.filter(pk__gte=id_range[0], pk__lt=id_range[1])
        only += f" AND project_id >= {p(id_range[0])} AND project_id < {p(id_range[1])}"
    project_sql, project_params = (
        projects.order_by().values_list("pk", "domain_id", "approved_budget", "owner_org__region__tier").query
    ).sql_with_params()
    project_sql %= tuple(p(value) for value in project_params)  # the ORM's %s, as named parameters

    measured = [s for s in specs if s.source == Source.MEASUREMENT]
    q = connection.ops.quote_name
    ctes = [
        f"p (project_id, domain_id, approved_budget, tier) AS ({project_sql})",
        f"r AS (SELECT project_id, SUM(count) AS n, SUM(count * score) AS total, "
        f"SUM(count) FILTER (WHERE score >= {p(SATISFIED_RATING)}) AS satisfied, "
        f"SUM(count) FILTER (WHERE score <= {p(POOR_RATING)}) AS poor "
        f"FROM {q(RatingTally._meta.db_table)} WHERE period = {p(period)}{only} GROUP BY project_id)",
        f"o AS (SELECT * FROM {q(OperatingTally._meta.db_table)} WHERE period = {p(period)}{only})",
        # Open past the deadline counts as late (the partial index holds only the unclosed ones).
        f"l AS (SELECT project_id, COUNT(*) AS late FROM {q(Rectification._meta.db_table)} "
        f"WHERE closed_on IS NULL AND period = {p(period)} AND due_date < {p(today)}{only} GROUP BY project_id)",
    ]
    measurement_columns = ""
    if measured:
        picks = ", ".join(f"MAX(value) FILTER (WHERE indicator_id = {p(s.id)}) AS m{s.id}" for s in measured)
        ctes.append(
            f"m AS (SELECT project_id, {picks} FROM evaluation_measurement "
            f"WHERE period = {p(period)} AND indicator_id IN ({', '.join(p(s.id) for s in measured)}){only} "
            f"GROUP BY project_id)"
        )
        measurement_columns = "".join(f", m.m{s.id}" for s in measured)
    ctes.append(
        "i AS (SELECT p.project_id, p.domain_id, p.approved_budget, p.tier, "
        "COALESCE(o.tickets_received, 0) AS received, COALESCE(o.tickets_resolved, 0) AS resolved, "
        "COALESCE(r.n, 0) AS n, COALESCE(r.total, 0) AS total, COALESCE(r.satisfied, 0) AS satisfied, "
        "COALESCE(r.poor, 0) AS poor, COALESCE(o.rectified_on_time, 0) AS on_time, "
        "COALESCE(o.rectified_late, 0) + COALESCE(l.late, 0) AS late, COALESCE(o.spent, 0.00) AS spent"
        f"{measurement_columns} FROM p LEFT JOIN r USING (project_id) LEFT JOIN o USING (project_id) "
        f"LEFT JOIN l USING (project_id){' LEFT JOIN m USING (project_id)' if measured else ''})"
    )

    # Per indicator k: applies (its domain), value, and then points or whether it is met. The
    # summary a budget line shows is written as JSON text and parsed once.
    known, columns, counted, bonus_terms, failed, values, satisfaction = [], [], [], [], [], [], []
    for k, spec in enumerate(specs):
        applies = "TRUE" if spec.domain_id is None else f"(i.domain_id IS NOT DISTINCT FROM {p(spec.domain_id)})"
        baseline = _by_tier(p, {t: prepared[t][k].baseline for t in tiers}, "numeric", "v")
        target = _by_tier(p, {t: prepared[t][k].target for t in tiers}, "numeric", "v")
        compare = "<=" if spec.lower_is_better else ">="
        reaches = f"(v{k} IS NOT NULL AND v{k} {compare} {target})"
        known.append(f"{applies} AS a{k}, {_value(spec)} AS v{k}")
        if spec.category == Category.CATCH_UP and spec.weight > 0:
            columns.append(
                f"(CASE WHEN v{k} IS NULL THEN NULL WHEN {target} = {baseline} THEN "
                f"CASE WHEN v{k} = {target} THEN 100 ELSE 0 END "
                f"ELSE GREATEST(0, LEAST(100, (v{k} - {baseline}) / ({target} - {baseline}) * 100)) END) AS pts{k}"
            )
            counted.append((k, p(spec.weight, "numeric")))
        elif spec.category == Category.BASELINE:
            columns.append(f"{reaches} AS met{k}")
            failed.append(f"(s.a{k} AND NOT s.met{k})")
        elif spec.category == Category.INNOVATION:
            columns.append(f"{reaches} AS met{k}")
            bonus_terms.append(f"CASE WHEN s.a{k} AND s.met{k} THEN {p(spec.bonus, 'numeric')} ELSE 0 END")
        values.append(f"CASE WHEN s.a{k} THEN {p(json.dumps(spec.code))} || ': ' || {_number(f's.v{k}')} END")
        if spec.source == Source.SATISFACTION:
            satisfaction.append(
                f"WHEN s.a{k} THEN ', \"satisfied_rate\": ' || {_share('s.satisfied', 's.n')} "
                f"|| ', \"rectified_on_time_rate\": ' || {_share('s.on_time', 's.on_time + s.late')}"
            )
    # Only projects whose inputs or indicators differ from those their stored result was computed
    # from go on: a recompute with nothing changed stops here, after reading the inputs.
    evaluation = q(Evaluation._meta.db_table)
    measured_ids = sorted(s.id for s in specs if s.source == Source.MEASUREMENT)
    measurements = _list(
        "{",
        [f"CASE WHEN i.m{pk} IS NOT NULL THEN '\"{pk}\": \"' || i.m{pk}::text || '\"' END" for pk in measured_ids],
        "}",
    )
    stored_inputs = ", ".join(f"e.{c}" for c in INPUT_COLUMNS)
    new_inputs = "i.tier, i.domain_id, i.received, i.resolved, i.n, i.total, i.satisfied, i.poor, i.on_time, i.late"
    ctes.append(
        f"x AS (SELECT i.*, ({measurements})::jsonb AS measurements, e.id AS stored_id FROM i "
        f"LEFT JOIN {evaluation} e ON e.project_id = i.project_id AND e.period = {p(period)} "
        f"WHERE e.id IS NULL OR (e.basis_id, {stored_inputs}) IS DISTINCT FROM "
        f"({p(basis)}, {new_inputs}, i.spent, i.approved_budget, ({measurements})::jsonb))"
    )
    # Materialized: inlined, every column would repeat the expressions of the step before it
    # wherever it is used.
    ctes.append(f"v AS MATERIALIZED (SELECT i.*, {', '.join(known)} FROM x AS i)")
    ctes.append(f"s AS MATERIALIZED (SELECT v.*{''.join(', ' + c for c in columns)} FROM v)")

    weighted = " + ".join(f"CASE WHEN s.a{k} AND s.v{k} IS NOT NULL THEN s.pts{k} * {w} ELSE 0 END" for k, w in counted)
    weights = " + ".join(f"CASE WHEN s.a{k} AND s.v{k} IS NOT NULL THEN {w} ELSE 0 END" for k, w in counted)
    catch_up = f"(({weighted or '0'}) / NULLIF({weights or '0'}, 0))"
    bonus = f"(0{''.join(' + ' + b for b in bonus_terms)})"
    any_failed = " OR ".join(f"COALESCE({condition}, FALSE)" for condition in failed) or "FALSE"
    sat = f"CASE {' '.join(satisfaction)} END" if satisfaction else "NULL::text"
    ctes.append(
        f"f AS MATERIALIZED (SELECT s.*, {catch_up} AS catch_up, {bonus}::numeric AS bonus, "
        f"NOT ({any_failed}) AS baseline_met, {_list('{', values, '}')} AS vals, {sat} AS sat FROM s)"
    )
    # (LEAST ignores a NULL: with no catch-up score there is no score.)
    score = "CASE WHEN f.catch_up IS NOT NULL THEN round(LEAST(100, f.catch_up + f.bonus), 1) END"
    ctes.append(f"g AS (SELECT f.*, {score} AS score FROM f)")
    grade = (
        "CASE WHEN NOT g.baseline_met THEN 'D' WHEN g.score IS NULL THEN '' "
        "WHEN g.score >= 90 THEN 'A' WHEN g.score >= 80 THEN 'B' WHEN g.score >= 60 THEN 'C' ELSE 'D' END"
    )
    ctes.append(f"h AS (SELECT g.*, {grade} AS grade FROM g)")

    summary = "('{\"values\": ' || h.vals || COALESCE(h.sat, '') || '}')::jsonb"
    stored = {
        "score": "h.score",
        "grade": "h.grade",
        "baseline_met": "h.baseline_met",
        "catch_up_score": "round(h.catch_up, 2)",
        "bonus": "round(h.bonus, 2)",
        "summary": summary,
        "updated_at": p(now, "timestamptz"),
        "basis_id": p(basis),
        "tier": "h.tier",
        "domain_ref": "h.domain_id",
        "tickets_received": "h.received",
        "tickets_resolved": "h.resolved",
        "ratings": "h.n",
        "ratings_sum": "h.total",
        "ratings_satisfied": "h.satisfied",
        "poor_ratings": "h.poor",
        "rectified_on_time": "h.on_time",
        "rectified_late": "h.late",
        "spent": "h.spent",
        "approved_budget": "h.approved_budget",
        "measurements": "h.measurements",
    }
    # New results are inserted, changed ones updated in place. (Runs for a period take a lock
    # first, services.evaluate_in_database, so no other run inserts the same row meanwhile.)
    ctes.append(
        f"created AS (INSERT INTO {evaluation} (project_id, period, created_at, {', '.join(stored)}) "
        f"SELECT h.project_id, {p(period)}, {stored['updated_at']}, {', '.join(stored.values())} FROM h "
        "WHERE h.stored_id IS NULL RETURNING 1)"
    )
    ctes.append(
        f"changed AS (UPDATE {evaluation} AS e SET {', '.join(f'{c} = {value}' for c, value in stored.items())} "
        "FROM h WHERE e.id = h.stored_id RETURNING 1)"
    )
    sql = (
        "WITH " + ",\n".join(ctes) + "\nSELECT (SELECT COUNT(*) FROM p), (SELECT COUNT(*) FROM created), "
        "(SELECT COUNT(*) FROM changed)"
    )
    with connection.cursor() as cursor:
        # Compiling this statement's expressions to machine code (JIT) would take longer than
        # running them: the planner judges by row estimates, not by the work per row.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, p.values)
        projects, created, changed = cursor.fetchone()
    return Counts(projects=projects, created=created, changed=changed)


def _value(spec: IndicatorSpec) -> str:
    """The SQL of an indicator's value, over the columns of ``i`` (scoring.indicator_value)."""
    if spec.source == Source.RESOLUTION:
        return "(CASE WHEN i.received <> 0 THEN i.resolved::numeric * 100 / i.received END)"
    if spec.source == Source.SATISFACTION:
        return "(CASE WHEN i.n <> 0 THEN (i.total::numeric / i.n - 1) / 4 * 100 END)"
    if spec.source == Source.EXECUTION:
        return "(CASE WHEN i.approved_budget <> 0 THEN i.spent * 100 / i.approved_budget END)"
    return f"i.m{spec.id}"


def _number(expression: str) -> str:
    """JSON text of a number as the breakdown shows it: a string with two decimals, or null."""
    return f"COALESCE('\"' || {fmt(expression)} || '\"', 'null')"


def _share(part: str, whole: str) -> str:
    """JSON text of part ÷ whole × 100 (null when there is nothing to divide by)."""
    return _number(f"CASE WHEN ({whole}) <> 0 THEN ({part})::numeric * 100 / ({whole}) END")


def _list(opening: str, items: list[str], closing: str) -> str:
    """A JSON array or object of the items that are not NULL (concat_ws skips NULLs)."""
    if not items:
        return f"'{opening}{closing}'"
    return f"('{opening}' || concat_ws(', ', {', '.join(items)}) || '{closing}')"
