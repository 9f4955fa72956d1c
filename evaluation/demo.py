"""The demo city's outcomes: a year of operating data for the projects in operation, the
evaluations it gives (spread over the four grades), next year's budget requests and a policy.

Runs after the projects app's seeder. That seeder (built in parallel) creates at least 12
accepted projects; until it is merged, this one creates its own accepted projects — ONLY when
fewer than 8 exist (see ``ensure_projects``; the lead checks this after merging).
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from evaluation import selectors
from evaluation.bulk import rebuild_tally
from evaluation.models import (
    BudgetPolicy,
    BudgetRequest,
    Filing,
    Indicator,
    IndicatorTarget,
    Measurement,
    Rating,
    Rectification,
    Spending,
    Ticket,
)
from evaluation.services import evaluate_period
from projects.lifecycle import Stage
from projects.models import Project

# Fallback projects in operation (name, owner organization, domain, approved budget in yuan).
FALLBACK_PROJECTS = [
    ("公交到站实时预报系统", "临江市交通运输局", "livable", "2800000"),
    ("智慧停车一张网平台", "临江市交通运输局", "livable", "4600000"),
    ("全民健康信息平台升级", "临江市卫生健康委员会", "public_service", "5200000"),
    ("看病就医“一码通”", "临江市医疗保障局", "public_service", "1900000"),
    ("一网通办服务平台二期", "临江市政务服务和数据管理局", "public_service", "6800000"),
    ("城市运行管理服务平台扩容", "临江市城市管理局", "governance", "3500000"),
    ("城市内涝监测预警系统", "临江市水务局", "safety", "2100000"),
    ("燃气管网安全监测平台", "临江市住房和城乡建设局", "safety", "3900000"),
    ("企业诉求直达平台", "临江市工业和信息化局", "digital_economy", "1600000"),
    ("智慧教育云平台运维提升", "临江市教育局", "public_service", "2400000"),
    ("居家养老服务平台", "临江市民政局", "public_service", "1500000"),
    ("滨江区基层治理数字驾驶舱", "滨江区人民政府", "governance", "1200000"),
    ("青溪县数字乡村服务平台", "青溪县人民政府", "digital_economy", "900000"),
    ("东城区智慧社区服务平台", "东城区人民政府", "livable", "1100000"),
]

# Quality per project, cycled: drives ratings, ticket resolution and spending so grades spread.
QUALITIES = [0.97, 0.6, 0.75, 0.45, 0.93, 0.82, 0.68, 0.35, 0.9, 0.8, 0.88, 0.98, 0.5, 0.85]
COMMENTS = {
    5: ["办理很快，点赞", "界面清晰，一次办成", "服务热情周到"],
    4: ["整体不错", "比以前方便多了", "查询速度还可以"],
    3: ["还行，偶尔卡顿", "功能一般"],
    2: ["系统经常登录不上", "等待时间太长", "信息更新不及时"],
    1: ["提交后一直没有反馈", "多次报错无法办理", "客服电话打不通"],
}
CHANNELS = ["web", "app", "window", "hotline"]


def ensure_projects(demo) -> list[Project]:
    accepted = list(Project.objects.filter(stage=Stage.ACCEPTED).select_related("owner_org"))
    if len(accepted) >= 8:
        return accepted
    # Fallback until the projects app's demo (≥ 12 accepted projects) is merged: create our own.
    year = demo.today.year - 1
    for n, (name, org, domain, budget) in enumerate(FALLBACK_PROJECTS, start=1):
        organization = demo.orgs[org]
        accepted.append(
            Project.objects.create(
                code=f"{year}-{organization.short_name}-{900 + n:04d}",
                name=name,
                description=f"{name}建成后进入运营期，按季度填报运行数据。",
                owner_org=organization,
                plan=demo.plan,
                domain=demo.domains[domain],
                year=year,
                stage=Stage.ACCEPTED,
                budget_requested=Decimal(budget),
                approved_budget=Decimal(budget),
                approval_number=f"临数批〔{year}〕{n}号",
                warranty_months=24,
            )
        )
    return accepted


def seed_outcomes(demo) -> None:
    projects = ensure_projects(demo)
    rng, today = demo.rng, demo.today
    period = today.year
    start = datetime.datetime(period, 1, 1, tzinfo=timezone.get_default_timezone())
    now = timezone.now()
    span_hours = max(24, int((now - start).total_seconds() // 3600) - 2)
    manager = demo.users["manager"]

    satisfaction = Indicator.objects.get(code="satisfaction")
    IndicatorTarget.objects.bulk_create(
        [
            IndicatorTarget(indicator=satisfaction, tier="leading", target_value=Decimal("97")),
            IndicatorTarget(
                indicator=satisfaction, tier="foundational", baseline_value=Decimal("55"), target_value=Decimal("90")
            ),
        ]
    )
    security = Indicator.objects.create(
        code="security_incidents",
        name="重大网络安全事件",
        description="当期发生的重大网络安全事件数，须为 0。",
        category="baseline",
        source="measurement",
        unit="起",
        target_value=Decimal(0),
        lower_is_better=True,
        order=40,
    )
    sharing = Indicator.objects.create(
        code="data_sharing_calls",
        name="数据共享调用量",
        description="当期通过城市数据共享交换平台被调用的次数（万次），达到目标加分。",
        category="innovation",
        source="measurement",
        unit="万次",
        target_value=Decimal(50),
        baseline_value=Decimal(0),
        bonus=Decimal(5),
        order=50,
    )

    filings = {
        kind: Filing.objects.create(
            kind=kind, channel=Filing.Channel.FILE, filed_by=manager, file_name=f"demo-{kind}.xlsx"
        )
        for kind in Filing.Kind.values
    }
    ratings, tickets, spending, measurements = [], [], [], []
    for index, project in enumerate(projects):
        quality = QUALITIES[index % len(QUALITIES)]
        weights = [
            max(0.005, 0.2 * (1 - quality) ** 2),
            0.12 * (1 - quality),
            0.25 * (1 - quality) + 0.03,
            0.35,
            0.1 + quality,
        ]
        for _n in range(rng.randint(120, 260)):
            score = rng.choices((1, 2, 3, 4, 5), weights=weights)[0]
            rated_at = start + datetime.timedelta(hours=rng.randint(0, span_hours), minutes=rng.randint(0, 59))
            ratings.append(
                Rating(
                    project=project,
                    score=score,
                    rated_at=rated_at,
                    channel=rng.choice(CHANNELS),
                    comment=rng.choice(COMMENTS[score]) if rng.random() < 0.4 or score <= 2 else "",
                    filing=filings["ratings"],
                )
            )
        for n in range(rng.randint(25, 70)):
            received = start + datetime.timedelta(hours=rng.randint(0, span_hours))
            resolved = rng.random() < 0.5 + 0.5 * quality and received < now - datetime.timedelta(days=2)
            tickets.append(
                Ticket(
                    project=project,
                    title=f"运行问题工单 {n + 1}",
                    received_at=received,
                    resolved=resolved,
                    resolved_at=received + datetime.timedelta(hours=rng.randint(2, 40)) if resolved else None,
                    filing=filings["tickets"],
                )
            )
        budget = project.approved_budget or Decimal(1000000)
        spent_share = Decimal(str(round(0.35 + 0.62 * quality, 3)))
        months = max(1, today.month)
        for month in range(1, months + 1):
            spending.append(
                Spending(
                    project=project,
                    spent_on=datetime.date(period, month, min(15, today.day if month == today.month else 15)),
                    amount=(budget * spent_share / months).quantize(Decimal("0.01")),
                    purpose="运维服务费",
                    filing=filings["spending"],
                )
            )
        measurements.append(
            Measurement(
                project=project,
                indicator=security,
                period=period,
                value=Decimal(1 if index == 5 else 0),
                filing=filings["measurements"],
            )
        )
        if quality > 0.85:
            measurements.append(
                Measurement(
                    project=project,
                    indicator=sharing,
                    period=period,
                    value=Decimal(rng.randint(55, 120)),
                    filing=filings["measurements"],
                )
            )
    Rating.objects.bulk_create(ratings, batch_size=2000)
    rebuild_tally()
    Ticket.objects.bulk_create(tickets, batch_size=2000)
    Spending.objects.bulk_create(spending, batch_size=2000)
    Measurement.objects.bulk_create(measurements)

    # Rectifications of the poor ratings: older ones answered (mostly on time), recent ones open.
    rectifications = []
    for rating in ratings:
        if rating.score > 2:
            continue
        due = timezone.localdate(rating.rated_at) + datetime.timedelta(days=15)
        closed_at, reply = None, ""
        if due < today - datetime.timedelta(days=3):
            closed_at = rating.rated_at + datetime.timedelta(days=rng.choice([1, 2, 3, 5, 8, 12, 20, 30]))
            reply = "已电话回访，问题已修复并优化办理流程。"
        elif rng.random() < 0.3:
            closed_at = rating.rated_at + datetime.timedelta(days=1)
            reply = "已联系群众说明情况，并完成整改。"
        rectifications.append(
            Rectification(
                rating=rating,
                project=rating.project,
                org=rating.project.owner_org,
                rated_at=rating.rated_at,
                period=period,
                opened_at=rating.rated_at,
                due_date=due,
                status=Rectification.Status.CLOSED if closed_at else Rectification.Status.OPEN,
                reply=reply,
                closed_at=min(closed_at, now) if closed_at else None,
                closed_on=timezone.localdate(min(closed_at, now)) if closed_at else None,
                closed_by=manager if closed_at else None,
            )
        )
    Rectification.objects.bulk_create(rectifications, batch_size=2000)
    for kind, count in (
        ("ratings", len(ratings)),
        ("tickets", len(tickets)),
        ("spending", len(spending)),
        ("measurements", len(measurements)),
    ):
        Filing.objects.filter(pk=filings[kind].pk).update(rows=count)

    run = evaluate_period(period)

    year = period + 1
    for project in projects:
        budget = project.approved_budget or Decimal(1000000)
        amount = (budget * Decimal(str(rng.choice([0.12, 0.15, 0.18, 0.2]))) / 1000).quantize(Decimal(1)) * 1000
        BudgetRequest.objects.create(
            project=project, year=year, amount=amount, note="运维服务、云资源和安全保障费用。", created_by=manager
        )
    report = selectors.budget_report(year, user=demo.users["finance"])
    recommended = Decimal(report["totals"]["overall"]["recommended"])
    envelope = (recommended * Decimal("0.95") / 10000).quantize(Decimal(1)) * 10000
    BudgetPolicy.objects.create(year=year, envelope=envelope, updated_by=demo.users["finance"])
    demo.say(
        f"  outcomes: {len(ratings)} ratings, {len(tickets)} tickets, {len(rectifications)} rectifications for "
        f"{len(projects)} projects in operation; {run.projects} evaluated for {period}; budget {year} with envelope\n"
    )
