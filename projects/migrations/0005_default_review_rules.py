"""The default pre-review rules (DESIGN.md "Pre-review"), version 1 of each.

The portfolio office edits them in the rule editor or the admin; each edit writes a new version, so
these stay as the first versions for the record.
"""

from django.db import migrations

# (name, why, conditions, criterion, points, red line)
RULES = [
    (
        "复用公共支撑组件",
        "复用城市统一身份认证、电子证照、数据共享等公共支撑组件，体现集约化建设。",
        [{"fact": "reuses_shared_components", "operator": "is_true", "value": None}],
        "reuse",
        10,
        False,
    ),
    (
        "数据共享至城市数据平台",
        "建设形成的数据按目录共享至城市公共数据平台，避免形成新的数据孤岛。",
        [{"fact": "shares_data", "operator": "is_true", "value": None}],
        "reuse",
        5,
        False,
    ),
    (
        "依托已有系统升级改造",
        "在已有信息系统基础上升级扩展，而非另起炉灶新建。",
        [{"fact": "linked_system_count", "operator": "ge", "value": 1}],
        "reuse",
        5,
        False,
    ),
    (
        "服务人数超过10万人",
        "受益面广的项目优先支持。",
        [{"fact": "beneficiaries", "operator": "gt", "value": 100000}],
        "impact",
        5,
        False,
    ),
    (
        "服务人数超过100万人",
        "覆盖全市范围的服务，具有示范带动作用。",
        [{"fact": "beneficiaries", "operator": "gt", "value": 1000000}],
        "demonstration",
        5,
        False,
    ),
    (
        "部分功能与已有建设重复",
        "查重发现部分功能已有系统或项目提供，重复部分应核减预算。",
        [{"fact": "duplicate_verdict", "operator": "eq", "value": "partial"}],
        "reuse",
        -5,
        False,
    ),
    (
        "建设内容不够具体",
        "申报书列明的建设功能少于2项，难以评审和验收。",
        [{"fact": "function_count", "operator": "lt", "value": 2}],
        "compliance",
        -5,
        False,
    ),
    (
        "预算30万元及以上须经专家评审",
        "申报预算30万元及以上的项目，须至少有一份专家评审意见后方可立项。",
        [
            {"fact": "budget_requested", "operator": "ge", "value": "300000.00"},
            {"fact": "expert_review_count", "operator": "lt", "value": 1},
        ],
        "compliance",
        0,
        True,
    ),
    (
        "建设独立移动App",
        "移动端应依托“临江办”等城市统一入口建设，原则上不单独建设App。",
        [{"fact": "has_mobile_app", "operator": "is_true", "value": None}],
        "compliance",
        0,
        True,
    ),
    (
        "质保期少于12个月",
        "信息化项目质保期不得少于12个月。",
        [{"fact": "warranty_months", "operator": "lt", "value": 12}],
        "compliance",
        0,
        True,
    ),
    (
        "与已有建设重复",
        "查重认定主要功能已有系统或项目提供，属重复建设。",
        [{"fact": "duplicate_verdict", "operator": "eq", "value": "duplicate"}],
        "compliance",
        0,
        True,
    ),
]


def create_rules(apps, schema_editor):
    ReviewRule = apps.get_model("projects", "ReviewRule")
    RuleVersion = apps.get_model("projects", "RuleVersion")
    for name, description, conditions, criterion, points, red_line in RULES:
        if RuleVersion.objects.filter(number=1, name=name).exists():
            continue
        rule = ReviewRule.objects.create(version=1, is_active=True)
        RuleVersion.objects.create(
            rule=rule,
            number=1,
            name=name,
            description=description,
            conditions=conditions,
            criterion=criterion,
            points=points,
            red_line=red_line,
            note="默认规则",
        )


def remove_rules(apps, schema_editor):
    ReviewRule = apps.get_model("projects", "ReviewRule")
    RuleVersion = apps.get_model("projects", "RuleVersion")
    names = [rule[0] for rule in RULES]
    rules = ReviewRule.objects.filter(versions__number=1, versions__name__in=names, overrides__isnull=True)
    ids = list(rules.values_list("pk", flat=True))
    RuleVersion.objects.filter(rule_id__in=ids).delete()
    ReviewRule.objects.filter(pk__in=ids).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_prereview")]
    operations = [migrations.RunPython(create_rules, remove_rules)]
