from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registers the similarity index's Celery task (projects.refresh_similarity_index).
        from projects.duplicates import tasks  # noqa: F401

    def seed_scale(self, scale):
        from projects.scale import seed_projects

        seed_projects(scale)
