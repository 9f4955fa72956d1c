"""Writes of the evaluation app: one transaction each, a keyword-only acting user, side effects
(notifications, e-mail) after commit."""

import datetime
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal

from constance import config
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, Count, DateField, DateTimeField, Max, Min, ProtectedError, Value
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluation import bulk, scoring, scoring_sql
from evaluation.budget import GRADES
from evaluation.ingest import KINDS, MAX_ROWS, BadRow, References, Sheet, parse_rows
from evaluation.inputs import collect_inputs, indicator_specs
from evaluation.models import (
    BudgetAdjustment,
    BudgetPolicy,
    BudgetRequest,
    Evaluation,
    EvaluationBasis,
    Filing,
    Indicator,
    IndicatorTarget,
    Measurement,
    Rating,
    Rectification,
    Spending,
    Ticket,
)
from evaluation.models.budget import MAX_AMOUNT
from evaluation.models.indicators import Source, direction_error
from evaluation.models.operations import POOR_RATING
from evaluation.models.results import INPUT_COLUMNS
from portfolio import audit
from portfolio.models import AuditKind, Role, User
from portfolio.notifications import notify
from portfolio.workflow import ActionNotPermitted, Conflict, InvalidTransition, RequirementsNotMet
from projects.lifecycle import Stage
from projects.models import Project

MAX_REPORTED_ERRORS = 100
MODELS = {
    Filing.Kind.RATINGS: Rating,
    Filing.Kind.TICKETS: Ticket,
    Filing.Kind.SPENDING: Spending,
    Filing.Kind.MEASUREMENTS: Measurement,
}


# --- operating data ----------------------------------------------------------------------------


@dataclass
class FilingResult:
    filing: Filing
    created: int
    skipped: list = field(default_factory=list)  # BadRow
    rectifications: int = 0
    single: object = None  # the stored record, when one row was filed

    def as_dict(self) -> dict:
        return {
            "filing": self.filing.pk,
            "created": self.created,
            "skipped_count": len(self.skipped),
            "skipped": [bad.as_dict() for bad in self.skipped[:1000]],
            "rectifications_opened": self.rectifications,
        }


def row_errors(bad: list[BadRow]) -> dict:
    """The 400 body for a refused batch: per field, each message naming its row (capped)."""
    errors: dict[str, list[str]] = {}
    for row in bad[:MAX_REPORTED_ERRORS]:
        for name, message in row.errors.items():
            errors.setdefault(name, []).append(_("Row %(row)d: %(message)s") % {"row": row.row, "message": message})
    summary = _("%(count)d rows have errors; nothing was stored. Correct them, or file again skipping bad rows.") % {
        "count": len(bad)
    }
    errors.setdefault("non_field_errors", []).insert(0, summary)
    return errors


@audit.audited_import(
    "evaluation.filing",
    lambda result: {
        "filing": result.filing.pk,
        "kind": result.filing.kind,
        "created": result.created,
        "skipped": len(result.skipped),
    },
)
def file_operating_data(
    kind: str,
    raw_rows: list,
    *,
    by,
    channel: str = Filing.Channel.API,
    skip_bad_rows: bool = False,
    sheet: Sheet | None = None,
) -> FilingResult:
    """File tickets, ratings, spending or measured values: every row or (asked) the good rows only.

    All-or-nothing by default: one bad row refuses the batch, naming the row and the field. With
    ``skip_bad_rows`` the good rows are stored and the bad ones reported. Poor ratings open
    rectifications for the owner organizations, who are notified once per filing.
    """
    if by.role not in {"owner", "manager"} and not by.is_superuser:
        raise ActionNotPermitted(_("Only a project owner or the portfolio office files operating data."))
    if not raw_rows:
        raise RequirementsNotMet({"non_field_errors": _("There are no rows to file.")})
    if len(raw_rows) > MAX_ROWS:
        raise RequirementsNotMet(
            {"non_field_errors": _("At most %(n)d rows can be filed at once; split the data.") % {"n": MAX_ROWS}}
        )
    references = References.load(kind, raw_rows, user=by, accepted_stage=Stage.ACCEPTED)
    parsed = parse_rows(
        kind, raw_rows, references, first_row=sheet.first_row if sheet else 1, skip_blank=sheet is not None
    )
    if parsed.bad and not skip_bad_rows:
        raise RequirementsNotMet(row_errors(parsed.bad))
    if not parsed.rows:
        raise RequirementsNotMet(row_errors(parsed.bad) if parsed.bad else {"non_field_errors": _("No rows to file.")})

    with transaction.atomic():
        filing = Filing.objects.create(
            kind=kind,
            channel=channel,
            filed_by=by,
            file_name=sheet.file_name if sheet else "",
            sha256=sheet.sha256 if sheet else "",
            rows=len(parsed.rows),
            skipped=[bad.as_dict() for bad in parsed.bad[:1000]],
        )
        columns = [column.attribute for column in KINDS[kind]]
        rows = parsed.rows
        single = None
        if kind == Filing.Kind.MEASUREMENTS:
            created = _upsert_measurements(columns, rows, filing)
        elif len(rows) == 1:  # one record through the ORM, so the caller gets it back with its id
            single = MODELS[kind].objects.create(filing=filing, **dict(zip(columns, rows[0], strict=True)))
            created = 1
        else:
            created = bulk.insert_rows(MODELS[kind], [*columns, "filing_id"], ((*row, filing.pk) for row in rows))
        opened = 0
        if kind == Filing.Kind.RATINGS:
            bulk.add_to_tally(_tally(rows))
            opened = _open_rectifications(filing)
    return FilingResult(filing=filing, created=created, skipped=parsed.bad, rectifications=opened, single=single)


