from django.urls import path
from rest_framework.routers import SimpleRouter

from cockpit.api import views

router = SimpleRouter()
router.register("status-reports", views.StatusReportViewSet)
urlpatterns = [
    path("portfolio/rollup/", views.RollupView.as_view(), name="cockpit-rollup"),
    path("plans/<int:pk>/coverage/", views.CoverageView.as_view(), name="cockpit-coverage"),
    path("projects/at-risk/", views.AtRiskView.as_view(), name="cockpit-at-risk"),
    path("projects/<int:pk>/status/", views.ProjectStatusView.as_view(), name="cockpit-project-status"),
    *router.urls,
]
