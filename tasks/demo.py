"""Demo tasks for 临江市: about 150 key tasks from the plan's task list (任务分工), spread so that
the board shows all three lights, with reports, notices and a few weeks of warning history.

Due dates are relative to ``demo.today``; the overdue scan is replayed weekly over the past
twelve weeks (without notifying anyone about days gone by) and then run for today.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from portfolio.models import Role, User
from tasks.lifecycle import Action, NoticeAction, NoticeStatus, Status
from tasks.models import Notice, NoticeEvent, ProgressReport, Task, TaskTransition, TaskWarning
from tasks.notify import notify_warnings
from tasks.scan import run_scan
from tasks.services import refresh_notice_counts

EXTRA_OWNERS = [
    ("owner_cg", "王磊", "临江市城市管理局"),
    ("owner_sw", "孙丽", "临江市水务局"),
    ("owner_bj", "周强", "滨江区人民政府"),
    ("owner_dc", "吴芳", "东城区人民政府"),
    ("owner_data", "郑凯", "临江市政务服务和数据管理局"),
]

# (domain, task text, lead units, partners as written)
TASKS = [
    (
        "infrastructure",
        "建设城市数据底座，完成人口、法人、地理信息三大基础库治理",
        ["临江市政务服务和数据管理局"],
        ["临江市公安局", "临江市市场监督管理局", "临江市自然资源和规划局"],
    ),
    (
        "infrastructure",
        "推进政务云资源统一纳管，新建系统上云率达到100%",
        ["临江市政务服务和数据管理局"],
        ["市直有关部门"],
    ),
    ("infrastructure", "建成一体化算力调度平台", ["临江市政务服务和数据管理局"], ["临江市工业和信息化局"]),
    ("infrastructure", "完成公共数据资源目录全量编制", ["临江市政务服务和数据管理局"], ["市直有关部门、单位"]),
    (
        "infrastructure",
        "推动公共数据授权运营试点",
        ["临江市政务服务和数据管理局", "临江市发展和改革委员会"],
        ["临江市财政局"],
    ),
    ("infrastructure", "建设城市信息模型（CIM）基础平台", ["临江市自然资源和规划局"], ["临江市住房和城乡建设局"]),
    ("infrastructure", "推进电子证照在高频事项中全面应用", ["临江市政务服务和数据管理局"], ["各区政府"]),
    (
        "digital_economy",
        "培育数字经济核心产业集群，新增规上数字企业30家",
        ["临江市工业和信息化局"],
        ["临江市商务局", "各区政府"],
    ),
    ("digital_economy", "推进中小企业数字化转型城市试点", ["临江市工业和信息化局"], ["临江市财政局"]),
    (
        "digital_economy",
        "建设企业诉求直达平台，实现诉求一口受理",
        ["临江市工业和信息化局"],
        ["临江市政务服务和数据管理局"],
    ),
    ("digital_economy", "打造跨境电商综合服务平台", ["临江市商务局"], ["临港新区管理委员会"]),
    ("digital_economy", "推进市场主体信用监管数字化", ["临江市市场监督管理局"], ["市直有关部门"]),
    ("industry_city", "建设临港新区园区“一屏统览”系统", ["临港新区管理委员会"], ["临港新区经济发展局"]),
    ("industry_city", "推进重点园区能耗在线监测全覆盖", ["临港新区管理委员会"], ["临江市生态环境局"]),
    ("industry_city", "建设智慧工地监管平台二期", ["临江市住房和城乡建设局"], ["各区政府"]),
    ("governance", "城市运行“一网统管”平台接入部门业务系统不少于40个", ["临江市城市管理局"], ["市直有关部门"]),
    ("governance", "推进城市部件智能巡查和自动派单", ["临江市城市管理局"], ["各区政府"]),
    ("governance", "基层报表“一表通”减负改革", ["临江市民政局"], ["各街道办事处"]),
    (
        "governance",
        "12345热线与110、119联动机制数字化",
        ["临江市政务服务和数据管理局"],
        ["临江市公安局", "临江市应急管理局"],
    ),
    ("governance", "完善网格化社会治理信息系统", ["滨江区人民政府"], ["江滨街道办事处", "望江街道办事处"]),
    ("governance", "建设东城区城市运行分中心", ["东城区人民政府"], ["东门街道办事处"]),
    ("public_service", "高频政务服务事项“一网通办”全程网办率达到90%", ["临江市政务服务和数据管理局"], ["市直有关部门"]),
    ("public_service", "推行出生“一件事”一次办", ["临江市卫生健康委员会"], ["临江市公安局", "临江市医疗保障局"]),
    ("public_service", "推广看病就医“一码通”", ["临江市医疗保障局", "临江市卫生健康委员会"], ["各区政府"]),
    ("public_service", "建设区域检查检验结果互认共享平台", ["临江市卫生健康委员会"], ["东城区卫生健康局"]),
    ("public_service", "推进智慧教育云平台升级", ["临江市教育局"], ["南湖区教育局"]),
    ("public_service", "建设居家养老服务监管平台", ["临江市民政局"], ["各区政府"]),
    ("public_service", "推行社保待遇资格“静默认证”", ["临江市人力资源和社会保障局"], ["临江市公安局"]),
    ("public_service", "不动产登记“全城通办”", ["临江市自然资源和规划局"], ["各区政府"]),
    ("livable", "公交电子站牌覆盖主城区全部站点", ["临江市交通运输局"], ["各区政府"]),
    ("livable", "建设智慧停车“一张网”，接入公共泊位5万个", ["临江市交通运输局"], ["临江市公安局", "各区政府"]),
    ("livable", "推进交通信号配时智能优化", ["临江市交通运输局"], ["临江市公安局"]),
    ("livable", "建设生态环境监测监控平台二期", ["临江市生态环境局"], ["临江市水务局"]),
    ("livable", "推进智慧社区建设，覆盖率达到70%", ["临江市民政局"], ["各区政府"]),
    ("livable", "建设垃圾分类全过程监管系统", ["临江市城市管理局"], ["各街道办事处"]),
    ("safety", "建设城市内涝监测预警系统二期", ["临江市水务局"], ["临江市应急管理局"]),
    ("safety", "燃气管网安全运行实时监测", ["临江市住房和城乡建设局"], ["临江市应急管理局"]),
    ("safety", "应急指挥“一张图”升级", ["临江市应急管理局"], ["市直有关部门"]),
    ("safety", "公共视频资源共享平台扩容", ["临江市公安局"], ["临江市政务服务和数据管理局"]),
    ("safety", "建设森林防火智能监测网络", ["青溪县人民政府"], ["青溪县农业农村局"]),
    ("safety", "北山区地质灾害隐患点自动化监测", ["北山区人民政府"], ["临江市自然资源和规划局"]),
]
STAGES = ["第一阶段", "第二阶段", "第三阶段", "全面推广"]
PROGRESS_TEXTS = [
    "已完成需求调研和方案编制，正在组织专家论证。",
    "已完成招标采购，项目进入开发实施阶段。",
    "系统主体功能开发完成，正在开展联调测试。",
    "已在试点区域上线试运行，收集用户意见并优化。",
    "完成数据对接和迁移，正在准备验收材料。",
]


def _at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def seed_tasks(demo) -> None:
    rng, today, orgs = demo.rng, demo.today, demo.orgs
    taken = set(User.objects.values_list("username", flat=True))
    staffed = set(User.objects.filter(role=Role.OWNER).values_list("organization_id", flat=True))
    for username, name, org in EXTRA_OWNERS:
        if username in taken or orgs[org].pk in staffed:
            continue  # the projects demo already gave this organization an owner account
        user = User(
            username=username, name=name, organization=orgs[org], role=Role.OWNER, email=f"{username}@linjiang.example"
        )
        user.set_password(demo.password)
        user.save()
        demo.users[username] = user
    supervisor, manager = demo.users["supervisor"], demo.users["manager"]
    # Every lead unit has a liaison account (联络员) that acknowledges and reports; they are not
    # listed among the demo accounts, but sign in with the same password.
    with_owner = set(User.objects.filter(role=Role.OWNER).values_list("organization_id", flat=True))
    for name in sorted({lead for _d, _t, leads, _p in TASKS for lead in leads}):
        org = orgs[name]
        if org.pk not in with_owner:
            liaison = User(
                username=f"unit{org.pk:03d}", name=f"{org.short_name}联络员", organization=org, role=Role.OWNER
            )
            liaison.set_password(demo.password)
            liaison.save()
    owners = {u.organization_id: u for u in User.objects.filter(role=Role.OWNER)}

    specs = []
    for stage in STAGES:
        for domain, text, leads, partners in TASKS:
            specs.append((domain, f"{text}（{stage}）", leads, partners))
    specs = specs[:150]
    rng.shuffle(specs)

    created = []
    for n, (domain, title, leads, partners) in enumerate(specs, start=1):
        bucket = rng.random()
        if bucket < 0.08:  # severely overdue
            due = today - timedelta(days=rng.randint(31, 90))
            status = rng.choice([Status.IN_PROGRESS, Status.IN_PROGRESS, Status.ACKNOWLEDGED])
        elif bucket < 0.18:  # overdue
            due = today - timedelta(days=rng.randint(1, 29))
            status = rng.choice([Status.IN_PROGRESS, Status.IN_PROGRESS, Status.REPORTED, Status.ACKNOWLEDGED])
        elif bucket < 0.30:  # due within the warning window
            due = today + timedelta(days=rng.randint(0, 7))
            status = rng.choice([Status.IN_PROGRESS, Status.REPORTED, Status.IN_PROGRESS])
        elif bucket < 0.50:  # done
            due = today + timedelta(days=rng.randint(-120, 60))
            status = Status.COMPLETED
        elif bucket < 0.53:
            due = today + timedelta(days=rng.randint(30, 200))
            status = Status.SUSPENDED
        elif bucket < 0.58:  # ongoing work, no date
            due = None
            status = Status.IN_PROGRESS
        else:
            due = today + timedelta(days=rng.randint(8, 400))
            status = rng.choice([Status.ASSIGNED, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.IN_PROGRESS])
        earliest = (due or today) - timedelta(days=30)
        assigned = min(today - timedelta(days=rng.randint(2, 180)), earliest if due else today)
        if status == Status.ASSIGNED:
            assigned = today - timedelta(days=rng.randint(0, 8))
            due = max(due or today, assigned + timedelta(days=60))
        task = Task(
            code=f"RW-{assigned.year}-{n:05d}",
            title=title,
            plan=demo.plan,
            domain=demo.domains[domain],
            lead_org=orgs[leads[0]],
            partner_names=[p for p in partners if p not in orgs],
            assigned_at=assigned,
            due_date=due,
            deadline_text="" if due else "持续推进",
            created_by=rng.choice([manager, supervisor]),
        )
        task.status = Status.ASSIGNED
        task.status_changed_at = _at(assigned, 9)
        task.save()
        task.co_lead_orgs.set(orgs[name] for name in leads[1:])
        task.partner_orgs.set(orgs[p] for p in partners if p in orgs)
        _walk(task, status, owners, supervisor, manager, rng, today)
        created.append(task)

    _notices(created, owners, supervisor, rng, today)
    # A few weeks of history for the board's chart, then today's scan, which notifies.
    for weeks in range(12, 0, -1):
        run_scan(today=today - timedelta(weeks=weeks), notify=False)
    started = timezone.now()
    result = run_scan()
    # Tell the bureaus about the warnings still open from the replayed weeks, as today's scan
    # told them about its own.
    notify_warnings(TaskWarning.objects.open().filter(opened_at__lt=started))
    refresh_notice_counts(Task.objects.all())
    demo.say(f"  {len(created)} key tasks, {Notice.objects.count()} supervision notices; scan: {result.summary()}\n")


def _walk(task, final, owners, supervisor, manager, rng, today):
    """Take the task through the cycle up to ``final``, with dated transitions and reports."""
    path = {
        Status.ASSIGNED: [],
        Status.ACKNOWLEDGED: [Action.ACKNOWLEDGE],
        Status.IN_PROGRESS: [Action.ACKNOWLEDGE, Action.START],
        Status.REPORTED: [Action.ACKNOWLEDGE, Action.START, Action.FINISH],
        Status.COMPLETED: [Action.ACKNOWLEDGE, Action.START, Action.FINISH, Action.VERIFY],
        Status.SUSPENDED: [Action.ACKNOWLEDGE, Action.START, Action.SUSPEND],
    }[final]
    lead = owners.get(task.lead_org_id) or owners.get(task.lead_org.parent_id)
    end = min(today, task.due_date + timedelta(days=rng.randint(-20, 10))) if task.due_date else today
    day = task.assigned_at + timedelta(days=rng.randint(1, 3))
    status, steps = Status.ASSIGNED, max(len(path), 1)
    span = max((end - day).days, len(path))
    progress, last_report = 0, None
    for index, action in enumerate(path):
        at_day = min(today, day + timedelta(days=span * index // steps))
        by = {Action.VERIFY: supervisor, Action.SUSPEND: manager}.get(action, lead)
        target = {
            Action.ACKNOWLEDGE: Status.ACKNOWLEDGED,
            Action.START: Status.IN_PROGRESS,
            Action.FINISH: Status.REPORTED,
            Action.VERIFY: Status.COMPLETED,
            Action.SUSPEND: Status.SUSPENDED,
        }[action]
        comment = {
            Action.FINISH: "任务已按要求完成，系统上线运行，附验收材料。",
            Action.VERIFY: "经核验，任务完成情况属实，予以销号。",
            Action.SUSPEND: "因上级政策调整，暂缓实施，待新方案明确后恢复。",
        }.get(action, "")
        TaskTransition.objects.create(
            task=task, action=action, from_status=status, to_status=target, by=by, at=_at(at_day, 11), comment=comment
        )
        if action == Action.START and lead:
            # Monthly reports while in progress; some stop reporting (report_missing).
            report_day = at_day + timedelta(days=25)
            stop = today - timedelta(days=rng.choice([5, 10, 20, 45, 60]))
            while report_day < min(end, stop) and report_day < today:
                progress = min(95, progress + rng.randint(10, 30))
                # One report per month (a second one revises it, as the service does).
                ProgressReport.objects.update_or_create(
                    task=task,
                    org=lead.organization,
                    period=report_day.strftime("%Y-%m"),
                    defaults={
                        "text": rng.choice(PROGRESS_TEXTS),
                        "percent": progress,
                        "by": lead,
                        "created_at": _at(report_day, 15),
                    },
                )
                last_report = _at(report_day, 15)
                report_day += timedelta(days=30)
        if action == Action.FINISH and lead:
            progress = 100
            ProgressReport.objects.update_or_create(
                task=task,
                org=lead.organization,
                period=at_day.strftime("%Y-%m"),
                defaults={"text": comment, "percent": 100, "by": lead, "created_at": _at(at_day, 11)},
            )
            last_report = _at(at_day, 11)
        status = target
        task.status_changed_at = _at(at_day, 11)
        if action == Action.VERIFY:
            task.completed_at = _at(at_day, 11)
    task.status, task.progress, task.last_report_at = status, progress, last_report
    task.suspended_from = Status.IN_PROGRESS if status == Status.SUSPENDED else ""
    task.save()


def _notices(tasks, owners, supervisor, rng, today):
    late = [
        t for t in tasks if t.due_date and t.due_date < today and t.status not in (Status.COMPLETED, Status.SUSPENDED)
    ]
    late.sort(key=lambda t: t.due_date)
    plans = [
        (NoticeStatus.OPEN, -3, 1),  # reply overdue
        (NoticeStatus.OPEN, 4, 1),
        (NoticeStatus.REPLIED, 2, 1),
        (NoticeStatus.REPLIED, -1, 2),  # escalated, then replied
        (NoticeStatus.CLOSED, -10, 1),
        (NoticeStatus.CLOSED, -20, 1),
    ]
    for task, (status, due_offset, level) in zip(late, plans, strict=False):
        issued = _at(today + timedelta(days=due_offset - 7), 9)
        lead = owners.get(task.lead_org_id) or owners.get(task.lead_org.parent_id) or supervisor
        notice = Notice.objects.create(
            task=task,
            requirement="该任务已逾期，请于期限内书面说明滞后原因、已采取的措施和确保完成的时间节点。",
            reply_due=today + timedelta(days=due_offset),
            issued_by=supervisor,
            issued_at=issued,
            status=status,
            level=level,
        )
        NoticeEvent.objects.create(
            notice=notice, action=NoticeAction.ISSUE, by=supervisor, at=issued, text=notice.requirement
        )
        if level > 1:
            NoticeEvent.objects.create(
                notice=notice,
                action=NoticeAction.ESCALATE,
                by=supervisor,
                at=issued + timedelta(days=3),
                text="首次答复未明确完成时限，升级督办，抄送分管领导。",
            )
        if status in (NoticeStatus.REPLIED, NoticeStatus.CLOSED):
            reply = "已召开专题会议研究，明确专人负责，预计一个月内完成剩余建设内容。"
            notice.reply, notice.replied_at = reply, issued + timedelta(days=4)
            notice.save(update_fields=["reply", "replied_at"])
            NoticeEvent.objects.create(
                notice=notice, action=NoticeAction.REPLY, by=lead, at=notice.replied_at, text=reply
            )
        if status == NoticeStatus.CLOSED:
            notice.closed_at = issued + timedelta(days=6)
            notice.save(update_fields=["closed_at"])
            NoticeEvent.objects.create(
                notice=notice,
                action=NoticeAction.CLOSE,
                by=supervisor,
                at=notice.closed_at,
                text="整改到位，予以销号。",
            )