def _upsert_measurements(columns, rows, filing) -> int:
    """A value filed again for the same project, indicator and period replaces the earlier one."""
    latest = {}
    for row in rows:  # the last row wins within one batch too
        values = dict(zip(columns, row, strict=True))
        latest[(values["project_id"], values["indicator_id"], values["period"])] = values
    Measurement.objects.bulk_create(
        [Measurement(filing=filing, **values) for values in latest.values()],
        update_conflicts=True,
        unique_fields=["project", "indicator", "period"],
        update_fields=["value", "note", "filing", "updated_at"],
        batch_size=2000,
    )
    return len(rows)


def _tally(rows) -> dict:
    """Per (project, local year, score): how many of ``rows`` (project_id, score, rated_at, …)."""
    counts: dict = {}
    zone = timezone.get_default_timezone()
    for project_id, score, rated_at, *_rest in rows:
        key = (project_id, rated_at.astimezone(zone).year, score)
        counts[key] = counts.get(key, 0) + 1
    return counts


def _open_rectifications(filing: Filing) -> int:
    """One rectification per poor rating of the filing, in one INSERT … SELECT."""
    now = timezone.now()
    due = timezone.localdate(now) + datetime.timedelta(days=config.RECTIFY_DAYS)
    poor = (
        Rating.objects.filter(filing=filing, score__lte=POOR_RATING)
        .annotate(
            year=ExtractYear("rated_at"),
            opened=Value(now, output_field=DateTimeField()),
            due=Value(due, output_field=DateField()),
            open_status=Value(Rectification.Status.OPEN, output_field=CharField()),
            no_reply=Value("", output_field=CharField()),
        )
        .order_by()
        .values_list(
            "id", "project_id", "project__owner_org_id", "rated_at", "year", "opened", "due", "open_status", "no_reply"
        )
    )
    columns = ["rating_id", "project_id", "org_id", "rated_at", "period", "opened_at", "due_date", "status", "reply"]
    opened = bulk.insert_select(Rectification, columns, poor)
    if opened:
        per_org = list(
            # score <= POOR_RATING lets the database use the partial index of poor ratings by filing.
            Rectification.objects.filter(rating__filing=filing, rating__score__lte=POOR_RATING)
            .order_by()
            .values("org")
            .annotate(n=Count("id"))
            .values_list("org", "n")
        )
        owners: dict[int, list] = {}
        for user in User.objects.filter(organization__in=[org for org, _n in per_org], role=Role.OWNER, is_active=True):
            owners.setdefault(user.organization_id, []).append(user)
        for org_id, count in per_org:
            notify(
                owners.get(org_id, []),
                kind="rectification_opened",
                title=gettext_lazy("%(count)d poor ratings to rectify by %(due)s"),
                body=gettext_lazy(
                    "Citizens gave %(count)d poor ratings (差评) to your projects. Reply to each with what was "
                    "done by %(due)s."
                ),
                url=reverse("evaluation:rectifications"),
                params={"count": count, "due": due.strftime("%Y-%m-%d")},
            )
    return opened


