"""Roles and permissions in one query (crm/auth_backends.py), with ModelBackend's answers."""

import pytest
from django.contrib.auth.models import Group, Permission

from crm.models import User
from crm.roles import Role, has_role, user_roles


def _fresh(user):
    """The user as a new request sees it (no cached roles or permissions)."""
    return User.objects.get(pk=user.pk)


@pytest.mark.django_db
def test_a_role_check_and_permission_checks_cost_one_query(rm, django_assert_num_queries):
    user = _fresh(rm)
    with django_assert_num_queries(1):
        assert has_role(user, Role.RELATIONSHIP_MANAGER)
        assert user.has_perm("customers.view_customer")
        assert not user.has_perm("crm.view_accesslog")
        assert user.has_perms(["customers.add_customer", "interactions.add_interaction"])
        assert user.has_module_perms("customers")


@pytest.mark.django_db
def test_the_answers_are_those_of_the_group_and_user_tables(rm):
    compliance_perm = Permission.objects.get(
        codename="view_accesslog", content_type__app_label="crm"
    )
    user = _fresh(rm)
    assert user_roles(user) == {Role.RELATIONSHIP_MANAGER}
    assert "customers.view_customer" in user.get_group_permissions()
    assert user.get_user_permissions() == set()
    assert not user.has_perm("crm.view_accesslog")

    rm.user_permissions.add(compliance_perm)
    user = _fresh(rm)
    assert user.get_user_permissions() == {"crm.view_accesslog"}
    assert user.has_perm("crm.view_accesslog")

    rm.groups.add(Group.objects.get(name="compliance"))
    rm.user_permissions.clear()
    rm.groups.remove(Group.objects.get(name=Role.RELATIONSHIP_MANAGER))
    user = _fresh(rm)
    assert user_roles(user) == {"compliance"}
    assert user.has_perm("crm.view_accesslog")
    assert not user.has_perm("customers.view_customer")


@pytest.mark.django_db
def test_an_inactive_user_holds_no_permission(rm):
    rm.is_active = False
    rm.save()
    user = _fresh(rm)
    assert not user.has_perm("customers.view_customer")
    assert user.get_all_permissions() == set()


@pytest.mark.django_db
def test_a_superuser_holds_every_permission(admin_user):
    user = _fresh(admin_user)
    user_roles(user)  # roles first, as a page's menu does
    assert user.is_superuser
    assert user.has_perm("crm.view_accesslog")
    assert "crm.view_accesslog" in user.get_all_permissions()
    assert len(user.get_all_permissions()) == Permission.objects.count()
