"""Pages of the evaluation app."""

from django.urls import path

from evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("", views.outcomes, name="outcomes"),
    path("projects/<int:pk>/", views.project_outcomes, name="project"),
    path("projects/<int:pk>/budget-request/", views.request_budget, name="request-budget"),
    path("upload/", views.upload, name="upload"),
    path("rectifications/", views.rectifications, name="rectifications"),
    path("rectifications/<int:pk>/close/", views.close_rectification, name="close-rectification"),
    path("evaluations/", views.evaluations, name="evaluations"),
    path("evaluations/recompute/", views.recompute, name="recompute"),
    path("budget/", views.budget_home, name="budget-home"),
    path("budget/<int:year>/", views.budget_report, name="budget"),
    path("budget/<int:year>/simulate/", views.simulate, name="simulate"),
    path("budget/<int:year>/policy/", views.save_policy, name="save-policy"),
    path("budget/<int:year>/close/", views.close_year, name="close-year"),
    path("budget/<int:year>/adjust/<int:project>/", views.adjust, name="adjust"),
    path("indicators/", views.indicators, name="indicators"),
    path("indicators/new/", views.edit_indicator, name="indicator-new"),
    path("indicators/<int:pk>/", views.edit_indicator, name="indicator-edit"),
]
