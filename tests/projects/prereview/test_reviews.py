"""Expert reviews: the office assigns (never a reviewer of the proposing organization), the reviewer
sees only its assignments, scores each criterion 0–10 with an opinion and a comment, and a review
once submitted is read-only. Notifications: the reviewer when assigned, the managers on submission."""

from unittest import mock

import pytest

from portfolio.models import Notification, Role
from portfolio.tasks import send_notification_emails
from projects.lifecycle import Stage
from projects.prereview.models import ExpertReview, PreReview
from tests import factories

pytestmark = pytest.mark.django_db

FULL = {
    "scores": {"innovation": 7, "demonstration": 6, "impact": 9, "reuse": 8, "compliance": 8},
    "opinion": "pass",
    "comment": "建设必要，方案可行。",
}


def assign(api, manager, project, reviewer):
    return api.as_(manager).post("/api/v1/reviews/", {"project": project.pk, "reviewer": reviewer.pk}, format="json")


def test_manager_assigns_a_reviewer_who_is_notified_once_after_commit(
    api, manager, reviewer, in_review, django_capture_on_commit_callbacks
):
    project = in_review()
    with (
        mock.patch.object(send_notification_emails, "delay") as emails,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = assign(api, manager, project, reviewer)
        assert emails.call_count == 0
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["reviewer_name"], body["round_open"]) == ("assigned", "王建国", True)
    note = Notification.objects.get(kind="prereview_assigned")
    assert note.recipient == reviewer and project.name in note.title and note.url == f"/projects/reviews/{body['id']}/"
    emails.assert_called_once_with([note.pk])
    assert PreReview.objects.get(project=project).is_open  # the round opened for a project without one


def test_a_reviewer_of_the_proposing_organization_is_refused(api, manager, in_review, transport_bureau):
    colleague = factories.user(Role.REVIEWER, organization_=transport_bureau, name="交通局专家")
    below = factories.organization("滨江区交通分局", parent=transport_bureau)
    sub_unit = factories.user(Role.REVIEWER, organization_=below, name="分局专家")
    project = in_review()
    for expert in (colleague, sub_unit):
        response = assign(api, manager, project, expert)
        assert response.status_code == 400
        assert "属于申报单位" in response.json()["reviewer"][0]
    assert not ExpertReview.objects.exists()


def test_only_reviewers_are_assigned_once_each_and_only_in_pre_review(
    api, manager, reviewer, owner, in_review, make_project
):
    project = in_review()
    assert assign(api, manager, project, owner).status_code == 400  # not a reviewer account
    assert assign(api, manager, project, reviewer).status_code == 201
    again = assign(api, manager, project, reviewer)
    assert again.status_code == 400 and "已被分配" in again.json()["reviewer"][0]
    approved = make_project(Stage.APPROVED)
    refused = assign(api, manager, approved, reviewer)
    assert refused.status_code == 409 and refused.json()["stage"] == "approved"
    assert ExpertReview.objects.count() == 1


def test_only_the_office_assigns(api, owner, supervisor, reviewer, in_review):
    project = in_review()
    for user in (owner, supervisor, reviewer):
        response = api.as_(user).post("/api/v1/reviews/", {"project": project.pk, "reviewer": reviewer.pk})
        assert response.status_code == 403
    assert not ExpertReview.objects.exists()


def test_a_reviewer_sees_only_the_proposals_assigned_to_it(api, client, manager, reviewer, in_review):
    mine, other = in_review(), in_review(name="其他项目")
    assert api.as_(reviewer).get(f"/api/v1/projects/{mine.pk}/").status_code == 404
    assign(api, manager, mine, reviewer)
    assert api.as_(reviewer).get(f"/api/v1/projects/{mine.pk}/").status_code == 200
    assert api.as_(reviewer).get(f"/api/v1/projects/{other.pk}/").status_code == 404
    assert [p["id"] for p in api.as_(reviewer).get("/api/v1/projects/").json()["results"]] == [mine.pk]
    client.force_login(reviewer)
    assert client.get(f"/projects/{mine.pk}/").status_code == 200
    assert client.get(f"/projects/{other.pk}/").status_code == 404
    # Its application materials come with it; the pre-review report does not (experts judge independently).
    assert api.as_(reviewer).get(f"/api/v1/attachments/?project={mine.pk}").status_code == 200
    assert api.as_(reviewer).get(f"/api/v1/projects/{mine.pk}/prereview/").status_code == 403


