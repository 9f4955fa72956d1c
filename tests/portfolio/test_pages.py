import pytest

pytestmark = pytest.mark.django_db

ROLES = ["owner", "reviewer", "manager", "supervisor", "finance"]


def test_pages_need_sign_in(client):
    for url in ["/", "/notifications/", "/health/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("persona", ROLES)
def test_each_role_has_a_home_page_in_chinese_with_its_duties(client, request, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    html = client.get("/").content.decode()
    assert f"您好，{user.name}" in html
    assert user.get_role_display() in html
    duties = {
        "owner": "编制并提交项目申报",
        "reviewer": "评分和评审",
        "manager": "组织预审",
        "supervisor": "督办单",
        "finance": "预算政策",
    }
    assert duties[persona] in html
    assert 'lang="zh-hans"' in html


def test_only_the_portfolio_office_sees_the_admin_and_status_entries(client, manager, owner):
    client.force_login(manager)
    html = client.get("/").content.decode()
    assert "系统状态" in html and "基础数据管理" in html
    client.force_login(owner)
    html = client.get("/").content.decode()
    assert "系统状态" not in html and "基础数据管理" not in html


def test_the_manager_keeps_reference_data_in_the_admin(client, manager, owner):
    client.force_login(manager)
    assert client.get("/admin/portfolio/organization/").status_code == 200
    assert client.get("/admin/portfolio/informationsystem/add/").status_code == 200
    client.force_login(owner)
    assert client.get("/admin/portfolio/organization/").status_code == 302  # not staff: back to the admin login


def test_the_layout_loads_only_assets_served_by_the_app(client, owner):
    import re

    client.force_login(owner)
    html = client.get("/").content.decode()
    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert any("bootstrap" in a for a in assets) and any("htmx" in a for a in assets)
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert client.get(asset).status_code == 200, asset


def test_an_unknown_page_is_a_chinese_404(client, owner):
    client.force_login(owner)
    response = client.get("/no-such-page/")
    assert response.status_code == 404


def test_a_role_with_several_entries_of_one_app_gets_one_dropdown(client, manager, owner):
    client.force_login(manager)
    html = client.get("/health/").content.decode()
    assert html.count('class="nav-link dropdown-toggle active"') == 1  # 系统管理, holding 系统状态
    assert 'class="dropdown-item active" href="/health/"' in html
    assert "系统管理" in html
    client.force_login(owner)
    html = client.get("/").content.decode()
    assert 'class="nav-link active" href="/"' in html  # Home is never folded


def test_browsers_asking_for_favicon_ico_get_the_icon(client):
    """The admin's pages carry no <link rel="icon">, so browsers ask for /favicon.ico (was a 404)."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("portfolio/favicon.svg")
