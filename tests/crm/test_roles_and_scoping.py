"""Roles exist after migrate with their permissions; the role helpers answer per role.

The scoping rule itself is exercised per model (customers, loans, ...) in their tests."""

import pytest
from django.contrib.auth.models import Group

from crm.roles import Role, has_role, sees_everything


@pytest.mark.django_db
def test_the_four_groups_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}


@pytest.mark.django_db
def test_role_helpers(rm, lead, approver, risk_officer, admin_user, no_role_user):
    assert has_role(rm, Role.RELATIONSHIP_MANAGER)
    assert not has_role(rm, Role.CREDIT_APPROVER)
    assert [sees_everything(u) for u in (rm, lead, approver, risk_officer, admin_user)] == [
        False,
        False,
        True,
        True,
        True,
    ]
    assert not sees_everything(no_role_user)


@pytest.mark.django_db
def test_visible_to_gives_each_role_its_scope(
    rm, rm_same_team, rm_other_team, lead, approver, risk_officer, admin_user, no_role_user
):
    from customers.models import Customer
    from tests.factories import CustomerFactory

    mine = CustomerFactory(relationship_manager=rm)
    teammates = CustomerFactory(relationship_manager=rm_same_team)
    other_team = CustomerFactory(relationship_manager=rm_other_team)
    leads_own = CustomerFactory(relationship_manager=lead)

    def visible(user):
        return set(Customer.objects.visible_to(user))

    everything = {mine, teammates, other_team, leads_own}
    assert visible(rm) == {mine}
    assert visible(rm_same_team) == {teammates}
    assert visible(lead) == {mine, teammates, leads_own}
    assert visible(approver) == everything
    assert visible(risk_officer) == everything
    assert visible(admin_user) == everything
    assert visible(no_role_user) == set()
