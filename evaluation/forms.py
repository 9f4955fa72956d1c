from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.models import Filing, Indicator
from evaluation.models.indicators import EDITABLE_FIELDS
from portfolio.models import Region


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = EDITABLE_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.is_builtin:
            # A built-in indicator's code and source are what the evaluation computes it from.
            for name in ("code", "source"):
                self.fields[name].disabled = True
        for tier, label in Region.Tier.choices:
            self.fields[f"{tier}_baseline"] = forms.DecimalField(
                label=_("%(tier)s: baseline value") % {"tier": label}, required=False, max_digits=14, decimal_places=4
            )
            self.fields[f"{tier}_target"] = forms.DecimalField(
                label=_("%(tier)s: target value") % {"tier": label}, required=False, max_digits=14, decimal_places=4
            )
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                continue
            widget.attrs["class"] = "form-select" if isinstance(widget, forms.Select) else "form-control"
        if self.instance.pk:
            for target in self.instance.tier_targets.all():
                self.initial[f"{target.tier}_baseline"] = target.baseline_value
                self.initial[f"{target.tier}_target"] = target.target_value

    def tier_fields(self):
        return [(label, self[f"{tier}_baseline"], self[f"{tier}_target"]) for tier, label in Region.Tier.choices]

    def clean(self):
        cleaned = super().clean()
        for tier, _label in Region.Tier.choices:
            if cleaned.get(f"{tier}_baseline") is not None and cleaned.get(f"{tier}_target") is None:
                self.add_error(f"{tier}_target", _("A tier's own baseline needs its own target too."))
        return cleaned

    def targets(self) -> list[dict]:
        return [
            {
                "tier": tier,
                "baseline_value": self.cleaned_data.get(f"{tier}_baseline"),
                "target_value": self.cleaned_data[f"{tier}_target"],
            }
            for tier, _label in Region.Tier.choices
            if self.cleaned_data.get(f"{tier}_target") is not None
        ]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=Filing.Kind.choices)
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
    skip_bad_rows = forms.BooleanField(
        label=_("Store the good rows and skip bad ones"),
        required=False,
        help_text=_("Without this, one bad row refuses the whole file and nothing is stored."),
    )


class BudgetRequestForm(forms.Form):
    year = forms.IntegerField(label=_("Budget year"), min_value=2000, max_value=2100)
    amount = forms.DecimalField(
        label=_("Requested amount (yuan)"), min_value=Decimal(0), max_digits=14, decimal_places=2
    )
    note = forms.CharField(label=_("Explanation"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PolicyForm(forms.Form):
    envelope = forms.DecimalField(
        label=_("Envelope (yuan)"),
        required=False,
        min_value=Decimal(0),
        max_digits=16,
        decimal_places=2,
        help_text=_("Empty: no limit."),
    )
    factor_a = forms.DecimalField(label=_("Factor for A"), min_value=Decimal(0), max_digits=4, decimal_places=2)
    factor_b = forms.DecimalField(label=_("Factor for B"), min_value=Decimal(0), max_digits=4, decimal_places=2)
    factor_c = forms.DecimalField(label=_("Factor for C"), min_value=Decimal(0), max_digits=4, decimal_places=2)
    factor_d = forms.DecimalField(label=_("Factor for D"), min_value=Decimal(0), max_digits=4, decimal_places=2)

    def factors(self) -> dict:
        return {grade: self.cleaned_data[f"factor_{grade.lower()}"] for grade in "ABCD"}


class AdjustForm(forms.Form):
    final = forms.DecimalField(
        label=_("Final amount (yuan)"),
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        help_text=_("Empty: follow the recommendation."),
    )
    justification = forms.CharField(label=_("Justification"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)
