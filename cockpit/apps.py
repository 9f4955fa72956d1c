from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portfolio.navigation import NavItem

# Reviewers see the proposals assigned to them and nothing of the portfolio.
ROLES = frozenset({"manager", "owner", "supervisor", "finance"})


class CockpitConfig(AppConfig):
    """The portfolio cockpit (以规划管项目): reads every app, so it sits above them all."""

    name = "cockpit"
    verbose_name = _("Portfolio cockpit")
    default_auto_field = "django.db.models.BigAutoField"

    nav_items = (
        NavItem(_("Portfolio cockpit"), "cockpit:home", roles=ROLES, order=5, icon="speedometer2"),
        NavItem(_("Projects at risk"), "cockpit:at-risk", roles=ROLES, order=6, icon="exclamation-triangle"),
        NavItem(_("Plan traceability"), "cockpit:plans", roles=ROLES, order=7, icon="diagram-3"),
    )

    def project_totals(self, projects):
        """Spent and operating money beside the project list's own totals."""
        from cockpit.selectors import project_totals

        return project_totals(projects)

    def seed_demo(self, demo):
        from cockpit.demo import seed_cockpit

        seed_cockpit(demo)

    def ready(self):
        from cockpit import tasks  # noqa: F401  (registers cockpit.remind_status_reports)
