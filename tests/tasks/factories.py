"""Minimal factories for key tasks."""

import itertools
from datetime import timedelta

from django.utils import timezone

from tasks.lifecycle import Status
from tasks.models import Task
from tests import factories

_seq = itertools.count(1)


def task(lead_org, *, plan=None, due_in=30, assigned_days_ago=0, status=Status.ASSIGNED, **extra):
    """A task led by ``lead_org``, due ``due_in`` days from today (None: ongoing)."""
    today = timezone.localdate()
    n = next(_seq)
    return Task.objects.create(
        code=f"T-{n:05d}",
        title=extra.pop("title", f"重点任务{n}"),
        plan=plan or factories.plan(lead_org.region),
        lead_org=lead_org,
        assigned_at=today - timedelta(days=assigned_days_ago),
        due_date=None if due_in is None else today + timedelta(days=due_in),
        status=status,
        **extra,
    )


def sheet_bytes(header, *rows, title="任务分工表") -> bytes:
    """A task list as an .xlsx: a title row, the header, then the rows."""
    import io

    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
