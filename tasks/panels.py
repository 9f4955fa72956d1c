"""Home-page cards of the tasks app: an owner's tasks, the supervisors' and managers' board."""

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portfolio.navigation import Panel
from tasks import selectors
from tasks.lifecycle import Light, NoticeStatus, Status
from tasks.models import Notice, Task


def home_panels(request) -> list[Panel]:
    user = request.user
    role = user.role or ("manager" if user.is_superuser else "")
    if role == "owner":
        tasks = Task.objects.visible_to(user)
        counts = tasks.aggregate(
            total=Count("pk"),
            red=Count("pk", filter=Q(light=Light.RED)),
            yellow=Count("pk", filter=Q(light=Light.YELLOW)),
            to_acknowledge=Count("pk", filter=Q(status=Status.ASSIGNED)),
        )
        awaiting = Notice.objects.visible_to(user).filter(status=NoticeStatus.OPEN).select_related("task")
        return [
            Panel(
                title=_("My organization's tasks"),
                template="tasks/panels/owner.html",
                context={
                    "counts": counts,
                    "awaiting": list(awaiting.order_by("reply_due")[:5]),
                    "late": list(selectors.task_list(user).filter(light=Light.RED).order_by("due_date")[:5]),
                    "today": timezone.localdate(),
                },
                order=300,
            )
        ]
    if role in ("supervisor", "manager"):
        data = selectors.board(Task.objects.all())
        worst = [row for row in data["rows"] if row["red"]][:5]
        overdue_notices = Notice.objects.filter(status=NoticeStatus.OPEN, reply_due__lt=timezone.localdate()).count()
        return [
            Panel(
                title=_("Task supervision"),
                template="tasks/panels/board.html",
                context={"totals": data["totals"], "worst": worst, "overdue_notices": overdue_notices},
                order=300,
            )
        ]
    return []
