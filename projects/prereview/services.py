"""Writes of pre-review. One transaction each; the acting user is the keyword-only ``by``.

Every write that touches a project's round locks the project's row first (the lifecycle service
locks the same row), so a review submitted while the project is being approved is either in before
the decision or refused after it — never half in. After each change to an input of the report
(a review, an override, a new check, a rule) the round's queue figures are refreshed, so the
manager's queue sorts by the recommendation the report shows.

The lifecycle hooks at the end are plugged into ``projects.services.ACTION_RULES``:
``start_review`` opens a round (duplicate check, rule score), ``approve`` is refused while a red
line stands and freezes the report in the gate record, and every decision that ends pre-review
closes the round with its final report.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portfolio.models import Role, User
from portfolio.notifications import notify, users_with_role
from portfolio.workflow import ActionNotPermitted, InvalidTransition
from projects.duplicates import check_duplicates
from projects.lifecycle import Stage
from projects.models import Project
from projects.permissions import not_in_this_stage
from projects.prereview import facts as F
from projects.prereview import report
from projects.prereview.models import (
    MAX_POINTS,
    MAX_SCORE,
    Criterion,
    ExpertReview,
    Opinion,
    PreReview,
    RedLineOverride,
    ReviewRule,
    RuleVersion,
)
from projects.prereview.permissions import keeps_prereview, reviewer_conflict

RULE_FIELDS = ("name", "description", "conditions", "criterion", "points", "red_line")
REASON_MIN_LENGTH = 10
COMMENT_MAX_LENGTH = 4000


def _locked(project: Project) -> Project:
    return Project.objects.select_for_update(of=("self",)).select_related("owner_org", "domain").get(pk=project.pk)


def _office_only(by) -> None:
    if not keeps_prereview(by):
        raise ActionNotPermitted(_("Only the portfolio office does this in pre-review."))


def _in_prereview(project: Project, by, code: str, label) -> None:
    if project.stage != Stage.PREREVIEW:
        raise not_in_this_stage(project, by, code, label)


# --- Rounds ---------------------------------------------------------------------------------------


def open_round(project: Project, *, by, at=None, transition=None) -> PreReview:
    """Start a round: check for duplicate construction, then score. The caller holds the project's lock."""
    prereview = PreReview.objects.create(
        project=project, opened_at=at or timezone.now(), opened_by=by, transition=transition
    )
    _check(prereview, project)
    refresh(prereview)
    return prereview


def open_round_of(project: Project, *, by) -> PreReview:
    """The project's open round, read for assessment (``report.rounds``); one is opened for a project
    in pre-review without one (a project that entered pre-review before rounds existed). The caller
    holds the project's lock."""
    prereview = report.rounds().open().filter(project=project).first()
    if prereview is None:
        prereview = report.rounds().get(pk=open_round(project, by=by).pk)
    return prereview


def _check(prereview: PreReview, project: Project) -> None:
    result = check_duplicates(project)
    prereview.duplicate = result.to_json()
    prereview.checked_at = timezone.now()
    prereview.save(update_fields=["duplicate", "checked_at"])


def refresh(prereview: PreReview, rules=None) -> report.Assessment:
    """Assess the round now (re-read: its reviews or overrides may have just changed) and store what
    the manager's queue shows."""
    assessment = report.assess(report.rounds().get(pk=prereview.pk), rules=rules)
    _store(assessment)
    return assessment


def _store(assessment: report.Assessment) -> None:
    advice = assessment.advice
    PreReview.objects.filter(pk=assessment.prereview.pk).update(
        recommendation=advice.action,
        recommended_cut=advice.cut,
        rule_total=assessment.score.total,
        verdict=assessment.duplicate.verdict if assessment.duplicate else "",
        red_lines_standing=len(assessment.standing),
        refreshed_at=timezone.now(),
    )


def refresh_open_rounds() -> int:
    """After a rule changed: every open round's queue figures, with the rules now in use."""
    rules = report.current_rules()
    rounds = list(report.rounds().open())
    for prereview in rounds:
        _store(report.assess(prereview, rules=rules))
    return len(rounds)


def rescore(project: Project, *, by) -> report.Assessment:
    """Run the duplicate check again (the catalogue may have changed) and score with the rules in use."""
    with transaction.atomic():
        project = _locked(project)
        _office_only(by)
        _in_prereview(project, by, "rescore", gettext_lazy("Score again"))
        prereview = PreReview.objects.open().filter(project=project).first()
        if prereview is None:
            prereview = open_round(project, by=by)  # checked just now
        else:
            _check(prereview, project)
        return refresh(prereview)


