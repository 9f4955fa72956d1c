from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from portfolio.models import ChannelKind
from portfolio.signin import SignInThrottled, sign_in


class SignInForm(AuthenticationForm):
    """Django's sign-in form, checked through the same throttle as the API token endpoint."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is incorrect."),
        "throttled": _("Too many failed sign-in attempts. Try again in %(minutes)d minutes."),
    }

    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username and password:
            try:
                self.user_cache = sign_in(self.request, username, password)
            except SignInThrottled as throttled:
                raise forms.ValidationError(
                    self.error_messages["throttled"], code="throttled", params={"minutes": throttled.minutes}
                ) from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class ChannelForm(forms.Form):
    """A robot channel on the reminder settings page; portfolio.channels.save_channel checks it."""

    kind = forms.ChoiceField(label=_("messenger"), choices=ChannelKind.choices)
    name = forms.CharField(label=_("name"), max_length=100)
    url = forms.CharField(label=_("webhook address"), max_length=500)
    secret = forms.CharField(
        label=_("signing secret"),
        max_length=200,
        required=False,
        help_text=_("DingTalk and Feishu robots with signing enabled; stored encrypted, never shown again."),
        widget=forms.PasswordInput,
    )
    for_organization = forms.BooleanField(
        label=_("the group of my organization (not only me)"), required=False, initial=True
    )
