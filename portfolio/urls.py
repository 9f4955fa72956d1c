from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from portfolio import views
from portfolio.forms import SignInForm

admin.site.site_header = _("City Digital Transformation Project Platform · administration")
admin.site.site_title = _("Platform administration")
admin.site.index_title = _("Reference data")

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/settings/", views.notification_settings, name="notification-settings"),
    path("notifications/read-all/", views.read_all_notifications, name="notifications-read-all"),
    path("notifications/<int:pk>/open/", views.open_notification, name="notification-open"),
    path("health/", views.health_page, name="health"),
    path("audit/", views.audit_log, name="audit"),
    # /healthz is answered by portfolio.headers.HealthProbeMiddleware, before any of these.
    # Pages without our <link rel="icon"> (the admin's) make browsers ask for /favicon.ico.
    path("favicon.ico", views.favicon),
    path("admin/", admin.site.urls),
    # The API: one tree under /api/v1/, each app contributing its routes (string includes keep
    # the import layers intact: portfolio imports no app).
    path("api/v1/", include("portfolio.api.urls")),
    # Before projects: projects/at-risk/ must not be read as a project id.
    path("api/v1/", include("cockpit.api.urls")),
    path("api/v1/", include("projects.api.urls")),
    path("api/v1/", include("tasks.api.urls")),
    path("api/v1/", include("evaluation.api.urls")),
    path("projects/", include("projects.urls")),
    path("tasks/", include("tasks.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("cockpit/", include("cockpit.urls")),
]
