"""The pre-review report: what start_review produces for a proposal that rewrites an existing system
(the issue's "Done when"), its JSON shape, who may read it, scoring again, the queue, and its cost."""

from decimal import Decimal

import pytest

from projects import services
from projects.lifecycle import Stage
from projects.prereview import selectors
from projects.prereview import services as prereview
from projects.prereview.facts import FACTS
from projects.prereview.models import PreReview
from tests import factories
from tests.projects import factories as pf

pytestmark = pytest.mark.django_db

DESIGN_KEYS = {"rule_score", "red_lines", "duplicate", "reviews", "recommendation"}


def start(project, manager):
    return services.transition(project, "start_review", by=manager).project


def test_starting_the_review_of_a_rewrite_shows_the_duplicate_with_shared_functions(api, manager, rewrite, bus_system):
    start(rewrite, manager)
    report = api.as_(manager).get(f"/api/v1/projects/{rewrite.pk}/prereview/").json()
    assert set(report) >= DESIGN_KEYS
    # Which inputs: every fact a rule may test, with the value this proposal shows.
    assert [fact["name"] for fact in report["facts"]] == list(FACTS)
    assert {f["name"]: f["value_label"] for f in report["facts"]}["budget_requested"] == "4,200,000.00 元"
    duplicate = report["duplicate"]
    assert duplicate["verdict"] == "duplicate"
    main = duplicate["main_match"]
    assert (main["kind"], main["id"], main["name"], main["org_name"]) == (
        "system",
        bus_system.pk,
        "公交电子站牌与实时公交系统",
        "临江市交通运输局",
    )
    assert {"到站时间预报", "公交线路查询"} <= set(main["shared"])
    assert {m["kind"] for m in duplicate["matches"]} <= {"project", "system", "data"}
    assert all(0 <= m["similarity"] <= 1 and m["shared"] for m in duplicate["matches"])
    # The rule score explains itself: each fired rule with the value it saw and its points.
    score = report["rule_score"]
    assert score["total"] == sum(hit["points"] for hit in score["fired"])
    shares = next(hit for hit in score["fired"] if hit["name"] == "数据共享至城市数据平台")
    assert (shares["value"], shares["points"], shares["criterion"]) == (True, 5, "reuse")
    assert set(score["by_criterion"]) == {"innovation", "demonstration", "impact", "reuse", "compliance"}
    assert {(u["name"], u["version"]) for u in score["rules_used"]} >= {("与已有建设重复", 1)}
    # The duplicate is a red line, and the recommendation says no, naming the system.
    assert any(line["name"] == "与已有建设重复" and not line["overridden"] for line in report["red_lines"])
    recommendation = report["recommendation"]
    assert recommendation["action"] == "reject" and recommendation["cut"] is None
    assert "公交电子站牌与实时公交系统" in " ".join(recommendation["reasons"])


def test_the_report_page_shows_duplicate_of_system_x_of_bureau_y_side_by_side(client, manager, rewrite, bus_system):
    client.force_login(manager)
    response = client.post(f"/projects/{rewrite.pk}/actions/start-review/", follow=True)
    assert response.redirect_chain[-1][0] == f"/projects/{rewrite.pk}/prereview/"
    html = response.content.decode()
    headline = html.split('data-testid="duplicate-headline"')[1].split("</div>\n")[0]
    assert "与信息系统“公交电子站牌与实时公交系统”（临江市交通运输局）重复建设" in headline
    assert "<mark>到站时间预报</mark>" in headline
    evidence = html.split(f'data-testid="evidence-system-{bus_system.pk}"')[1]
    assert "<mark>车辆到站时间预测</mark>" in evidence and "<mark>到站时间预报</mark>" in evidence
    # Why each function counted: the two functions, the similarity, the words they share.
    why = html.split('data-testid="duplicate-why"')[1].split("</ul>")[0]
    assert "“车辆到站时间预测” ↔ “到站时间预报”" in why and "相同词语" in why
    assert 'data-testid="recommendation-action">不予立项<' in html
    assert 'data-testid="fired-rules"' in html and "向城市数据平台共享数据：是" in html


def test_the_report_is_for_the_office_and_whoever_sees_the_whole_region(
    api, manager, supervisor, finance, owner, other_owner, reviewer, in_review, make_project
):
    project = in_review()
    url = f"/api/v1/projects/{project.pk}/prereview/"
    assert {u.username: api.as_(u).get(url).status_code for u in (manager, supervisor, finance)} == {
        "manager": 200,
        "supervisor": 200,
        "finance": 200,
    }
    assert api.as_(owner).get(url).status_code == 403  # its own project, but the report is the office's
    assert api.as_(other_owner).get(url).status_code == 404
    assert api.as_(reviewer).get(url).status_code == 404  # not assigned: cannot see the project at all
    never = make_project(Stage.SUBMITTED)
    missing = api.as_(manager).get(f"/api/v1/projects/{never.pk}/prereview/")
    assert missing.status_code == 404 and "尚未进行预审" in missing.json()["detail"]


def test_an_empty_or_one_character_proposal_still_gets_a_report(api, manager, make_project):
    for text in ("", "建"):
        project = make_project(Stage.SUBMITTED, name=text or "空", description=text, functions=text)
        start(project, manager)
        report = api.as_(manager).get(f"/api/v1/projects/{project.pk}/prereview/").json()
        assert report["duplicate"]["verdict"] == "clear" and report["duplicate"]["confidence"] <= 0.2
        assert any(hit["name"] == "建设内容不够具体" for hit in report["rule_score"]["fired"])


