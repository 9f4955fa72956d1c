"""Forms of the project pages. They shape input; the services decide (and their refusals are shown
beside the right field with ``show_errors``)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portfolio.models import InformationSystem, Organization, Plan, PlanGoal, Scenario
from portfolio.uploads import ALLOWED_TYPES
from portfolio.visibility import scope_choice_fields
from projects.lifecycle import COMMENT_PROMPTS, COMMENT_REQUIRED, Action, AttachmentKind
from projects.models import MAX_MONEY, PROPOSAL_FIELDS, Milestone, Project
from projects.services import COMMENT_MAX_LENGTH, REQUIRED_FOR_SUBMIT


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class StyledFormMixin:
    """Bootstrap classes on every widget, and ``is-invalid`` on those whose field has an error."""

    def style_widgets(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = css

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self._errors or {}:
            attrs = self.fields[name].widget.attrs if name in self.fields else None
            if attrs is not None and "is-invalid" not in attrs.get("class", ""):
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()


def show_errors(form: forms.Form, errors: dict, model=Project) -> None:
    """Put a service's per-field messages beside the form's fields; the others go above the form,
    named by their field (“申报预算（元）：提交申报前请填写此项。”)."""
    for name, messages in errors.items():
        for message in messages if isinstance(messages, list | tuple) else [messages]:
            if name in form.fields:
                form.add_error(name, str(message))
            else:
                form.add_error(None, labelled(model, name, str(message)))


def labelled(model, name, message: str) -> str:
    """A message about ``name`` prefixed with its field's label, when it is a field of ``model``."""
    try:
        label = model._meta.get_field(name).verbose_name
    except Exception:  # not a field of the model (attachments, milestones, non_field_errors)
        return message
    return _("%(field)s: %(message)s") % {"field": label, "message": message}


class ProposalForm(StyledFormMixin, forms.ModelForm):
    """The proposal (申报书) an owner drafts and, while it is a draft or returned, edits."""

    class Meta:
        model = Project
        fields = ["owner_org", *PROPOSAL_FIELDS, "systems"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "functions": forms.Textarea(attrs={"rows": 5}),
            "planned_start": DateInput(),
            "planned_end": DateInput(),
            "systems": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["systems"].queryset = InformationSystem.objects.select_related("org")
        self.fields["systems"].required = False
        self.fields["systems"].help_text = _("The existing systems this project builds on, upgrades or replaces.")
        self.fields["budget_requested"].widget.attrs.update({"step": "0.01", "min": "0"})
        self.fields["budget_requested"].help_text = _("In yuan: 3100000 is 310 ten-thousand yuan.")
        self.fields["budget_requested"].max_value = MAX_MONEY
        org = self.instance.owner_org if self.instance.owner_org_id else user.organization
        covering = [plan.pk for plan in Plan.objects.select_related("region") if org.region.is_within(plan.region)]
        self.fields["plan"].queryset = Plan.objects.filter(pk__in=covering)
        self.fields["plan"].empty_label = self.fields["domain"].empty_label = _("Choose…")
        # What the project serves in its plan (以规划管项目): one of the two is needed to submit.
        self.fields["plan_goal"].queryset = PlanGoal.objects.filter(plan__in=covering).select_related("plan")
        self.fields["scenario"].queryset = Scenario.objects.filter(plan__in=covering).select_related("plan")
        self.fields["plan_goal"].empty_label = self.fields["scenario"].empty_label = _("Choose…")
        self.fields["plan_goal"].help_text = _(
            "The plan goal or the scenario the project serves: one is needed to submit."
        )
        if not self.instance.pk and len(covering) == 1:
            plan = self.fields["plan"].queryset.get()
            self.fields["plan"].initial = plan
            self.fields["year"].initial = min(max(timezone.localdate().year + 1, plan.start_year), plan.end_year)
        if self.instance.pk:
            del self.fields["owner_org"]  # a proposal stays with the organization that drafted it
        else:
            mine = Organization.objects.subtree(user.organization)
            self.fields["owner_org"].queryset = mine
            self.fields["owner_org"].initial = user.organization
            self.instance.owner_org = user.organization
            if mine.count() == 1:
                self.fields["owner_org"].disabled = True
        for name in REQUIRED_FOR_SUBMIT:
            self.fields[name].needed_to_submit = True
        scope_choice_fields(self, user)
        self.style_widgets()

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in PROPOSAL_FIELDS if name in self.cleaned_data}
        data["systems"] = list(self.cleaned_data.get("systems") or [])
        if "owner_org" in self.fields:
            data["owner_org"] = self.cleaned_data["owner_org"]
        return data


class TransitionForm(StyledFormMixin, forms.Form):
    """What one lifecycle action asks for: a comment, and for approval the budget and document number.

    Nothing is required here: the service decides what each action needs and its messages land
    beside these fields.
    """

    comment = forms.CharField(
        label=_("Opinion"), required=False, max_length=COMMENT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, action: str, *args, **kwargs):
        self.action = action
        kwargs.setdefault("prefix", action)
        super().__init__(*args, **kwargs)
        if action in COMMENT_PROMPTS:
            self.fields["comment"].label = COMMENT_PROMPTS[action]
        self.comment_required = action in COMMENT_REQUIRED
        if action == Action.APPROVE:
            self.fields["approved_budget"] = forms.DecimalField(
                label=_("Approved budget (yuan)"),
                required=False,
                max_digits=14,
                decimal_places=2,
                min_value=0,
                max_value=MAX_MONEY,
                widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
            )
            self.fields["approval_number"] = forms.CharField(
                label=_("Approval document number"), required=False, max_length=100
            )
            self.fields["approval_number"].widget.attrs["placeholder"] = "临数批〔2026〕12号"
            self.fields["comment"].label = _("Comment (optional)")
        self.style_widgets()

    @property
    def label(self):
        return Action(self.action).label

    @property
    def slug(self) -> str:
        return self.action.replace("_", "-")


class MilestoneForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["name", "planned_date", "forecast_date", "actual_date", "done", "explanation", "order"]
        widgets = {
            "planned_date": DateInput(),
            "forecast_date": DateInput(),
            "actual_date": DateInput(),
            "explanation": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.project = project
        self.style_widgets()

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class AttachmentForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"))
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(f".{ext}" for ext in ALLOWED_TYPES)}),
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, AttachmentKind(kind).label) for kind in kinds]
        self.style_widgets()