def test_reviewer_saves_a_draft_then_submits_and_the_managers_are_notified_once(
    api, manager, reviewer, in_review, django_capture_on_commit_callbacks
):
    project = in_review()
    review_id = assign(api, manager, project, reviewer).json()["id"]
    url = f"/api/v1/reviews/{review_id}/"
    draft = api.as_(reviewer).patch(url, {"scores": {"impact": 9}, "comment": "初稿"}, format="json")
    assert draft.status_code == 200 and draft.json()["status"] == "assigned"
    assert draft.json()["scores"] == {"impact": 9}
    with django_capture_on_commit_callbacks(execute=True):
        submitted = api.as_(reviewer).post(f"{url}submit/", FULL, format="json")
    assert submitted.status_code == 200, submitted.json()
    assert (submitted.json()["status"], submitted.json()["total"], submitted.json()["opinion"]) == (
        "submitted",
        38,
        "pass",
    )
    notes = Notification.objects.filter(kind="prereview_submitted")
    assert list(notes.values_list("recipient", flat=True)) == [manager.pk]
    assert "通过" in notes.get().body


def test_a_submitted_review_is_read_only_and_cannot_be_submitted_twice(api, manager, reviewer, in_review):
    project = in_review()
    review_id = assign(api, manager, project, reviewer).json()["id"]
    url = f"/api/v1/reviews/{review_id}/"
    assert api.as_(reviewer).post(f"{url}submit/", FULL, format="json").status_code == 200
    twice = api.as_(reviewer).post(f"{url}submit/", {**FULL, "opinion": "reject"}, format="json")
    assert twice.status_code == 409
    assert twice.json()["status"] == "submitted" and "已提交" in twice.json()["detail"]
    edit = api.as_(reviewer).patch(url, {"comment": "改写"}, format="json")
    assert edit.status_code == 409
    review = ExpertReview.objects.get()
    assert (review.opinion, review.comment) == ("pass", "建设必要，方案可行。")
    assert api.as_(manager).delete(url).status_code == 409  # nor withdrawn once submitted


def test_an_incomplete_or_out_of_range_review_is_refused_per_field(api, manager, reviewer, in_review):
    project = in_review()
    url = f"/api/v1/reviews/{assign(api, manager, project, reviewer).json()['id']}/submit/"
    missing = api.as_(reviewer).post(url, {"scores": {"impact": 9}}, format="json")
    assert missing.status_code == 400
    errors = missing.json()
    assert {"scores", "opinion", "comment"} <= set(errors)
    assert "请为“创新性”打分（0–10）。" in errors["scores"]
    too_high = api.as_(reviewer).post(url, {**FULL, "scores": {**FULL["scores"], "impact": 11}}, format="json")
    assert too_high.status_code == 400 and "impact" in str(too_high.json())
    assert ExpertReview.objects.get().status == "assigned"


def test_nobody_else_writes_the_review(api, manager, reviewer, other_reviewer, owner, in_review):
    project = in_review()
    url = f"/api/v1/reviews/{assign(api, manager, project, reviewer).json()['id']}/"
    # Another reviewer cannot see it (404); the office may see it but not write it (403).
    assert api.as_(other_reviewer).post(f"{url}submit/", FULL, format="json").status_code == 404
    assert api.as_(other_reviewer).get(f"/api/v1/projects/{project.pk}/").status_code == 404
    assert api.as_(manager).post(f"{url}submit/", FULL, format="json").status_code == 403
    assert api.as_(owner).post(f"{url}submit/", FULL, format="json").status_code == 404
    assert ExpertReview.objects.get().status == "assigned"


def test_who_sees_which_reviews(api, manager, reviewer, other_reviewer, owner, finance, in_review):
    project = in_review()
    assign(api, manager, project, reviewer)
    assign(api, manager, project, other_reviewer)
    counts = {
        u.username: api.as_(u).get("/api/v1/reviews/").json()["count"] for u in (manager, finance, reviewer, owner)
    }
    assert counts == {"manager": 2, "finance": 2, "reviewer": 1, "owner": 0}


