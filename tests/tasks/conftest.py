import pytest

from tests import factories
from tests.factories import PASSWORD
from tests.tasks import factories as task_factories


@pytest.fixture
def plan(city):
    return factories.plan(city)


@pytest.fixture
def make_task(plan):
    """``make_task(org, due_in=…, status=…)``: a task of the shared plan."""

    def make(lead_org, **kwargs):
        kwargs.setdefault("plan", plan)
        return task_factories.task(lead_org, **kwargs)

    return make


@pytest.fixture
def transport_task(make_task, transport_bureau):
    return make_task(transport_bureau)


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return sign_in
