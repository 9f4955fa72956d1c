"""Minimal factories: each builds what its model needs, nothing more."""

import itertools
from decimal import Decimal

from portfolio.models import Domain, InformationSystem, Organization, Plan, Region, Role, User

_seq = itertools.count(1)
PASSWORD = "Test-Password-2025"


def region(name=None, *, parent=None, level=Region.Level.DISTRICT, tier=Region.Tier.ADVANCING):
    return Region.objects.create(name=name or f"区域{next(_seq)}", parent=parent, level=level, tier=tier)


def organization(name=None, *, region_=None, parent=None, short_name=None, aliases=(), kind="department"):
    n = next(_seq)
    region_ = region_ or (parent.region if parent else region(level=Region.Level.CITY))
    return Organization.objects.create(
        name=name or f"测试单位{n}",
        short_name=short_name or f"测{n}",
        aliases=list(aliases),
        region=region_,
        parent=parent,
        kind=kind,
    )


def user(role=Role.OWNER, *, organization_=None, username=None, name=None, **extra):
    organization_ = organization_ or organization()
    account = User(
        username=username or f"{role}{next(_seq)}",
        name=name or f"用户{next(_seq)}",
        organization=organization_,
        role=role,
        **extra,
    )
    account.set_password(PASSWORD)
    account.save()
    return account


def domain(code="public_service"):
    return Domain.objects.get(code=code)


def plan(region_=None, *, start_year=2025, end_year=2027):
    region_ = region_ or region(level=Region.Level.CITY)
    created = Plan.objects.create(region=region_, name=f"规划{next(_seq)}", start_year=start_year, end_year=end_year)
    created.domains.set(Domain.objects.all())
    return created


def system(org, *, name=None, domain_=None, shared=False, functions=(), description=""):
    return InformationSystem.objects.create(
        name=name or f"信息系统{next(_seq)}",
        org=org,
        domain=domain_ or domain(),
        is_shared=shared,
        functions="\n".join(functions),
        description=description,
        annual_cost=Decimal("100000.00"),
    )
