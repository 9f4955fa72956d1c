"""Review rules as data (API ``review-rules`` and the rule editor): versioned — an edit writes a new
version and keeps the old ones, every report names the versions it used — and bad rules are refused
with a clear Chinese message."""

import pytest

from projects.prereview.models import ReviewRule, RuleVersion

pytestmark = pytest.mark.django_db

INNOVATIVE = {
    "name": "采用区块链存证",
    "description": "鼓励可信存证技术应用。",
    "conditions": [{"fact": "domain", "operator": "in", "value": ["digital_economy", "infrastructure"]}],
    "criterion": "innovation",
    "points": 3,
}


def test_everyone_signed_in_reads_the_rules_and_only_the_office_writes_them(api, owner, reviewer, manager):
    listing = api.as_(owner).get("/api/v1/review-rules/")
    assert listing.status_code == 200 and listing.json()["count"] == RuleVersion.objects.current().count()
    for user in (owner, reviewer):
        assert api.as_(user).post("/api/v1/review-rules/", INNOVATIVE, format="json").status_code == 403
    created = api.as_(manager).post("/api/v1/review-rules/", INNOVATIVE, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["version"], body["points"], body["red_line"], body["criterion_label"]) == (1, 3, False, "创新性")
    assert body["conditions"][0]["text"] == "领域 属于 城市数字经济、城市数字化共性基础"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"conditions": [{"fact": "salary", "operator": "gt", "value": 1}]}, "conditions", "未知的字段或事实“salary”"),
        (
            {"conditions": [{"fact": "budget_requested", "operator": ">=", "value": "三十万"}]},
            "conditions",
            "是以元为单位的金额",
        ),
        ({"conditions": []}, "conditions", "至少需要一个条件"),
        ({"points": 0}, "points", "须加分或减分"),
        ({"red_line": True, "points": 5}, "points", "不计分值"),
        ({"name": " "}, "name", "请填写规则名称"),
    ],
)
def test_a_bad_rule_is_refused_with_a_clear_message_and_changes_nothing(api, manager, change, field, message):
    before = RuleVersion.objects.count()
    response = api.as_(manager).post("/api/v1/review-rules/", {**INNOVATIVE, **change}, format="json")
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert RuleVersion.objects.count() == before


