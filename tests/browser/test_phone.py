"""On a phone (390 px wide) the project list stays readable: names are not squeezed into a
column one character wide by eight other columns."""

import pytest

from tests import factories
from tests.projects import factories as pf
from tests.projects.factories import ensure_default_domains

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_project_list_keeps_names_readable_on_a_phone(page, live_server, sign_in, screenshot, owner, city):
    ensure_default_domains()  # a transactional test's flush removed the data migration's domains
    plan = factories.plan(city, start_year=2025, end_year=2027)
    project = pf.project(owner.organization, plan, name="城市道路交通信号优化（二期）")
    sign_in(owner)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/projects/")
    screenshot("phone-project-list")
    name = page.get_by_role("link", name=project.name)
    assert name.bounding_box()["width"] > 150  # it was about 20 px: one character a line
    assert page.locator("[data-testid=project-table] div", has_text=project.code).is_visible()  # under the name
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
