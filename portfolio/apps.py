from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portfolio.navigation import NavItem


class PortfolioConfig(AppConfig):
    name = "portfolio"
    verbose_name = _("Portfolio core")
    default_auto_field = "django.db.models.BigAutoField"
    nav_group_label = _("System administration")

    nav_items = (
        NavItem(_("Home"), "home", order=0, icon="house", grouped=False),
        NavItem(_("System status"), "health", roles=frozenset({"manager"}), order=900, icon="heart-pulse"),
        NavItem(_("Reference data"), "admin:index", roles=frozenset({"manager"}), order=910, icon="gear"),
        NavItem(_("Audit log"), "audit", roles=frozenset({"manager"}), order=920, icon="journal-check"),
    )

    def ready(self):
        from portfolio import audit

        audit.connect()

    def home_panels(self, request):
        from portfolio.views import core_home_panels

        return core_home_panels(request)

    def seed_demo(self, demo):
        from portfolio.demo import seed_city

        seed_city(demo)