def test_editing_a_rule_writes_a_new_version_and_keeps_the_old_one(api, manager, in_review):
    rule = ReviewRule.objects.get(versions__name="服务人数超过10万人")
    url = f"/api/v1/review-rules/{rule.pk}/"
    first = in_review(beneficiaries=80000)  # scored with version 1: does not fire
    response = api.as_(manager).patch(
        url,
        {"conditions": [{"fact": "beneficiaries", "operator": "gt", "value": 50000}], "note": "门槛下调至5万人"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["version"] == 2
    versions = api.as_(manager).get(f"{url}versions/").json()
    assert [(v["number"], v["conditions"][0]["value"]) for v in versions] == [(1, 100000), (2, 50000)]
    assert versions[1]["note"] == "门槛下调至5万人" and versions[1]["created_by_name"] == "陈静"
    # The same content again writes nothing.
    assert api.as_(manager).patch(url, {"name": "服务人数超过10万人"}, format="json").json()["version"] == 2
    # Reports say which versions they used: the open round is evaluated with version 2 now.
    report = api.as_(manager).get(f"/api/v1/projects/{first.pk}/prereview/").json()
    used = {u["rule"]: u["version"] for u in report["rule_score"]["rules_used"]}
    assert used[rule.pk] == 2
    assert any(hit["rule"] == rule.pk and hit["version"] == 2 for hit in report["rule_score"]["fired"])


def test_a_rule_version_is_never_changed_in_place():
    from django.core.exceptions import ValidationError

    version = RuleVersion.objects.current().first()
    version.points = 99
    with pytest.raises(ValidationError):
        version.save()


def test_a_deleted_rule_is_taken_out_of_use_and_kept(api, manager, in_review):
    rule = ReviewRule.objects.get(versions__name="建设独立移动App")
    assert api.as_(manager).delete(f"/api/v1/review-rules/{rule.pk}/").status_code == 204
    rule.refresh_from_db()
    assert not rule.is_active and rule.versions.count() == 1
    project = in_review(has_mobile_app=True)
    report = api.as_(manager).get(f"/api/v1/projects/{project.pk}/prereview/").json()
    assert rule.pk not in {u["rule"] for u in report["rule_score"]["rules_used"]}
    assert not any(line["rule"] == rule.pk for line in report["red_lines"])
    assert api.as_(manager).get("/api/v1/review-rules/?is_active=false").json()["count"] == 1
    back = api.as_(manager).patch(f"/api/v1/review-rules/{rule.pk}/", {"is_active": True}, format="json")
    assert back.status_code == 200 and back.json()["is_active"] and back.json()["version"] == 1


def test_a_rule_change_refreshes_the_queue(api, manager, in_review):
    from projects.prereview.models import PreReview

    project = in_review(has_mobile_app=True)
    assert PreReview.objects.get(project=project).recommendation == "return"
    rule = ReviewRule.objects.get(versions__name="建设独立移动App")
    api.as_(manager).delete(f"/api/v1/review-rules/{rule.pk}/")
    assert PreReview.objects.get(project=project).recommendation != "return"


def test_rules_filter_by_criterion_and_red_line(api, manager):
    red = api.as_(manager).get("/api/v1/review-rules/?red_line=true").json()
    assert red["count"] >= 4 and all(r["red_line"] for r in red["results"])
    reuse = api.as_(manager).get("/api/v1/review-rules/?criterion=reuse").json()
    assert reuse["count"] >= 1 and all(r["criterion"] == "reuse" for r in reuse["results"])


def test_the_facts_a_rule_may_test_are_listed(api, owner):
    facts = {f["name"]: f for f in api.as_(owner).get("/api/v1/review-rules/facts/").json()}
    assert {"budget_requested", "beneficiaries", "duplicate_verdict", "expert_review_count"} <= set(facts)
    assert [op["code"] for op in facts["has_mobile_app"]["operators"]] == ["is_true", "is_false"]
    assert {c["value"] for c in facts["duplicate_verdict"]["choices"]} == {"duplicate", "partial", "clear"}


def test_the_rule_editor_adds_and_versions_rules_and_shows_refusals(client, manager, owner):
    client.force_login(manager)
    form = {
        "name": "建设周期超过2年",
        "criterion": "compliance",
        "effect": "points",
        "points": "-3",
        "fact_1": "warranty_months",
        "operator_1": "ge",
        "value_1": "abc",
    }
    refused = client.post("/projects/review-rules/new/", form)
    assert refused.status_code == 400
    assert "条件 1：“质保期”是整数" in refused.content.decode()
    assert client.post("/projects/review-rules/new/", {**form, "value_1": "36"}).status_code == 302
    rule = ReviewRule.objects.get(versions__name="建设周期超过2年")
    page = client.get(f"/projects/review-rules/{rule.pk}/").content.decode()
    assert 'value="36"' in page and 'data-testid="rule-versions"' in page
    saved = client.post(f"/projects/review-rules/{rule.pk}/", {**form, "value_1": "48", "note": "放宽"}, follow=True)
    assert "已保存为第 2 版" in saved.content.decode()
    assert list(rule.versions.order_by("number").values_list("conditions__0__value", flat=True)) == [36, 48]
    listing = client.get("/projects/review-rules/").content.decode()
    assert "质保期 ≥ 48 个月" in listing and "v2" in listing
    # Red line chosen: the points are ignored.
    client.post(f"/projects/review-rules/{rule.pk}/", {**form, "value_1": "48", "effect": "red_line"})
    assert RuleVersion.objects.get(rule=rule, number=3).red_line
    client.force_login(owner)
    assert client.get("/projects/review-rules/").status_code == 200  # read-only for everyone signed in
    assert client.post(f"/projects/review-rules/{rule.pk}/", form).status_code == 403
    assert client.get("/projects/review-rules/new/").status_code == 403


def test_the_admin_edits_a_rule_as_a_new_version_and_refuses_a_bad_one(client, manager):
    rule = ReviewRule.objects.get(versions__name="质保期少于12个月")
    client.force_login(manager)
    url = f"/admin/projects/reviewrule/{rule.pk}/change/"
    assert client.get("/admin/projects/reviewrule/").status_code == 200
    form = {
        "name": "质保期少于18个月",
        "description": "",
        "conditions": '[{"fact": "warranty_months", "operator": "<", "value": 18}]',
        "criterion": "compliance",
        "points": "0",
        "red_line": "on",
        "is_active": "on",
        "note": "提高质保要求",
        "versions-TOTAL_FORMS": "0",
        "versions-INITIAL_FORMS": "1",
    }
    bad = client.post(url, {**form, "conditions": '[{"fact": "warranty", "operator": "<", "value": 18}]'})
    assert bad.status_code == 200 and "未知的字段或事实“warranty”" in bad.content.decode()
    assert client.post(url, form).status_code == 302
    rule.refresh_from_db()
    assert rule.version == 2 and rule.current.conditions[0]["value"] == 18 and rule.current.created_by == manager
    assert rule.versions.get(number=1).name == "质保期少于12个月"
    assert client.get(f"/admin/projects/reviewrule/{rule.pk}/delete/").status_code == 403
    for model in ("prereview", "expertreview", "redlineoverride"):
        assert client.get(f"/admin/projects/{model}/").status_code == 200, model
