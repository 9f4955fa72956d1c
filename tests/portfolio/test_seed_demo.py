import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from portfolio.models import Domain, InformationSystem, Organization, Plan, Region, Role, User

pytestmark = pytest.mark.django_db

PASSWORD = "Demo-Pass-2025"


@pytest.fixture
def seeded(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", password=PASSWORD, verbosity=0)


def test_the_demo_city_is_believable(seeded):
    districts = Region.objects.filter(level=Region.Level.DISTRICT)
    assert 6 <= districts.count() <= 10
    assert set(districts.values_list("tier", flat=True)) == {"leading", "advancing", "foundational"}
    assert Organization.objects.count() >= 30
    assert all("\u4e00" <= name[0] <= "\u9fff" for name in Organization.objects.values_list("name", flat=True))
    plan = Plan.objects.get()
    assert (plan.start_year, plan.end_year) == (2025, 2027)
    assert plan.domains.count() == Domain.objects.count() == 7
    assert InformationSystem.objects.count() >= 12


def test_there_is_one_account_per_role_and_each_signs_in(seeded):
    expected = {
        "owner": Role.OWNER,
        "owner2": Role.OWNER,
        "reviewer": Role.REVIEWER,
        "manager": Role.MANAGER,
        "supervisor": Role.SUPERVISOR,
        "finance": Role.FINANCE,
    }
    assert dict(User.objects.filter(username__in=expected).values_list("username", "role")) == expected
    assert User.objects.get(username="owner").organization != User.objects.get(username="owner2").organization
    for username in expected:
        client = Client()
        assert client.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code == 302
        assert "您好" in client.get("/").content.decode()


def test_seeding_twice_is_refused_but_if_empty_is_a_quiet_no_op(seeded):
    count = Organization.objects.count()
    with pytest.raises(CommandError):
        call_command("seed_demo", password=PASSWORD, verbosity=0)
    call_command("seed_demo", "--if-empty", verbosity=0)
    assert Organization.objects.count() == count


def test_a_weak_demo_password_is_refused(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    with pytest.raises(CommandError, match="policy"):
        call_command("seed_demo", password="123", verbosity=0)
    assert not Organization.objects.exists()


def test_without_a_password_one_is_generated_and_printed(settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo")
    printed = capsys.readouterr().out
    password = printed.split("Password for every demo account: ")[1].split()[0]
    assert User.objects.get(username="manager").check_password(password)
    assert password in (tmp_path / "demo-accounts.txt").read_text()
