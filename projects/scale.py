"""Large synthetic data for benchmarks: the projects app's part of ``seed_scale``.

Every synthetic project is ``accepted`` (in operation), so the outcome and budget benchmarks can
evaluate all of them; their names, descriptions and function lists come from the same vocabulary
as the synthetic information systems, so text-matching benchmarks see realistic overlaps.
"""

from decimal import Decimal

from portfolio.models import Organization
from portfolio.scale import BATCH, Scale, phrase
from projects.lifecycle import Stage
from projects.models import Project


def seed_projects(scale: Scale) -> None:
    count = scale.sizes.get("projects", 0)
    if not count:
        return
    rng = scale.rng
    region_of = dict(Organization.objects.values_list("pk", "region_id"))
    batch = []
    for n in range(1, count + 1):
        org_id = rng.choice(scale.org_ids)
        name, functions = phrase(rng)
        year = rng.choice([2025, 2026, 2027])
        budget = Decimal(rng.randint(10, 2000) * 10000)
        batch.append(
            Project(
                code=f"{year}-S-{n:07d}",
                name=f"{name}建设项目{n}",
                description=f"建设{name}，实现{'、'.join(functions)}。",
                functions="\n".join(functions),
                owner_org_id=org_id,
                plan=scale.plans_by_city[region_of[org_id]],
                domain=rng.choice(scale.domains),
                year=year,
                stage=Stage.ACCEPTED,
                budget_requested=budget,
                approved_budget=budget,
                approval_number=f"临数批〔{year}〕{n}号",
                beneficiaries=rng.randint(100, 500000),
                warranty_months=rng.choice([12, 24, 36]),
            )
        )
        if len(batch) == BATCH:
            Project.objects.bulk_create(batch)
            batch = []
    Project.objects.bulk_create(batch)
    scale.say(f"  projects: {count} accepted projects")
