from django.urls import path

from cockpit import views

app_name = "cockpit"
urlpatterns = [
    path("", views.dashboard, name="home"),
    path("at-risk/", views.at_risk, name="at-risk"),
    path("plans/", views.plans, name="plans"),
    path("plans/<int:pk>/", views.plan_coverage, name="plan"),
    path("projects/<int:pk>/", views.project_status, name="project"),
    path("projects/<int:pk>/rate/", views.file_rating, name="rate"),
]
