from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portfolio.models import Organization, Plan
from portfolio.visibility import scope_choice_fields
from tasks.models import ASSIGNMENT_FIELDS, BlankDeadline, Notice, ProgressReport, Task


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by portfolio.uploads in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class BootstrapMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):  # RadioSelect is a Select
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TaskForm(BootstrapMixin, forms.ModelForm):
    partner_names_text = forms.CharField(
        label=_("other partners"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Partners that are no single organization, one per line, e.g. 各区政府."),
    )

    class Meta:
        model = Task
        fields = [f for f in ASSIGNMENT_FIELDS if f != "partner_names"]  # written one per line below
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "assigned_at": DateInput(),
            "due_date": DateInput(),
            "co_lead_orgs": forms.SelectMultiple(attrs={"size": 4}),
            "partner_orgs": forms.SelectMultiple(attrs={"size": 6}),
            "projects": forms.SelectMultiple(attrs={"size": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        active = Organization.objects.filter(is_active=True)
        for name in ("lead_org", "co_lead_orgs", "partner_orgs"):
            self.fields[name].queryset = active
        scope_choice_fields(self, user)
        if self.instance.pk:
            self.fields["partner_names_text"].initial = "\n".join(self.instance.partner_names)

    def clean(self):
        cleaned = super().clean()
        cleaned["partner_names"] = [
            line.strip() for line in cleaned.get("partner_names_text", "").splitlines() if line.strip()
        ]
        return cleaned


class ActionForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    files = MultipleFileField(label=_("evidence files"))


class ReportForm(BootstrapMixin, forms.ModelForm):
    files = MultipleFileField(label=_("evidence files"), help_text=_("PDF, images, Word, Excel or PowerPoint files."))

    class Meta:
        model = ProgressReport
        fields = ["period", "text", "percent", "reason"]
        widgets = {
            "period": forms.TextInput(attrs={"type": "month"}),
            "text": forms.Textarea(attrs={"rows": 5}),
            "reason": forms.Textarea(attrs={"rows": 2}),
            "percent": forms.NumberInput(attrs={"min": 0, "max": 100}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].initial = timezone.localdate().strftime("%Y-%m")
        # Range and emptiness are the service's to judge (one message for pages and API).
        self.fields["percent"].validators = []
        self.fields["percent"].widget.attrs.pop("max", None)


class NoticeForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Notice
        fields = ["requirement", "reply_due"]
        widgets = {"requirement": forms.Textarea(attrs={"rows": 3}), "reply_due": DateInput()}


class ReplyForm(BootstrapMixin, forms.Form):
    reply = forms.CharField(label=_("reply"), widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EscalateForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(label=_("reason and new requirement"), widget=forms.Textarea(attrs={"rows": 2}))
    reply_due = forms.DateField(label=_("new reply deadline"), widget=DateInput())


class ImportForm(BootstrapMixin, forms.Form):
    plan = forms.ModelChoiceField(label=_("plan"), queryset=Plan.objects.all())
    year = forms.IntegerField(
        label=_("year"),
        min_value=2000,
        max_value=2100,
        help_text=_("The year that deadlines such as 年底前 or 11月底 refer to."),
    )
    assigned_on = forms.DateField(
        label=_("assigned on"),
        widget=DateInput(),
        help_text=_(
            "The date the task list was issued. Loading a plan already under way? Set the date it was "
            "issued: a task whose deadline has passed is imported and becomes overdue at the next scan."
        ),
    )
    blank_deadline = forms.ChoiceField(
        label=_("rows without a deadline"),
        choices=BlankDeadline.choices,
        initial=BlankDeadline.NONE,
        required=False,  # left out (an older form, a script): no due date, as before
        widget=forms.RadioSelect,
        help_text=_(
            "Most published work plans state no deadline per task. Such rows are imported either way and "
            "listed as warnings; a deadline written in the task text (年内, 年底前, 到2025年底) is always used."
        ),
    )
    file = forms.FileField(label=_("task list (.xlsx)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        self.fields["assigned_on"].initial = timezone.localdate()
        self.fields["plan"].initial = Plan.objects.values_list("pk", flat=True).first()  # the current plan
        self.fields["file"].widget.attrs["accept"] = ".xlsx"

    def clean_blank_deadline(self):
        return self.cleaned_data.get("blank_deadline") or BlankDeadline.NONE
