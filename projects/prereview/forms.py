"""Forms of the pre-review pages. They shape input; the services decide, and their refusals are
shown beside the right field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from projects.forms import StyledFormMixin
from projects.prereview import facts as F
from projects.prereview.models import CRITERION_HELP, MAX_POINTS, MAX_SCORE, Criterion, Opinion
from projects.prereview.services import COMMENT_MAX_LENGTH

EFFECTS = [("points", _("Adds or removes points")), ("red_line", _("Red line: blocks approval"))]


class RuleForm(StyledFormMixin, forms.Form):
    """A rule's content: name, up to three conditions (all must hold), criterion, and points or a red line."""

    name = forms.CharField(label=_("Rule name"), max_length=100, required=False)
    description = forms.CharField(label=_("Why this rule"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    criterion = forms.ChoiceField(
        label=_("Criterion"), choices=[("", _("Choose…")), *Criterion.choices], required=False
    )
    effect = forms.ChoiceField(label=_("Effect"), choices=EFFECTS, widget=forms.RadioSelect, initial="points")
    points = forms.IntegerField(
        label=_("Points"), required=False, min_value=-MAX_POINTS, max_value=MAX_POINTS, help_text=_("−100 to 100")
    )
    note = forms.CharField(
        label=_("What changed, and why"),
        required=False,
        max_length=200,
        help_text=_("Kept with the new version, for the record."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        facts = [("", _("Choose a field or fact…")), *((name, fact.label) for name, fact in F.FACTS.items())]
        operators = [("", "—"), *F.Operator.choices]
        for n in range(1, F.MAX_CONDITIONS + 1):
            self.fields[f"fact_{n}"] = forms.ChoiceField(label=_("Field or fact"), choices=facts, required=False)
            self.fields[f"operator_{n}"] = forms.ChoiceField(label=_("Operator"), choices=operators, required=False)
            self.fields[f"value_{n}"] = forms.CharField(label=_("Value"), required=False, max_length=200)
        self.style_widgets()
        self.fields["effect"].widget.attrs["class"] = "form-check-input"

    @classmethod
    def initial_for(cls, version) -> dict:
        initial = {
            "name": version.name,
            "description": version.description,
            "criterion": version.criterion,
            "effect": "red_line" if version.red_line else "points",
            "points": version.points if not version.red_line else None,
        }
        for n, condition in enumerate(version.conditions, start=1):
            value = condition["value"]
            initial[f"fact_{n}"] = condition["fact"]
            initial[f"operator_{n}"] = condition["operator"]
            initial[f"value_{n}"] = "、".join(map(str, value)) if isinstance(value, list) else (value or "")
        return initial

    def condition_rows(self):
        return [(self[f"fact_{n}"], self[f"operator_{n}"], self[f"value_{n}"]) for n in range(1, F.MAX_CONDITIONS + 1)]

    def service_data(self) -> dict:
        data = self.cleaned_data
        conditions = []
        for n in range(1, F.MAX_CONDITIONS + 1):
            fact, operator, value = data.get(f"fact_{n}"), data.get(f"operator_{n}"), data.get(f"value_{n}")
            if fact or operator or value:
                conditions.append({"fact": fact, "operator": operator, "value": value or None})
        red_line = data.get("effect") == "red_line"
        return {
            "name": data.get("name", ""),
            "description": data.get("description", ""),
            "criterion": data.get("criterion") or None,
            "red_line": red_line,
            "points": 0 if red_line else data.get("points"),
            "conditions": conditions,
        }


class ReviewForm(StyledFormMixin, forms.Form):
    """An expert's review: a score of 0–10 for each criterion, an opinion and a comment."""

    opinion = forms.ChoiceField(
        label=_("Review conclusion"), choices=Opinion.choices, widget=forms.RadioSelect, required=False
    )
    comment = forms.CharField(
        label=_("Review comment"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Explain your scores and opinion: what is good, what must change."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for criterion, label in Criterion.choices:
            self.fields[f"score_{criterion}"] = forms.IntegerField(
                label=label,
                required=False,
                min_value=0,
                max_value=MAX_SCORE,
                help_text=CRITERION_HELP[criterion],
                widget=forms.NumberInput(attrs={"min": 0, "max": MAX_SCORE, "step": 1}),
            )
        self.style_widgets()
        self.fields["opinion"].widget.attrs["class"] = "form-check-input"

    @classmethod
    def initial_for(cls, review) -> dict:
        return {
            "opinion": review.opinion,
            "comment": review.comment,
            **{f"score_{c}": v for c, v in review.scores.items()},
        }

    def score_fields(self):
        return [self[f"score_{criterion}"] for criterion in Criterion.values]

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "scores": {c: data[f"score_{c}"] for c in Criterion.values if data.get(f"score_{c}") is not None},
            "opinion": data.get("opinion") or "",
            "comment": data.get("comment") or "",
        }


class AssignForm(StyledFormMixin, forms.Form):
    reviewer = forms.TypedChoiceField(label=_("Reviewer"), coerce=int)

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = [("", _("Choose a reviewer…"))] + [
            (r.pk, f"{r.name}（{r.organization.name}）" if r.organization_id else r.name) for r in reviewers
        ]
        self.style_widgets()


class OverrideForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for overriding"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded with your name and the time, and frozen with the approval."),
    )

    def __init__(self, *args, rule_id: int, **kwargs):
        kwargs.setdefault("prefix", f"override-{rule_id}")
        super().__init__(*args, **kwargs)
        self.rule_id = rule_id
        self.style_widgets()
