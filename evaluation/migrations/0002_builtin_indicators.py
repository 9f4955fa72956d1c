"""The three built-in indicators with DESIGN.md's defaults (managers may edit their numbers)."""

from decimal import Decimal

from django.db import migrations

BUILTIN = [
    # code, name, source, weight, baseline, target, order, description
    (
        "resolution",
        "问题解决度",
        "resolution",
        "40",
        "60",
        "95",
        10,
        "当期已解决的问题工单数 ÷ 当期受理的问题工单数 × 100；当期无工单时不计分，不参与加权。",
    ),
    (
        "satisfaction",
        "用户满意度",
        "satisfaction",
        "40",
        "60",
        "95",
        20,
        "（当期好差评平均分 − 1）÷ 4 × 100；满意率（4 分及以上占比）和差评按期整改率一并展示。",
    ),
    (
        "execution",
        "预算执行率",
        "execution",
        "20",
        "50",
        "95",
        30,
        "当期支出金额 ÷ 批复预算 × 100。",
    ),
]


def create(apps, schema_editor):
    Indicator = apps.get_model("evaluation", "Indicator")
    for code, name, source, weight, baseline, target, order, description in BUILTIN:
        Indicator.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "category": "catch_up",
                "source": source,
                "unit": "%",
                "weight": Decimal(weight),
                "baseline_value": Decimal(baseline),
                "target_value": Decimal(target),
                "lower_is_better": False,
                "bonus": Decimal(0),
                "is_builtin": True,
                "is_active": True,
                "order": order,
                "description": description,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("evaluation", "Indicator").objects.filter(code__in=[row[0] for row in BUILTIN]).delete()


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