# --- Expert reviews -------------------------------------------------------------------------------


def assign_reviewer(project: Project, reviewer: User, *, by) -> ExpertReview:
    """The portfolio office assigns a reviewer to the project's current round."""
    with transaction.atomic():
        project = _locked(project)
        _office_only(by)
        _in_prereview(project, by, "assign", gettext_lazy("Assign a reviewer"))
        if reviewer.role != Role.REVIEWER or not reviewer.is_active:
            raise ValidationError({"reviewer": _("Choose an active account with the reviewer role.")})
        if reviewer_conflict(reviewer, project):
            raise ValidationError(
                {
                    "reviewer": _("%(name)s belongs to the proposing organization (%(org)s) and may not review it.")
                    % {"name": reviewer.name, "org": reviewer.organization.name}
                }
            )
        prereview = open_round_of(project, by=by)
        if prereview.reviews.filter(reviewer=reviewer).exists():
            raise ValidationError(
                {"reviewer": _("%(name)s is already assigned to this proposal.") % {"name": reviewer.name}}
            )
        try:
            with transaction.atomic():
                review = ExpertReview.objects.create(
                    prereview=prereview, project=project, reviewer=reviewer, assigned_by=by, assigned_at=timezone.now()
                )
        except IntegrityError:  # assigned at the same moment by another manager
            raise ValidationError(
                {"reviewer": _("%(name)s is already assigned to this proposal.") % {"name": reviewer.name}}
            ) from None
        refresh(prereview)
        notify(
            [reviewer],
            kind="prereview_assigned",
            title=gettext_lazy("Proposal to review: %(code)s %(name)s"),
            body=gettext_lazy(
                "The portfolio office asks you to review the proposal “%(name)s” of %(org)s: score each "
                "criterion, give your opinion and a comment."
            ),
            url=reverse("projects:review", args=[review.pk]),
            params={"code": project.code, "name": project.name, "org": project.owner_org.name},
        )
    return review


def withdraw_review(review: ExpertReview, *, by) -> None:
    """The office takes back an assignment that has not been submitted."""
    with transaction.atomic():
        project = _locked(review.project)
        _office_only(by)
        review = ExpertReview.objects.select_related("reviewer", "prereview").get(pk=review.pk)
        label = gettext_lazy("Withdraw the assignment")
        if not review.prereview.is_open:
            raise not_in_this_stage(project, by, "withdraw", label)
        if review.is_submitted:
            raise _review_refusal(review, "withdraw", label)
        review.delete()
        refresh(review.prereview)
        notify(
            [review.reviewer],
            kind="prereview_withdrawn",
            title=gettext_lazy("Review assignment withdrawn: %(code)s %(name)s"),
            body=gettext_lazy("The portfolio office withdrew your assignment to review “%(name)s”."),
            url=reverse("projects:reviews"),
            params={"code": project.code, "name": project.name},
        )


def _review_refusal(review: ExpertReview, code: str, label) -> InvalidTransition:
    return InvalidTransition(
        state_field="status",
        state=review.status,
        state_label=str(review.get_status_display()),
        action=code,
        action_label=str(label),
        allowed={},
    )


def clean_scores(scores, *, complete: bool) -> dict:
    """{criterion: 0–10}; every criterion when ``complete``."""
    if scores in (None, ""):
        scores = {}
    if not isinstance(scores, dict):
        raise ValidationError({"scores": _("Give the scores as {criterion: 0–10}.")})
    unknown = set(scores) - set(Criterion.values)
    if unknown:
        raise ValidationError(
            {
                "scores": _("Unknown criteria: %(unknown)s. Score these: %(criteria)s.")
                % {
                    "unknown": "、".join(sorted(map(str, unknown))),
                    "criteria": "、".join(f"{c}（{label}）" for c, label in Criterion.choices),
                }
            }
        )
    cleaned, errors = {}, []
    for criterion, label in Criterion.choices:
        value = scores.get(criterion)
        if value in (None, ""):
            if complete:
                errors.append(_("Score “%(criterion)s” from 0 to 10.") % {"criterion": label})
            continue
        number = F.whole_number(value)
        if number is None or not 0 <= number <= MAX_SCORE:
            errors.append(
                _("The score for “%(criterion)s” is a whole number from 0 to 10, not “%(value)s”.")
                % {"criterion": label, "value": value}
            )
            continue
        cleaned[criterion] = number
    if errors:
        raise ValidationError({"scores": errors})
    return cleaned