def test_the_office_withdraws_an_assignment_not_yet_submitted(api, manager, reviewer, in_review):
    project = in_review()
    review_id = assign(api, manager, project, reviewer).json()["id"]
    assert api.as_(reviewer).delete(f"/api/v1/reviews/{review_id}/").status_code == 403
    assert api.as_(manager).delete(f"/api/v1/reviews/{review_id}/").status_code == 204
    assert not ExpertReview.objects.exists()
    assert Notification.objects.filter(kind="prereview_withdrawn", recipient=reviewer).exists()
    assert api.as_(reviewer).get(f"/api/v1/projects/{project.pk}/").status_code == 404


def test_a_review_is_closed_once_the_decision_is_taken(api, manager, reviewer, in_review):
    from projects import services

    project = in_review()
    review_id = assign(api, manager, project, reviewer).json()["id"]
    services.transition(project, "return", by=manager, comment="请补充建设方案")
    response = api.as_(reviewer).post(f"/api/v1/reviews/{review_id}/submit/", FULL, format="json")
    assert response.status_code == 409 and response.json()["stage"] == "returned"
    # The reviewer still sees what it was assigned, marked closed.
    body = api.as_(reviewer).get(f"/api/v1/reviews/{review_id}/").json()
    assert (body["status"], body["round_open"]) == ("assigned", False)


def test_reviewer_pages_list_assignments_and_submit_through_the_form(client, manager, reviewer, in_review):
    from projects.prereview import services as prereview

    project = in_review()
    review = prereview.assign_reviewer(project, reviewer, by=manager)
    client.force_login(reviewer)
    html = client.get("/projects/reviews/").content.decode()
    assert project.name in html and f"/projects/reviews/{review.pk}/" in html
    form = {f"score_{c}": v for c, v in FULL["scores"].items()}
    refused = client.post(f"/projects/reviews/{review.pk}/", {**form, "submit": ""})
    assert refused.status_code == 400
    assert "请给出评审结论" in refused.content.decode() and "请填写评审意见" in refused.content.decode()
    saved = client.post(f"/projects/reviews/{review.pk}/", {**form, "comment": "草稿", "save": ""})
    assert saved.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.comment) == ("assigned", "草稿")
    done = client.post(
        f"/projects/reviews/{review.pk}/", {**form, "opinion": "revise", "comment": "请补充", "submit": ""}
    )
    assert done.status_code == 302
    page = client.get(f"/projects/reviews/{review.pk}/").content.decode()
    assert 'data-testid="review-read-only"' in page and 'data-testid="review-form"' not in page
    assert "修改后再审" in page
    # Posting the form again changes nothing.
    again = client.post(f"/projects/reviews/{review.pk}/", {**form, "opinion": "pass", "comment": "x", "submit": ""})
    assert again.status_code == 302
    review.refresh_from_db()
    assert (review.opinion, review.comment) == ("revise", "请补充")
    client.force_login(manager)
    assert client.post(f"/projects/reviews/{review.pk}/", {**form, "submit": ""}).status_code == 403


def test_review_and_rule_lists_cost_the_same_at_ten_times_the_rows(api, manager, in_review, city):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from projects.prereview import services as prereview

    experts = [factories.user(Role.REVIEWER, name=f"专家{n}") for n in range(12)]

    def grow(n):
        for i in range(n):
            project = in_review(name=f"项目{i}{n}", functions=f"功能{i}{n}甲\n功能{i}{n}乙")
            for expert in experts[:2]:
                prereview.assign_reviewer(project, expert, by=manager)
            condition = [{"fact": "beneficiaries", "operator": "gt", "value": 1000 * (i + n)}]
            prereview.create_rule(
                by=manager, name=f"规则{i}{n}", conditions=condition, criterion="impact", points=1, red_line=False
            )

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert api.as_(manager).get(url).status_code == 200
        return len(queries)

    grow(1)
    few = count("/api/v1/reviews/?page_size=100"), count("/api/v1/review-rules/?page_size=100")
    grow(9)
    assert (count("/api/v1/reviews/?page_size=100"), count("/api/v1/review-rules/?page_size=100")) == few


def test_a_reviewer_cannot_open_another_reviewers_review_page(client, manager, reviewer, other_reviewer, in_review):
    from projects.prereview import services as prereview

    review = prereview.assign_reviewer(in_review(), other_reviewer, by=manager)
    client.force_login(reviewer)
    assert client.get(f"/projects/reviews/{review.pk}/").status_code == 404
    assert client.post(f"/projects/reviews/{review.pk}/", {"submit": ""}).status_code == 404
