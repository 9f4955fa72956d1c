from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from portfolio.navigation import NavItem


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")
    default_auto_field = "django.db.models.BigAutoField"

    nav_items = (
        NavItem(_("Project library"), "projects:list", order=10, icon="folder2-open"),
        NavItem(_("Approval queue"), "projects:queue", roles=frozenset({"manager"}), order=11, icon="inbox"),
        NavItem(
            _("Pre-review"), "projects:prereview-queue", roles=frozenset({"manager"}), order=12, icon="clipboard-check"
        ),
        NavItem(_("Review rules"), "projects:rules", roles=frozenset({"manager"}), order=13, icon="sliders"),
        NavItem(_("My reviews"), "projects:reviews", roles=frozenset({"reviewer"}), order=12, icon="pencil-square"),
    )

    def home_panels(self, request):
        from projects.panels import home_panels

        return home_panels(request)

    def seed_demo(self, demo):
        from projects.demo import seed_projects

        seed_projects(demo)

    def ready(self):
        # Registers the similarity index's Celery task (projects.refresh_similarity_index).
        from projects.duplicates import tasks  # noqa: F401

    def seed_scale(self, scale):
        from projects.scale import seed_projects

        seed_projects(scale)
