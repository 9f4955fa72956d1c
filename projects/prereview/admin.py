"""Pre-review in the admin: review rules are edited here as in the rule editor (through the same
service, so an edit writes a new version); rounds, reviews and overrides are records, read-only."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from projects.prereview import facts, services
from projects.prereview.models import Criterion, ExpertReview, PreReview, RedLineOverride, ReviewRule, RuleVersion


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RuleVersionInline(admin.TabularInline):
    model = RuleVersion
    extra = 0
    can_delete = False
    fields = ["number", "name", "conditions", "criterion", "points", "red_line", "note", "created_by", "created_at"]
    readonly_fields = fields
    ordering = ["-number"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReviewRuleForm(forms.ModelForm):
    """The current version's content, edited in place; saving writes a new version."""

    name = forms.CharField(label=_("rule name"), max_length=100)
    description = forms.CharField(label=_("why this rule"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    conditions = forms.JSONField(
        label=_("conditions"),
        help_text='[{"fact": "budget_requested", "operator": "ge", "value": "300000"}]',
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
    )
    criterion = forms.ChoiceField(label=_("criterion"), choices=Criterion.choices)
    points = forms.IntegerField(label=_("points"), required=False, initial=0)
    red_line = forms.BooleanField(label=_("red line"), required=False)
    note = forms.CharField(label=_("what changed"), required=False, max_length=200)

    class Meta:
        model = ReviewRule
        fields = ["is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.current if self.instance.pk else None
        if current is not None:
            for name in services.RULE_FIELDS:
                self.fields[name].initial = getattr(current, name)
        self.fields["conditions"].help_text = "、".join(facts.FACTS)

    def clean(self):
        data = super().clean()
        try:
            services.clean_rule({name: data.get(name) for name in services.RULE_FIELDS})
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        return data

    def content(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in services.RULE_FIELDS}


@admin.register(ReviewRule)
class ReviewRuleAdmin(admin.ModelAdmin):
    form = ReviewRuleForm
    list_display = ["rule_name", "criterion", "effect", "version", "is_active", "updated_at"]
    list_filter = ["is_active"]
    inlines = [RuleVersionInline]
    fields = ["name", "description", "conditions", "criterion", "points", "red_line", "is_active", "note"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("versions")

    @admin.display(description=_("rule name"))
    def rule_name(self, rule):
        return rule.current.name

    @admin.display(description=_("criterion"))
    def criterion(self, rule):
        return rule.current.get_criterion_display()

    @admin.display(description=_("Effect"))
    def effect(self, rule):
        return _("Red line") if rule.current.red_line else f"{rule.current.points:+d}"

    def save_model(self, request, obj, form, change):
        note = form.cleaned_data.get("note", "")
        if change:
            services.update_rule(obj, by=request.user, note=note, is_active=obj.is_active, **form.content())
            obj.refresh_from_db()
            return
        rule = services.create_rule(by=request.user, note=note, **form.content())
        if not obj.is_active:
            services.update_rule(rule, by=request.user, is_active=False)
        obj.pk, obj._state.adding = rule.pk, False
        obj.refresh_from_db()

    def has_delete_permission(self, request, obj=None):
        return False  # taken out of use instead, so reports can still name the versions they used


@admin.register(PreReview)
class PreReviewAdmin(ReadOnlyAdmin):
    list_display = ["project", "opened_at", "closed_at", "outcome", "recommendation", "verdict", "rule_total"]
    list_filter = ["recommendation", "verdict", "outcome"]
    search_fields = ["project__code", "project__name"]
    list_select_related = ["project"]


@admin.register(ExpertReview)
class ExpertReviewAdmin(ReadOnlyAdmin):
    list_display = ["project", "reviewer", "status", "opinion", "assigned_at", "submitted_at"]
    list_filter = ["status", "opinion"]
    search_fields = ["project__code", "project__name", "reviewer__name"]
    list_select_related = ["project", "reviewer"]


@admin.register(RedLineOverride)
class RedLineOverrideAdmin(ReadOnlyAdmin):
    list_display = ["prereview", "rule_version", "by", "at", "reason"]
    search_fields = ["prereview__project__code", "prereview__project__name", "reason"]
    list_select_related = ["prereview__project", "rule_version", "by"]
