from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from portfolio.api import reach, views

router = DefaultRouter()
router.register("regions", views.RegionViewSet)
router.register("organizations", views.OrganizationViewSet)
router.register("users", views.UserViewSet)
router.register("domains", views.DomainViewSet)
router.register("plans", views.PlanViewSet)
router.register("systems", views.SystemViewSet)
router.register("data-resources", views.DataResourceViewSet)
router.register("audit", views.AuditEventViewSet)
router.register("channels", reach.ChannelViewSet, basename="channel")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("auth/me/", views.MeView.as_view(), name="api-me"),
    path(
        "notification-preferences/",
        reach.NotificationPreferencesView.as_view(),
        name="api-notification-preferences",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # A split view: Swagger UI's start-up script is served as a file, no inline script (CSP).
    path("docs/", views.DocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
