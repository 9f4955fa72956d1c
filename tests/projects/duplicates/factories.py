"""Factories for the duplicate check's tests: projects with a function list, systems, data."""

import itertools
from decimal import Decimal

from portfolio.models import DataResource
from projects.lifecycle import Stage
from projects.models import Project
from tests import factories

_seq = itertools.count(1)


def project(org, plan, *, name, functions=(), description="", stage=Stage.SUBMITTED, domain_=None, budget="1000000"):
    return Project.objects.create(
        code=f"T-{next(_seq):05d}",
        name=name,
        description=description,
        functions="\n".join(functions),
        owner_org=org,
        plan=plan,
        domain=domain_ or factories.domain(),
        year=2026,
        stage=stage,
        budget_requested=None if budget is None else Decimal(budget),
    )


def data_resource(org, *, name, description="", domain_=None):
    return DataResource.objects.create(
        name=name, org=org, domain=domain_ or factories.domain(), description=description
    )
