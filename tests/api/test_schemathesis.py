"""Schemathesis over the live schema, as the portfolio office and as a project owner.

Every operation of ``/api/v1/schema/`` is called with generated data through the WSGI app, in
process (no server, no network), and each answer is checked against the schema: no server error,
a documented status, a documented content type, a body that matches the documented shape. The
number of examples per operation is bounded (``EXAMPLES``) so the two runs stay within a few
minutes on two cores; ``SCHEMATHESIS_EXAMPLES`` raises it for a deeper run.
"""

import logging
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.projects import factories as pf

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "8"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def world(db, owner, manager, transport_bureau, health_bureau, city):
    """A little of everything, so generated ids sometimes hit real rows of both bureaus."""
    from tests import factories

    plan = factories.plan(city)
    pf.project(transport_bureau, plan)
    pf.project(health_bureau, plan)
    return plan


@pytest.fixture
def api_schema(world, manager):
    """The schema, loaded from the running app; requests go to the same app in this thread.

    Django closes the database connection at the end of every request it handles (as Django's
    own test client prevents), which would close the test's transaction: not while fuzzing.
    """
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from portfolio.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application, headers=_headers(manager))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _headers(user):
    token, _ = Token.objects.get_or_create(user=user)
    return {"Authorization": f"Token {token.key}"}


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    report_multiple_bugs=False,
)


def fuzz(schema, user):
    """Every operation, ``EXAMPLES`` generated cases each: the failures (operation, first lines of
    the report) and the number of cases run. (Driven here rather than by schemathesis' pytest
    plugin, whose per-operation subtests need pytest internals that pytest 9 no longer has.)"""
    headers = _headers(user)
    failures, cases = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @FUZZ
        @given(case=operation.as_strategy())
        def run(case):
            nonlocal cases
            cases += 1
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as error:  # every failure is collected and reported below
            failures.append(f"{operation.label}: {str(error).strip()[:1500]}")
    return failures, cases


@pytest.mark.parametrize("persona", ["manager", "owner"])
def test_the_api_keeps_its_schema(request, api_schema, persona, caplog):
    caplog.set_level(logging.ERROR, logger="django.request")  # thousands of expected 4xx lines
    failures, cases = fuzz(api_schema, request.getfixturevalue(persona))
    print(f"schemathesis as {persona}: {cases} cases, {len(failures)} failing operations")
    assert not failures, "\n\n".join(failures)
