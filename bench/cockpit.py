"""Portfolio cockpit at scale: the roll-up endpoint against the raw SQL of the same aggregation.

The raw statement is what a hand-written report would run: projects grouped on the dimension,
spending and next year's operating budget grouped on the same dimension through a join, the
three combined in one statement with the domain names. The endpoint runs the same three
aggregations as separate grouped queries (plus the names), and everything an API request costs.
"""

from django.db import connection
from django.db.models import Count
from rest_framework.test import APIClient

from bench.harness import timed

SCALE = {"projects": 50000, "tasks": 1000000}
BUDGET_YEAR = 2026  # the year seed_scale's budget requests are for
TARGET = 1.5

RAW = """
    WITH p AS (
        SELECT pr.domain_id AS k, COUNT(*) AS n, SUM(pr.budget_requested) AS requested,
               SUM(pr.approved_budget) AS approved
        FROM projects_project pr {join} {where}
        GROUP BY pr.domain_id
    ), s AS (
        SELECT pr.domain_id AS k, SUM(s.amount) AS spent
        FROM evaluation_spending s JOIN projects_project pr ON pr.id = s.project_id
        {join} {where}
        GROUP BY pr.domain_id
    ), b AS (
        SELECT pr.domain_id AS k, SUM(COALESCE(b.final_amount, b.amount)) AS operating
        FROM evaluation_budgetrequest b JOIN projects_project pr ON pr.id = b.project_id
        {join}
        WHERE b.year = %s {also}
        GROUP BY pr.domain_id
    )
    SELECT p.k, d.name, p.n, p.requested, p.approved, s.spent, b.operating
    FROM p JOIN portfolio_domain d ON d.id = p.k LEFT JOIN s ON s.k = p.k LEFT JOIN b ON b.k = p.k
"""


def _users():
    from portfolio.models import Organization, Role, User
    from projects.models import Project

    busiest = Project.objects.values("owner_org").order_by().annotate(n=Count("pk")).order_by("-n").first()
    org = Organization.objects.get(pk=busiest["owner_org"])
    parent = org.parent or org  # an owner of a bureau with organizations below it
    manager, _ = User.objects.get_or_create(
        username="bench-cockpit-manager", defaults={"name": "基准主管", "role": Role.MANAGER, "organization": org}
    )
    owner, _ = User.objects.get_or_create(
        username="bench-cockpit-owner", defaults={"name": "基准单位", "role": Role.OWNER, "organization": parent}
    )
    return manager, owner, parent


def run(ctx):
    from projects.models import Project

    manager, owner, org = _users()
    with connection.cursor() as cursor:
        for table in ("projects_project", "evaluation_spending", "evaluation_budgetrequest"):
            cursor.execute(f"ANALYZE {table}")
    ctx.report("cockpit", "projects in the database", f"{Project.objects.count():,}")
    # The manager's statement reads no organization (it sees them all); the owner's keeps to its
    # subtree through the organizations' path index, as visible_to does.
    org_join = "JOIN portfolio_organization o ON o.id = pr.owner_org_id"
    for label, user, join, where, also, params in (
        ("manager", manager, "", "", "", ()),
        ("owner", owner, org_join, "WHERE o.path LIKE %s", "AND o.path LIKE %s", (org.path + "%",)),
    ):
        client = APIClient(HTTP_HOST="localhost")
        client.force_authenticate(user)
        query = {"by": "domain", "budget_year": BUDGET_YEAR}
        response = client.get("/api/v1/portfolio/rollup/", query)
        assert response.status_code == 200, response.content
        api = timed(lambda c=client, q=query: c.get("/api/v1/portfolio/rollup/", q), repeat=21)
        sql = RAW.format(join=join, where=where, also=also)
        args = [*params, *params, BUDGET_YEAR, *params]

        def raw(sql=sql, args=args):
            with connection.cursor() as cursor:
                cursor.execute(sql, args)
                return cursor.fetchall()

        rows = raw()
        # The same figures, or the comparison means nothing.
        api_rows = {r["key"]: r for r in response.json()["rows"]}
        for key, _name, count, *_money in rows:
            assert api_rows[key]["count"] == count, (label, key)
        raw_timing = timed(raw, repeat=21)
        ratio = api.p50 / raw_timing.p50
        ctx.report("cockpit", f"rollup by domain as {label}: API", str(api))
        ctx.report("cockpit", f"rollup by domain as {label}: raw SQL", str(raw_timing))
        ctx.report(
            "cockpit", f"rollup by domain as {label}: API ÷ raw SQL", f"{ratio:.2f}×", f"≤ {TARGET}×", ratio <= TARGET
        )
