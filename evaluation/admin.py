"""Admin for the reference side of outcomes. Operating data and results are shown read-only:
ratings are the citizens' words, evaluations are computed, and both feed a tally and budgets
that only the services keep consistent."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from evaluation.models import BudgetAdjustment, BudgetPolicy, Evaluation, Indicator, IndicatorTarget, Rating


class IndicatorTargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "category", "source", "weight", "baseline_value", "target_value", "is_active"]
    list_filter = ["category", "source", "is_active"]
    search_fields = ["name", "code"]
    inlines = [IndicatorTargetInline]

    def get_readonly_fields(self, request, obj=None):
        return ["code", "source"] if obj is not None and obj.is_builtin else []

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and obj.is_builtin) and super().has_delete_permission(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ["project", "score", "rated_at", "channel"]
    list_filter = ["score", "channel"]
    raw_id_fields = ["project"]
    show_full_result_count = False  # counting tens of millions of rows on every page is slow


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ["project", "period", "score", "grade", "baseline_met", "updated_at"]
    list_filter = ["period", "grade", "baseline_met"]
    raw_id_fields = ["project"]


@admin.register(BudgetPolicy)
class BudgetPolicyAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ["year", "envelope", "factor_a", "factor_b", "factor_c", "factor_d", "updated_by", "updated_at"]


@admin.register(BudgetAdjustment)
class BudgetAdjustmentAdmin(ReadOnlyAdmin):
    list_display = ["request", "recommended", "final", "by", "at"]
