import pytest
from django.core.exceptions import ValidationError

from portfolio.models import Organization
from tests import factories

pytestmark = pytest.mark.django_db


def test_an_organization_subtree_holds_its_descendants_only(city, city_government, transport_bureau, health_bureau):
    road_office = factories.organization("临江市公路事业发展中心", parent=transport_bureau)
    subtree = set(Organization.objects.subtree(transport_bureau))
    assert subtree == {transport_bureau, road_office}
    assert set(Organization.objects.subtree(city_government)) >= {transport_bureau, health_bureau, road_office}


def test_ordering_by_path_lists_the_tree_depth_first(city):
    root = factories.organization("甲", region_=city)
    # Enough siblings that pk 10 sorts after pk 9, which plain text paths would get wrong.
    children = [factories.organization(f"乙{i}", parent=root) for i in range(12)]
    grandchild = factories.organization("丙", parent=children[0])
    ordered = list(Organization.objects.subtree(root).order_by("path"))
    assert ordered[:3] == [root, children[0], grandchild]
    assert ordered[3:] == children[1:]


def test_moving_an_organization_moves_its_subtree(city, transport_bureau, health_bureau):
    child = factories.organization("下属单位", parent=transport_bureau)
    grandchild = factories.organization("再下属单位", parent=child)
    child.parent = health_bureau
    child.save()
    grandchild.refresh_from_db()
    assert grandchild.is_within(health_bureau)
    assert not grandchild.is_within(transport_bureau)
    assert grandchild.depth == health_bureau.depth + 2


def test_an_organization_cannot_be_placed_under_its_own_descendant(transport_bureau):
    child = factories.organization("下属单位", parent=transport_bureau)
    transport_bureau.parent = child
    with pytest.raises(ValidationError) as refused:
        transport_bureau.full_clean()
    assert "parent" in refused.value.message_dict


def test_rebuild_paths_repairs_bulk_inserted_rows(city, transport_bureau):
    rows = Organization.objects.bulk_create(
        [Organization(name=f"批量{i}", short_name=f"批{i}", region=city, parent=transport_bureau) for i in range(3)]
    )
    Organization.objects.rebuild_paths()
    for row in rows:
        row.refresh_from_db()
        assert row.is_within(transport_bureau)