def close_rectification(rectification: Rectification, *, by, reply: str) -> Rectification:
    """The owner organization answers a poor rating with what it did (整改反馈); late ones too."""
    reply = (reply or "").strip()
    if not reply:
        raise RequirementsNotMet({"reply": _("Say what was done to rectify it.")})
    with transaction.atomic():
        locked = Rectification.objects.select_for_update().get(pk=rectification.pk)
        if locked.status != Rectification.Status.OPEN:
            raise InvalidTransition(
                state_field="status",
                state=locked.status,
                state_label=str(locked.get_status_display()),
                action="close",
                action_label=_("Rectify"),
                allowed={},
            )
        locked.status = Rectification.Status.CLOSED
        locked.reply = reply[:5000]
        locked.closed_at = timezone.now()
        locked.closed_on = timezone.localdate(locked.closed_at)
        locked.closed_by = by
        locked.save(update_fields=["status", "reply", "closed_at", "closed_on", "closed_by"])
        audit.transition(
            locked,
            action=("close", gettext_lazy("Rectify")),
            source=Rectification.Status.OPEN,
            target=locked.status,
            by=by,
            comment=locked.reply,
            label=f"{locked.project} · {locked.due_date}",
        )
    return locked


# --- evaluations ---------------------------------------------------------------------------------


@dataclass
class EvaluationRun:
    period: int
    projects: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("period", "projects", "created", "changed", "unchanged")}


EVALUATION_LOCK = 0x45564C  # with the period: one evaluation run of a period at a time (PostgreSQL)


def evaluate_period(period: int, *, project_ids=None) -> EvaluationRun:
    """Evaluate every project in operation for ``period`` (or only ``project_ids``).

    Idempotent: a result is written only when its inputs or indicators differ from those of the
    stored one, so running it twice changes nothing and ``updated_at`` dates the last real change.
    A period whose results a closed budget year rests on (the next year's) is not evaluated again:
    Conflict.
    """
    if year_closed(period + 1):
        raise Conflict(
            _("The %(year)d budget is closed and rests on the %(period)d evaluations: they are no longer recomputed.")
            % {"year": period + 1, "period": period}
        )
    if connection.vendor == "postgresql":
        return evaluate_in_database(period, project_ids=project_ids)
    return evaluate_in_python(period, project_ids=project_ids)


def evaluation_basis(specs, specs_fingerprint: str) -> EvaluationBasis:
    """The frozen record of these indicators (created the first time they are used)."""
    basis, _created = EvaluationBasis.objects.get_or_create(
        digest=scoring.basis_digest(specs_fingerprint),
        defaults={"formula_version": scoring.FORMULA_VERSION, "indicators": scoring.specs_to_json(specs)},
    )
    return basis


def evaluate_in_database(period: int, *, project_ids=None, workers: int | None = None) -> EvaluationRun:
    """PostgreSQL: the same formulas as one statement (scoring_sql, kept equal to scoring.py by
    tests), reading the tallies; no row leaves the database.

    A whole period is shared between ``workers`` connections (EVALUATION_WORKERS, default: one
    per processor, at most four), each evaluating its share of the projects in its own
    transaction, as PostgreSQL shares a large aggregate between parallel workers; a database
    write cannot be parallel otherwise. Each project's result is written whole or not at all,
    and a run that stops half-way leaves the rest to the next one. Inside a caller's
    transaction, or for chosen projects, it is one statement on the caller's connection. An
    advisory lock on the period keeps two runs apart.
    """
    specs = indicator_specs()
    specs_fingerprint = scoring.fingerprint(specs)
    workers = workers or settings.EVALUATION_WORKERS or min(os.cpu_count() or 1, 4)
    if project_ids is not None or connection.in_atomic_block or workers == 1:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [EVALUATION_LOCK, period])
            basis = evaluation_basis(specs, specs_fingerprint)
            shares = [scoring_sql.evaluate(period, specs, basis.pk, project_ids)]
    else:
        with connection.cursor() as cursor:  # held until the shares are done (a session lock)
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [EVALUATION_LOCK, period])
        try:
            shares = _evaluate_in_shares(period, specs, specs_fingerprint, workers)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [EVALUATION_LOCK, period])
    projects, created, changed = (sum(getattr(c, name) for c in shares) for name in ("projects", "created", "changed"))
    return EvaluationRun(
        period=period, projects=projects, created=created, changed=changed, unchanged=projects - created - changed
    )


