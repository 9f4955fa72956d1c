"""Pages of the projects app."""

from django.urls import path

from projects import views
from projects.prereview import views as prereview

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("queue/", views.manager_queue, name="queue"),
    path("new/", views.project_create, name="create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/delete/", views.project_delete, name="delete"),
    path("<int:pk>/actions/<slug:action>/", views.project_act, name="act"),
    path("<int:pk>/milestones/new/", views.milestone_add, name="milestone-add"),
    path("<int:pk>/milestones/<int:milestone_pk>/edit/", views.milestone_edit, name="milestone-edit"),
    path("<int:pk>/milestones/<int:milestone_pk>/delete/", views.milestone_delete, name="milestone-delete"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment-upload"),
    path("<int:pk>/attachments/<int:attachment_pk>/download/", views.attachment_download, name="attachment-download"),
    path("<int:pk>/attachments/<int:attachment_pk>/delete/", views.attachment_delete, name="attachment-delete"),
    # Pre-review (预审)
    path("prereview/", prereview.queue, name="prereview-queue"),
    path("<int:pk>/prereview/", prereview.report_page, name="prereview"),
    path("<int:pk>/prereview/rescore/", prereview.rescore, name="prereview-rescore"),
    path("<int:pk>/prereview/reviewers/", prereview.assign, name="prereview-assign"),
    path("<int:pk>/prereview/red-lines/<int:rule_pk>/override/", prereview.override, name="prereview-override"),
    path("reviews/", prereview.assignments, name="reviews"),
    path("reviews/<int:review_pk>/", prereview.review_page, name="review"),
    path("reviews/<int:review_pk>/withdraw/", prereview.withdraw, name="review-withdraw"),
    path("review-rules/", prereview.rules, name="rules"),
    path("review-rules/new/", prereview.rule_create, name="rule-create"),
    path("review-rules/<int:rule_pk>/", prereview.rule_edit, name="rule-edit"),
    path("review-rules/<int:rule_pk>/active/", prereview.rule_active, name="rule-active"),
]
