from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portfolio.navigation import NavItem


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("Key tasks")
    nav_group_label = _("Task supervision")
    default_auto_field = "django.db.models.BigAutoField"

    nav_items = (
        NavItem(
            _("Supervision board"),
            "tasks:board",
            roles=frozenset({"supervisor", "manager", "finance"}),
            order=300,
            icon="clipboard-data",
        ),
        NavItem(
            _("Key tasks"),
            "tasks:list",
            roles=frozenset({"owner", "supervisor", "manager", "finance"}),
            order=310,
            icon="list-check",
        ),
        NavItem(
            _("Supervision notices"),
            "tasks:notices",
            roles=frozenset({"owner", "supervisor", "manager"}),
            order=320,
            icon="megaphone",
        ),
        NavItem(
            _("Supervision bulletins"),
            "tasks:bulletins",
            roles=frozenset({"supervisor", "manager", "finance"}),
            order=325,
            icon="file-earmark-text",
        ),
        NavItem(_("Import tasks"), "tasks:import", roles=frozenset({"manager"}), order=330, icon="file-earmark-excel"),
    )

    def home_panels(self, request):
        from tasks.panels import home_panels

        return home_panels(request)

    def seed_demo(self, demo):
        from tasks.demo import seed_tasks

        seed_tasks(demo)

    def seed_scale(self, scale):
        from tasks.scale import seed_tasks

        seed_tasks(scale)
