"""Pages of the tasks app."""

from django.urls import path

from tasks import views

app_name = "tasks"
urlpatterns = [
    path("", views.task_list, name="list"),
    path("export.xlsx", views.export_tasks, name="export"),
    path("new/", views.task_form, name="new"),
    path("board/", views.board, name="board"),
    path("board/chart.json", views.board_chart, name="board-chart"),
    path("board/export.xlsx", views.export_board, name="board-export"),
    path("ranking/", views.ranking, name="ranking"),
    path("ranking/export.xlsx", views.export_ranking, name="ranking-export"),
    path("notices/", views.notice_list, name="notices"),
    path("bulletins/", views.bulletins, name="bulletins"),
    path("notices/<int:pk>/document/", views.notice_document, name="notice-document"),
    path("notices/<int:pk>/<str:step>/", views.notice_step, name="notice-step"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_preview, name="import-preview"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("<int:pk>/", views.task_detail, name="detail"),
    path("<int:pk>/edit/", views.task_form, name="edit"),
    path("<int:pk>/report/", views.report_form, name="report"),
    path("<int:pk>/notices/new/", views.issue_notice, name="issue-notice"),
    path("<int:pk>/<str:action>/", views.task_action, name="action"),
]
