from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cockpit.models import Light


class StatusReportForm(forms.Form):
    month = forms.CharField(label=_("Month"), max_length=7, widget=forms.TextInput(attrs={"type": "month"}))
    light = forms.ChoiceField(label=_("Self-rated light"), choices=Light.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Explanation of the rating"),
        required=False,  # the service says what a missing comment needs, in one message
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the rating rests on: progress, problems, what is needed."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].initial = f"{timezone.localdate():%Y-%m}"