def save_review(review: ExpertReview, *, by, scores=None, opinion=None, comment=None, submit=False) -> ExpertReview:
    """The assigned reviewer writes its review; ``submit`` makes it final (read-only from then on)."""
    with transaction.atomic():
        project = _locked(review.project)
        review = ExpertReview.objects.select_related("prereview").get(pk=review.pk)
        if review.reviewer_id != by.pk:
            raise ActionNotPermitted(_("Only the reviewer assigned to it writes this review."))
        label = gettext_lazy("Submit the review") if submit else gettext_lazy("Save the review")
        if review.is_submitted:
            raise _review_refusal(review, "submit" if submit else "save", label)
        if not review.prereview.is_open:
            raise not_in_this_stage(project, by, "submit" if submit else "save", label)
        errors = {}
        try:
            review.scores = clean_scores(review.scores if scores is None else scores, complete=submit)
        except ValidationError as error:
            errors.update(error.message_dict)
        opinion = review.opinion if opinion is None else (opinion or "")
        if opinion and opinion not in Opinion.values:
            errors["opinion"] = [_("Choose pass, revise or reject.")]
        elif submit and not opinion:
            errors["opinion"] = [_("Give your opinion: pass, revise or reject.")]
        comment = (review.comment if comment is None else comment or "").strip()
        if submit and not comment:
            errors["comment"] = [_("Write a comment that explains your scores and opinion.")]
        elif len(comment) > COMMENT_MAX_LENGTH:
            errors["comment"] = [_("Keep the comment under %(max)d characters.") % {"max": COMMENT_MAX_LENGTH}]
        if errors:
            raise ValidationError(errors)
        review.opinion, review.comment = opinion, comment
        fields = ["scores", "opinion", "comment", "updated_at"]
        if submit:
            review.status, review.submitted_at = ExpertReview.Status.SUBMITTED, timezone.now()
            fields += ["status", "submitted_at"]
        review.save(update_fields=fields)
        if submit:
            refresh(review.prereview)
            notify(
                users_with_role(Role.MANAGER),
                kind="prereview_submitted",
                title=gettext_lazy("Expert review submitted: %(code)s %(name)s"),
                body=gettext_lazy("%(reviewer)s submitted a review of “%(name)s”: %(opinion)s."),
                url=reverse("projects:prereview", args=[project.pk]),
                params={
                    "code": project.code,
                    "name": project.name,
                    "reviewer": by.name,
                    "opinion": review.get_opinion_display(),
                },
            )
    return review


# --- Red lines ------------------------------------------------------------------------------------


def override_red_line(project: Project, rule: ReviewRule, *, by, reason: str) -> RedLineOverride:
    """The office decides, in writing, that a red line standing against this round does not block it."""
    reason = (reason or "").strip()
    with transaction.atomic():
        project = _locked(project)
        _office_only(by)
        _in_prereview(project, by, "override", gettext_lazy("Override a red line"))
        if len(reason) < REASON_MIN_LENGTH:
            raise ValidationError(
                {"reason": _("Write the reason for overriding (at least %(n)d characters).") % {"n": REASON_MIN_LENGTH}}
            )
        prereview = open_round_of(project, by=by)
        assessment = report.assess(prereview)
        hit = next((h for h in assessment.standing if h.rule_id == rule.pk), None)
        if hit is None:
            overridden = any(h.rule_id == rule.pk for h, _o in assessment.overridden)
            raise ValidationError(
                {
                    "rule": _("This red line is already overridden.")
                    if overridden
                    else _("This rule is not a red line standing against the proposal.")
                }
            )
        override = RedLineOverride.objects.create(
            prereview=prereview, rule=rule, rule_version=hit.version, reason=reason, by=by, at=timezone.now()
        )
        refresh(prereview)
    return override


# --- Rules ----------------------------------------------------------------------------------------


