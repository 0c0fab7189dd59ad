"""Demo people of API.md (Commands): the users, their roles and the two teams."""

from django.contrib.auth.models import Group
from django.db import transaction

from .models import Team, User
from .roles import Role

# username, display name, role (None for the superuser), team, leads team
DEMO_USERS = (
    ("rm1", "Li Wei 李伟", Role.RELATIONSHIP_MANAGER, "Team A", False),
    ("rm2", "Wang Fang 王芳", Role.RELATIONSHIP_MANAGER, "Team A", False),
    ("rm3", "Zhang Min 张敏", Role.RELATIONSHIP_MANAGER, "Team B", False),
    ("lead1", "Chen Jie 陈杰", Role.TEAM_LEAD, "Team A", True),
    ("approver1", "Liu Yang 刘洋", Role.CREDIT_APPROVER, None, False),
    ("approver2", "Zhao Lei 赵磊", Role.CREDIT_APPROVER, None, False),
    ("risk1", "Sun Li 孙丽", Role.RISK_OFFICER, None, False),
    ("admin", "System Admin 系统管理员", None, None, False),
)


@transaction.atomic
def seed_people(*, password: str) -> list[User]:
    """Create or update the demo users and teams; safe to run again (passwords are reset)."""
    from .roles import sync_role_groups

    sync_role_groups()
    teams = {
        name: Team.objects.get_or_create(name=name, defaults={"branch": branch})[0]
        for name, branch in (
            ("Team A", "Shanghai Pudong 上海浦东"),
            ("Team B", "Beijing Haidian 北京海淀"),
        )
    }
    users = []
    for username, display_name, role, team_name, leads in DEMO_USERS:
        user, _created = User.objects.update_or_create(
            username=username,
            defaults={
                "display_name": display_name,
                "email": f"{username}@bank.example",
                "team": teams.get(team_name),
                "is_staff": role is None,
                "is_superuser": role is None,
                "is_active": True,
            },
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        user.groups.set([Group.objects.get(name=role)] if role else [])
        if leads:
            Team.objects.filter(pk=teams[team_name].pk).update(lead=user)
        users.append(user)
    return users