def _evaluate_in_shares(period, specs, specs_fingerprint, workers) -> list:
    """Each of ``workers`` threads evaluates an equal range of project ids on its own connection."""
    basis = evaluation_basis(specs, specs_fingerprint)  # committed: the workers refer to it
    ids = Project.objects.filter(stage=Stage.ACCEPTED).aggregate(low=Min("pk"), high=Max("pk"))
    low, high = ids["low"] or 0, (ids["high"] or 0) + 1
    step = -(-(high - low) // workers)  # ids are dense enough that equal ranges share the work

    def share(start):
        try:
            with transaction.atomic():
                return scoring_sql.evaluate(period, specs, basis.pk, id_range=(start, min(start + step, high)))
        finally:
            connection.close()  # this worker thread's own connection

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(share, range(low, high, step)))


def evaluate_in_python(period: int, *, project_ids=None) -> EvaluationRun:
    """Any database: aggregate the operating data, score each project with scoring.py, store."""
    specs = indicator_specs()
    specs_fingerprint = scoring.fingerprint(specs)
    inputs = collect_inputs(period, project_ids)
    stored = Evaluation.objects.filter(period=period)
    if project_ids is not None:
        stored = stored.filter(project_id__in=list(inputs))
    previous = {row[0]: row[1:] for row in stored.values_list("project_id", "basis_id", *INPUT_COLUMNS)}
    measured_ids = {spec.id for spec in specs if spec.source == Source.MEASUREMENT}
    run, now, rows, prepared = EvaluationRun(period=period, projects=len(inputs)), timezone.now(), [], {}
    with transaction.atomic():
        basis = evaluation_basis(specs, specs_fingerprint)
        for project_id, i in inputs.items():
            measured = {str(pk): str(value) for pk, value in sorted(i.measurements.items()) if pk in measured_ids}
            given = (
                *(basis.pk, i.tier, i.domain_id, i.tickets_received, i.tickets_resolved, i.ratings, i.ratings_sum),
                *(i.ratings_satisfied, i.poor_ratings, i.rectified_on_time, i.rectified_late, i.spent),
                *(i.approved_budget, measured),
            )
            stored_inputs = previous.get(project_id)
            if stored_inputs is not None and _same_inputs(stored_inputs, given):
                run.unchanged += 1  # same inputs and indicators, same result: leave the row alone
                continue
            if stored_inputs is None:
                run.created += 1
            else:
                run.changed += 1
            if i.tier not in prepared:
                prepared[i.tier] = scoring.prepare(specs, i.tier)
            result = scoring.evaluate(specs, i, prepared[i.tier])
            rows.append(
                (
                    *(project_id, period, result.score, result.grade, result.baseline_met, result.catch_up_score),
                    *(result.bonus, result.summary, now, now, *given),
                )
            )
        bulk.upsert(
            Evaluation,
            EVALUATION_COLUMNS,
            rows,
            unique=["project_id", "period"],
            update=[c for c in EVALUATION_COLUMNS if c not in {"project_id", "period", "created_at"}],
        )
    return run


EVALUATION_COLUMNS = [
    *("project_id", "period", "score", "grade", "baseline_met", "catch_up_score", "bonus", "summary"),
    *("created_at", "updated_at", "basis_id", *INPUT_COLUMNS),
]


def _same_inputs(stored: tuple, given: tuple) -> bool:
    """Stored and new inputs are equal (numbers compared as numbers: 1.5 and 1.50 are the same)."""
    *stored_head, stored_measured = stored
    *given_head, given_measured = given
    as_numbers = {k: Decimal(v) for k, v in stored_measured.items()} == {
        k: Decimal(v) for k, v in given_measured.items()
    }
    return tuple(stored_head) == tuple(given_head) and as_numbers


# --- indicators ----------------------------------------------------------------------------------


def save_indicator(indicator: Indicator, *, by, targets: list[dict] | None = None) -> Indicator:
    """Save an indicator (already validated by its form or serializer) and, if given, replace its
    tier targets with ``targets`` (dicts: tier, baseline_value, target_value)."""
    errors = {}
    for number, target in enumerate(targets or [], start=1):
        if indicator.category == "catch_up":
            baseline = target.get("baseline_value")
            baseline = indicator.baseline_value if baseline is None else baseline
            problem = direction_error(baseline, target["target_value"], indicator.lower_is_better)
            if problem:
                errors.setdefault("targets", []).append(f"{number}: {problem}")
    tiers = [t["tier"] for t in targets or []]
    if len(tiers) != len(set(tiers)):
        errors.setdefault("targets", []).append(_("Each region tier may have one set of targets."))
    if indicator.pk and indicator.is_builtin:
        # Reports and exports find the built-in indicators by code and source (as the form and the
        # admin show them read-only); the API must not rename them either.
        stored = Indicator.objects.filter(pk=indicator.pk).values("code", "source").get()
        for name, value in stored.items():
            if getattr(indicator, name) != value:
                errors[name] = _("The code and source of a built-in indicator cannot change.")
    if errors:
        raise RequirementsNotMet(errors)
    with transaction.atomic():
        indicator.save()
        if targets is not None:
            indicator.tier_targets.all().delete()
            IndicatorTarget.objects.bulk_create(
                IndicatorTarget(
                    indicator=indicator,
                    tier=t["tier"],
                    baseline_value=t.get("baseline_value"),
                    target_value=t["target_value"],
                )
                for t in targets
            )
    return indicator


