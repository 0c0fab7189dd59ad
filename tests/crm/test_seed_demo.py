"""`seed_demo` creates the demo people of API.md and can run again."""

from io import StringIO

import pytest
from django.core.management import call_command

from crm.models import Team, User


@pytest.mark.django_db
def test_seed_demo_creates_the_contract_users_and_is_idempotent():
    call_command("seed_demo", "--password", "pw-one-2026", stdout=StringIO())
    call_command("seed_demo", "--password", "pw-two-2026", stdout=StringIO())

    roles = {u.username: [g.name for g in u.groups.all()] for u in User.objects.all()}
    assert roles["rm1"] == ["relationship_manager"]
    assert roles["rm2"] == ["relationship_manager"]
    assert roles["rm3"] == ["relationship_manager"]
    assert roles["lead1"] == ["team_lead"]
    assert roles["approver1"] == roles["approver2"] == ["credit_approver"]
    assert roles["risk1"] == ["risk_officer"]
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.is_staff
    team_a = Team.objects.get(name="Team A")
    assert team_a.lead.username == "lead1"
    assert set(team_a.members.values_list("username", flat=True)) == {"rm1", "rm2", "lead1"}
    assert User.objects.get(username="rm3").team.name == "Team B"
    assert User.objects.get(username="rm1").check_password("pw-two-2026")
    assert User.objects.filter(username__in=["rm1", "admin"]).count() == 2
