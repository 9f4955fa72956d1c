"""Transactional tests flush the database; the rows our data migrations create must survive."""

import pytest

from portfolio.models import Domain


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", [1, 2])
def test_the_seven_domains_are_there_in_every_transactional_test(run):
    assert Domain.objects.count() == 7
    Domain.objects.all().delete()  # and a test that removes them does not take them from the next