# --- budget --------------------------------------------------------------------------------------


def year_closed(year: int) -> bool:
    return BudgetPolicy.objects.filter(year=year, closed_at__isnull=False).exists()


def _refuse_if_closed(year: int) -> None:
    if year_closed(year):
        raise Conflict(
            _("The %(year)d budget is closed: its requests, policy and final amounts no longer change.")
            % {"year": year}
        )


def _refuse_if_decided(request: BudgetRequest) -> None:
    _refuse_if_closed(request.year)
    if request.decided:
        raise Conflict(
            _(
                "Finance has set the final amount of this request (%(amount)s yuan): it can no longer "
                "be changed or withdrawn."
            )
            % {"amount": f"{request.final_amount:,.2f}"}
        )


def save_budget_request(
    project, *, year: int, amount: Decimal, note: str = "", by, replace: bool = True
) -> BudgetRequest:
    """File a project's requested operating budget for ``year``, or (``replace``) change the one
    filed. Without ``replace`` a second request for the same year is a Conflict, never an
    overwrite; a request finance decided on, or of a closed year, is a Conflict either way."""
    errors = {}
    if project.stage != Stage.ACCEPTED:
        errors["project"] = _("Only projects accepted and in operation request an operating budget.")
    if amount is None or amount < 0:
        errors["amount"] = _("The requested amount cannot be negative.")
    elif amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        errors["amount"] = _("Amounts are in yuan with at most two decimals.")
    if errors:
        raise RequirementsNotMet(errors)
    try:
        with transaction.atomic():
            _refuse_if_closed(year)
            request, created = BudgetRequest.objects.select_for_update().get_or_create(
                project=project, year=year, defaults={"amount": amount, "note": note, "created_by": by}
            )
            if not created:
                if not replace:
                    raise _already_filed(year)
                _refuse_if_decided(request)
                request.amount, request.note = amount, note
                request.save(update_fields=["amount", "note", "updated_at"])
    except IntegrityError:  # a simultaneous first request won the unique (project, year)
        raise _already_filed(year) from None
    return request


def _already_filed(year: int) -> Conflict:
    return Conflict(
        _("This project already has a budget request for %(year)d: change that one instead.") % {"year": year}
    )


def withdraw_budget_request(request: BudgetRequest, *, by) -> None:
    """The owner withdraws a request finance has not decided on (its adjustments, if finance has
    touched it before, keep it: they are never deleted)."""
    with transaction.atomic():
        locked = BudgetRequest.objects.select_for_update().get(pk=request.pk)
        _refuse_if_decided(locked)
        try:
            with transaction.atomic():
                locked.delete()
        except ProtectedError:
            raise Conflict(
                _("Finance has adjusted this request before: it is kept with its adjustments and cannot be withdrawn.")
            ) from None


def close_budget_year(year: int, *, by) -> BudgetPolicy:
    """Finance closes (publishes) a year's budget: its policy, requests and final amounts, and the
    evaluations of the year before, no longer change. Once; closing again is a Conflict."""
    with transaction.atomic():
        policy = BudgetPolicy.objects.select_for_update().filter(year=year).first() or BudgetPolicy(year=year)
        if policy.closed_at is not None:
            raise Conflict(_("The %(year)d budget is closed already.") % {"year": year})
        policy.closed_at, policy.closed_by, policy.updated_by = timezone.now(), by, by
        policy._history_user = by
        policy.save()
    return policy


