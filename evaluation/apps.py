from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portfolio.navigation import NavItem


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Outcomes and budget")
    default_auto_field = "django.db.models.BigAutoField"

    nav_items = (
        NavItem(
            _("Operating outcomes"), "evaluation:outcomes", roles=frozenset({"owner"}), order=400, icon="graph-up-arrow"
        ),
        NavItem(
            _("Evaluations"),
            "evaluation:evaluations",
            roles=frozenset({"manager", "finance", "supervisor"}),
            order=400,
            icon="clipboard-data",
        ),
        NavItem(
            _("Results-based budget"),
            "evaluation:budget-home",
            roles=frozenset({"finance", "manager", "owner"}),
            order=410,
            icon="cash-coin",
        ),
        NavItem(_("Indicators"), "evaluation:indicators", roles=frozenset({"manager"}), order=420, icon="sliders"),
    )

    def home_panels(self, request):
        from evaluation.views import home_panels

        return home_panels(request)

    def seed_demo(self, demo):
        from evaluation.demo import seed_outcomes

        seed_outcomes(demo)

    def seed_scale(self, scale):
        from evaluation.scale import seed_outcomes

        seed_outcomes(scale)
