"""The admin (基础数据) for the portfolio office: reference data and thresholds, and no way up to a
superuser's powers."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from portfolio.models import Role, User
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(data_bureau):
    return factories.user(Role.MANAGER, organization_=data_bureau, username="root", is_staff=True, is_superuser=True)


def test_a_manager_keeps_reference_data_and_thresholds_in_the_admin(client, manager):
    client.force_login(manager)
    index = client.get("/admin/").content.decode()
    assert "/admin/portfolio/region/" in index and "/admin/evaluation/indicator/" in index
    assert "/admin/constance/config/" in index and "/admin/projects/reviewrule/" in index
    for url in ("/admin/portfolio/region/", "/admin/portfolio/organization/add/", "/admin/constance/config/"):
        assert client.get(url).status_code == 200, url
    assert 'name="_save"' not in client.get("/admin/projects/project/add/").content.decode()


def test_other_roles_have_no_admin(client, owner, finance):
    for user in (owner, finance):
        client.force_login(user)
        assert client.get("/admin/").status_code == 302  # to the admin's own sign-in


def test_a_manager_cannot_take_over_a_superusers_account(client, manager, superuser):
    client.force_login(manager)
    response = client.patch(
        f"/api/v1/users/{superuser.pk}/", {"password": "Another-Pass-2025"}, content_type="application/json"
    )
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.check_password(factories.PASSWORD)
    assert 'name="_save"' not in client.get(f"/admin/portfolio/user/{superuser.pk}/change/").content.decode()
    assert client.post(f"/admin/portfolio/user/{superuser.pk}/change/", {"username": "x"}).status_code == 403
    assert client.get(f"/admin/portfolio/user/{superuser.pk}/password/").status_code == 403
    assert client.delete(f"/api/v1/users/{superuser.pk}/").status_code == 403


def test_a_manager_cannot_make_anyone_staff_or_superuser(manager, superuser, owner):
    user_admin = admin.site._registry[User]
    request = RequestFactory().get("/admin/")
    request.user = manager
    assert {"is_staff", "is_superuser", "groups"} <= set(user_admin.get_readonly_fields(request, owner))
    request.user = superuser
    assert "is_superuser" not in user_admin.get_readonly_fields(request, owner)


def test_a_manager_still_edits_ordinary_accounts(client, manager, owner):
    client.force_login(manager)
    response = client.patch(f"/api/v1/users/{owner.pk}/", {"name": "张伟（交通）"}, content_type="application/json")
    assert response.status_code == 200
    assert client.get(f"/admin/portfolio/user/{owner.pk}/change/").status_code == 200