def parse_factors(factors) -> dict[str, Decimal]:
    errors = {}
    if not isinstance(factors, dict):
        raise RequirementsNotMet({"factors": _('Give a factor for each grade, e.g. {"A": "1.10", …}.')})
    clean = {}
    for grade in GRADES:
        value = factors.get(grade)
        try:
            number = Decimal(str(value)) if value is not None and not isinstance(value, bool) else None
        except ArithmeticError:
            number = None
        if number is None or not number.is_finite():
            errors.setdefault("factors", []).append(_("Grade %(grade)s: enter a factor.") % {"grade": grade})
        elif number < 0:
            errors.setdefault("factors", []).append(
                _("Grade %(grade)s: a factor cannot be negative.") % {"grade": grade}
            )
        elif number > Decimal("9.99") or number != number.quantize(Decimal("0.01")):
            errors.setdefault("factors", []).append(
                _("Grade %(grade)s: a factor has at most two decimals and is below 10.") % {"grade": grade}
            )
        else:
            clean[grade] = number
    unknown = set(factors) - set(GRADES)
    if unknown:
        errors.setdefault("factors", []).append(
            _("Unknown grades: %(grades)s (use A, B, C, D).") % {"grades": "、".join(sorted(map(str, unknown)))}
        )
    if errors:
        raise RequirementsNotMet(errors)
    return clean


def parse_envelope(envelope) -> Decimal | None:
    if envelope is None or envelope == "":
        return None
    try:
        number = Decimal(str(envelope).replace(",", "")) if not isinstance(envelope, bool) else None
    except ArithmeticError:
        number = None
    if number is None or not number.is_finite():
        raise RequirementsNotMet({"envelope": _("Enter the envelope in yuan.")})
    if number < 0:
        raise RequirementsNotMet({"envelope": _("The envelope cannot be negative.")})
    if number >= Decimal(10) ** 14 or number != number.quantize(Decimal("0.01")):
        raise RequirementsNotMet({"envelope": _("Amounts are in yuan with at most two decimals.")})
    return number


def set_policy(year: int, *, envelope, factors, by) -> BudgetPolicy:
    """Save the year's factors and envelope; the change is kept in the policy's history."""
    clean = parse_factors(factors)
    amount = parse_envelope(envelope)
    with transaction.atomic():
        policy = BudgetPolicy.objects.select_for_update().filter(year=year).first() or BudgetPolicy(year=year)
        _refuse_if_closed(year)
        before = _policy_values(policy) if policy.pk else None
        policy.envelope = amount
        policy.factor_a, policy.factor_b, policy.factor_c, policy.factor_d = (clean[g] for g in GRADES)
        policy.updated_by = by
        policy._history_user = by
        policy.save()
        audit.record(
            AuditKind.BUDGET_POLICY, by=by, action=str(year), obj=policy, before=before, after=_policy_values(policy)
        )
    return policy


def _policy_values(policy: BudgetPolicy) -> dict:
    factors = zip(GRADES, (policy.factor_a, policy.factor_b, policy.factor_c, policy.factor_d), strict=True)
    return {"envelope": policy.envelope, "factors": {grade: str(value) for grade, value in factors}}


def adjust_budget(request: BudgetRequest, *, final, justification: str, recommended: Decimal, by) -> BudgetRequest:
    """Finance sets a line's final amount. Different from the recommendation only with a written
    justification; ``final=None`` returns the line to the recommendation. Recorded who and when."""
    justification = (justification or "").strip()
    amount = None
    if final is not None and final != "":
        try:
            amount = Decimal(str(final).replace(",", ""))
        except ArithmeticError:
            raise RequirementsNotMet({"final": _("Enter the final amount in yuan.")}) from None
        if not amount.is_finite() or amount < 0:
            raise RequirementsNotMet({"final": _("The final amount cannot be negative.")})
        if amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
            raise RequirementsNotMet({"final": _("Amounts are in yuan with at most two decimals.")})
    if amount is not None and amount != recommended and not justification:
        raise RequirementsNotMet(
            {"justification": _("A final amount different from the recommendation needs a written justification.")}
        )
    with transaction.atomic():
        locked = BudgetRequest.objects.select_for_update().get(pk=request.pk)
        _refuse_if_closed(locked.year)
        adjustment = BudgetAdjustment.objects.create(
            request=locked,
            recommended=recommended,
            previous_final=locked.final_amount,
            final=amount,
            justification=justification,
            by=by,
        )
        locked.final_amount = amount
        locked.justification = justification if amount is not None else ""
        locked.save(update_fields=["final_amount", "justification", "updated_at"])
        audit.record(
            AuditKind.BUDGET_ADJUSTMENT,
            by=by,
            action=str(locked.year),
            obj=locked,
            before={"final": adjustment.previous_final, "recommended": recommended},
            after={"final": amount},
            message=justification,
        )
    return locked