def clean_rule(values: dict) -> dict:
    """A rule's content, checked: a name, one to three valid conditions, a criterion, and points
    (−100 to 100) or a red line (which carries no points)."""
    errors, cleaned = {}, {}
    name = str(values.get("name") or "").strip()
    if not name:
        errors["name"] = [_("Give the rule a name.")]
    elif len(name) > RuleVersion._meta.get_field("name").max_length:
        errors["name"] = [_("Keep the name under 100 characters.")]
    cleaned["name"] = name
    cleaned["description"] = str(values.get("description") or "").strip()
    try:
        cleaned["conditions"] = F.clean_conditions(values.get("conditions"))
    except ValidationError as error:
        errors["conditions"] = error.messages
    criterion = values.get("criterion")
    if criterion not in Criterion.values:
        errors["criterion"] = [
            _("Choose the criterion: %(criteria)s.")
            % {"criteria": "、".join(f"{c}（{label}）" for c, label in Criterion.choices)}
        ]
    cleaned["criterion"] = criterion
    red_line = values.get("red_line")
    if not isinstance(red_line, bool):
        errors["red_line"] = [_("Say whether the rule is a red line (true or false).")]
    cleaned["red_line"] = bool(red_line)
    points = F.whole_number(values.get("points") if values.get("points") not in (None, "") else 0)
    if red_line is True:
        if points:
            errors["points"] = [_("A red line blocks approval and carries no points: leave the points at 0.")]
        points = 0
    elif points is None or not -MAX_POINTS <= points <= MAX_POINTS:
        errors["points"] = [_("Points are a whole number from −100 to 100.")]
    elif points == 0:
        errors["points"] = [_("A rule that is not a red line adds or removes points: enter them (e.g. 10 or −5).")]
    cleaned["points"] = points
    if errors:
        raise ValidationError(errors)
    return cleaned


def _content(version: RuleVersion) -> dict:
    return {name: getattr(version, name) for name in RULE_FIELDS}


def create_rule(*, by, note: str = "", **values) -> ReviewRule:
    with transaction.atomic():
        _office_only(by)
        content = clean_rule(values)
        rule = ReviewRule.objects.create(version=1)
        RuleVersion.objects.create(rule=rule, number=1, note=note.strip()[:200], created_by=by, **content)
        refresh_open_rounds()
    return rule


def update_rule(rule: ReviewRule, *, by, note: str = "", is_active: bool | None = None, **values) -> ReviewRule:
    """Change a rule: a change of what it says writes a new version (the old ones stay); taking it out
    of use or back keeps its versions as they are. Fields not given keep their current value."""
    with transaction.atomic():
        _office_only(by)
        rule = ReviewRule.objects.select_for_update().get(pk=rule.pk)
        current = RuleVersion.objects.get(rule=rule, number=rule.version)
        content = clean_rule({**_content(current), **values})
        changed = content != _content(current)
        if changed:
            rule.version += 1
            RuleVersion.objects.create(
                rule=rule, number=rule.version, note=note.strip()[:200], created_by=by, **content
            )
        if is_active is not None:
            rule.is_active = bool(is_active)
        rule.save(update_fields=["version", "is_active", "updated_at"])
        refresh_open_rounds()
    return rule


# --- Lifecycle hooks (projects.services.ACTION_RULES) --------------------------------------------


def start_review_opens_round(ctx) -> None:
    """``start_review``: a new round, with the duplicate check and the rule score."""
    open_round(ctx.project, by=ctx.by, at=ctx.record.at, transition=ctx.record)


def red_lines_cleared(ctx) -> dict:
    """``approve``: refused while a red line stands that no manager has overridden. The report the
    decision rests on is kept in ``ctx.prereview`` for the gate record."""
    # Assessed, not stored: the decision closes the round (and a refusal rolls everything back).
    assessment = report.assess(open_round_of(ctx.project, by=ctx.by))
    ctx.prereview = assessment.frozen()
    if not assessment.standing:
        return {}
    return {
        "red_lines": [
            _(
                "Red line “%(name)s” stands: %(why)s. Resolve it, or override it with a written reason on the "
                "pre-review report, before approving."
            )
            % {"name": hit.version.name, "why": hit.explanation()}
            for hit in assessment.standing
        ]
    }


def close_round(ctx) -> None:
    """Every decision that ends pre-review (approve, return, reject, terminate) closes the round
    with its report frozen as it stood."""
    if ctx.prereview is None:  # return, reject, terminate: assess the round now, if there is one
        prereview = report.rounds().open().filter(project=ctx.project).first()
        if prereview is None:
            return
        ctx.prereview = report.assess(prereview).frozen()
    final = as_closed(ctx.prereview, at=ctx.record.at, outcome=ctx.action, stage=ctx.to_stage)
    PreReview.objects.open().filter(project=ctx.project).update(
        closed_at=ctx.record.at, outcome=ctx.action, final=final
    )
    ctx.prereview = final  # what the approval gate record freezes


def as_closed(data: dict, *, at, outcome: str, stage: str) -> dict:
    """A report as its round's closing decision leaves it: the round closed, the project moved on."""
    closed = {"closed_at": at.isoformat(), "outcome": outcome}
    return {**data, "round": {**data["round"], **closed}, "project": {**data["project"], "stage": stage}}
