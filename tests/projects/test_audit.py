"""Every project transition leaves one audit row (who, from, to, why, which request); a refused
one leaves none, and a denied one is recorded as a denial."""

import pytest

from portfolio.models import AuditKind

pytestmark = pytest.mark.django_db


def test_a_transition_leaves_one_audit_row_with_its_request(api, owner, manager, draft, trail):
    response = api.as_(owner).post(f"/api/v1/projects/{draft.pk}/submit/", {"comment": "请审核"})
    assert response.status_code == 200, response.json()
    event = trail(AuditKind.TRANSITION).get()
    assert (event.actor, event.action, event.object_type, event.object_id) == (
        owner,
        "submit",
        "projects.project",
        str(draft.pk),
    )
    assert (event.before, event.after, event.message) == ({"stage": "draft"}, {"stage": "submitted"}, "请审核")
    assert event.request_id == response["X-Request-ID"] and event.path == f"/api/v1/projects/{draft.pk}/submit/"
    assert event.changes == [("阶段", "草稿", "已申报")]
    assert event.action_label == "申报"
    assert trail().count() == 1


def test_a_refused_transition_leaves_no_transition_row_and_a_denied_one_a_denial(api, owner, manager, draft, trail):
    assert api.as_(owner).post(f"/api/v1/projects/{draft.pk}/approve/", {}).status_code in (403, 409)
    assert api.as_(manager).post(f"/api/v1/projects/{draft.pk}/submit/", {}).status_code == 403
    assert not trail(AuditKind.TRANSITION).exists()
    assert trail(AuditKind.DENIED, actor=manager).count() == 1
