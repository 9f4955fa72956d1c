import pytest

pytestmark = pytest.mark.django_db(transaction=True)

ROLE_FIXTURES = ["owner", "other_owner", "reviewer", "manager", "supervisor", "finance"]


@pytest.mark.parametrize("persona", ROLE_FIXTURES)
def test_each_role_signs_in_and_sees_its_home_in_chinese(request, persona, sign_in, screenshot):
    user = request.getfixturevalue(persona)
    page = sign_in(user)
    assert page.url.endswith("/")
    assert page.locator("h1").inner_text().startswith("您好")
    assert user.organization.name in page.content()
    assert page.locator("nav").get_by_text("首页").is_visible()
    screenshot(f"home-{persona}")


def test_wrong_password_is_refused_with_a_chinese_message(owner, sign_in):
    page = sign_in(owner, password="Wrong-Password-1")
    assert "用户名或密码不正确" in page.locator("[data-testid=login-error]").inner_text()


def test_api_docs_render_from_assets_served_by_the_app(page, live_server, manager, sign_in, screenshot):
    sign_in(manager)
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "城市数字化转型项目赋能平台 API" in page.locator(".swagger-ui .info .title").inner_text()
    screenshot("api-docs")