def test_scoring_again_sees_the_catalogue_as_it_is_now(api, manager, rewrite, bus_system, owner):
    start(rewrite, manager)
    bus_system.status = "retired"  # retired systems are no longer existing construction
    bus_system.save()
    url = f"/api/v1/projects/{rewrite.pk}/prereview/rescore/"
    assert api.as_(owner).post(url).status_code == 403
    response = api.as_(manager).post(url)
    assert response.status_code == 200
    assert response.json()["duplicate"]["verdict"] != "duplicate"
    assert PreReview.objects.get(project=rewrite).verdict != "duplicate"
    approved = pf.project(rewrite.owner_org, rewrite.plan, stage=Stage.APPROVED)
    refused = api.as_(manager).post(f"/api/v1/projects/{approved.pk}/prereview/rescore/")
    assert refused.status_code == 409 and refused.json()["stage"] == "approved"


def test_a_returned_proposal_keeps_its_frozen_report_and_is_reviewed_afresh(api, manager, owner, in_review):
    project = in_review()
    services.transition(project, "return", by=manager, comment="请补充建设方案")
    frozen = api.as_(manager).get(f"/api/v1/projects/{project.pk}/prereview/").json()
    assert frozen["round"]["outcome"] == "return" and frozen["project"]["stage"] == "returned"
    pf.attachment(project, owner)
    services.transition(project, "submit", by=owner)
    services.transition(project, "start_review", by=manager)
    rounds = list(PreReview.objects.filter(project=project).order_by("opened_at", "pk"))
    assert [r.is_open for r in rounds] == [False, True]
    live = api.as_(manager).get(f"/api/v1/projects/{project.pk}/prereview/").json()
    assert live["round"]["id"] == rounds[1].pk
    old = api.as_(manager).get(f"/api/v1/projects/{project.pk}/prereview/?round={rounds[0].pk}").json()
    assert old == frozen


def test_a_project_in_pre_review_without_a_round_is_scored_when_first_acted_on(api, manager, make_project):
    """Projects that entered pre-review before rounds existed: listed as unscored, scored on first use."""
    project = make_project(Stage.PREREVIEW, budget_requested=Decimal("200000.00"))
    rounds, unscored = selectors.queue()
    assert [p.pk for p in unscored] == [project.pk] and not rounds
    response = api.as_(manager).post(
        f"/api/v1/projects/{project.pk}/approve/", {"approved_budget": "150000", "approval_number": "1号"}
    )
    assert response.status_code == 200
    assert project.gate_records.get().prereview["recommendation"]["action"] == "approve"


def test_the_office_scores_an_unscored_proposal_from_its_report_page(client, manager, make_project):
    project = make_project(Stage.PREREVIEW)
    client.force_login(manager)
    page = client.get(f"/projects/{project.pk}/prereview/").content.decode()
    assert 'data-testid="no-report"' in page and 'data-testid="rescore"' in page
    scored = client.post(f"/projects/{project.pk}/prereview/rescore/", follow=True).content.decode()
    assert 'data-testid="recommendation-action"' in scored
    assert PreReview.objects.get(project=project).is_open


def test_the_queue_lists_proposals_by_recommendation(client, manager, in_review, bus_system, rewrite):
    app = in_review(name="课后服务管理平台", functions="课后服务报名\n费用收缴", has_mobile_app=True)
    fine = in_review(
        name="校园食堂明厨亮灶", functions="后厨视频接入\n食品留样登记", budget_requested=Decimal("200000")
    )
    start(rewrite, manager)
    client.force_login(manager)
    html = client.get("/projects/prereview/").content.decode()
    order = [html.index(f'data-testid="queue-row-{p.pk}"') for p in (rewrite, app, fine)]
    assert order == sorted(order)  # reject, return, approve
    assert "未分配专家" in html and "已提交 0 / 0" not in html  # no reviewer yet: said so, not "0 of 0"


def test_the_home_page_and_the_project_page_show_pre_review(client, manager, rewrite):
    start(rewrite, manager)
    client.force_login(manager)
    home = client.get("/").content.decode()
    assert 'data-testid="panel-prereview"' in home and "不予立项 <strong>1</strong>" in home
    detail = client.get(f"/projects/{rewrite.pk}/").content.decode()
    assert 'data-testid="card-recommendation"' in detail and f"/projects/{rewrite.pk}/prereview/" in detail


def test_report_queries_do_not_grow_with_reviews_rules_and_matches(
    client, api, manager, rewrite, transport_bureau, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start(rewrite, manager)

    def counted():
        counts = []
        for call in (
            lambda: api.as_(manager).get(f"/api/v1/projects/{rewrite.pk}/prereview/"),
            lambda: client.get(f"/projects/{rewrite.pk}/prereview/"),
        ):
            with CaptureQueriesContext(connection) as queries:
                assert call().status_code == 200
            counts.append(len(queries))  # read now: the next request empties the log it reads from
        assert all(counts)
        return counts

    client.force_login(manager)
    before = counted()
    for n in range(4):
        pf.expert_review(rewrite, manager=manager)
        factories.system(transport_bureau, name=f"公交智能调度系统{n}", functions=["公交车辆实时定位", "公交线路查询"])
    prereview.rescore(rewrite, by=manager)
    after = counted()
    assert after == before
    with django_assert_max_num_queries(12):
        api.as_(manager).get(f"/api/v1/projects/{rewrite.pk}/prereview/")


def test_queue_queries_are_the_same_at_ten_times_the_rounds(client, manager, make_project):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(manager)

    def grow(n):
        for i in range(n):
            project = make_project(Stage.SUBMITTED, name=f"项目{i}", functions=f"功能{i}甲\n功能{i}乙")
            start(project, manager)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/projects/prereview/").status_code == 200
        return len(queries)

    grow(2)
    few = count()
    grow(18)
    assert count() == few
