import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_portfolio_office_reads_the_audit_log_in_chinese_and_filters_it(
    owner, manager, sign_in, page, live_server, screenshot
):
    sign_in(owner, password="Wrong-Password-1")
    sign_in(manager)
    assert page.locator("nav a[href='/audit/']").count() == 1  # in the 系统管理 menu
    page.goto(f"{live_server.url}/audit/")
    assert page.locator("h1").inner_text() == "审计日志"
    table = page.locator("tbody").inner_text()
    assert "登录失败" in table and "登录成功" in table
    screenshot("audit-log")
    page.select_option("#id_kind", "sign_in_failed")
    page.get_by_role("button", name="筛选").click()
    rows = page.locator("tbody tr")
    assert rows.count() == 1 and "owner" in rows.first.inner_text()
