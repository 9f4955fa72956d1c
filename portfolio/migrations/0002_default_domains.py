"""The seven domains of the national guideline for city-wide digital transformation."""

from django.db import migrations

DOMAINS = [
    ("infrastructure", "城市数字化共性基础", "共性基础", "城市数据底座、算力网络、共性支撑平台与标准体系。"),
    ("digital_economy", "城市数字经济", "数字经济", "数字产业化与产业数字化，培育数据要素市场。"),
    ("industry_city", "新型产城融合", "产城融合", "园区、产业与城市功能的数字化协同。"),
    ("governance", "精准精细治理", "精细治理", "城市运行、基层治理、综合执法的精准化与精细化。"),
    ("public_service", "普惠数字公共服务", "公共服务", "政务服务、教育、医疗、养老等公共服务的数字化普惠。"),
    ("livable", "绿色智慧宜居环境", "宜居环境", "生态环境、住房、交通出行与社区的绿色智慧化。"),
    ("safety", "城市安全韧性", "安全韧性", "应急管理、防灾减灾、公共安全与网络数据安全。"),
]


def create_domains(apps, schema_editor):
    Domain = apps.get_model("portfolio", "Domain")
    for order, (code, name, short_name, description) in enumerate(DOMAINS, start=1):
        Domain.objects.update_or_create(
            code=code, defaults={"name": name, "short_name": short_name, "description": description, "order": order}
        )


def remove_domains(apps, schema_editor):
    apps.get_model("portfolio", "Domain").objects.filter(code__in=[d[0] for d in DOMAINS]).delete()


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0001_initial")]
    operations = [migrations.RunPython(create_domains, remove_domains)]
