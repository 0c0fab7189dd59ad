"""Roles and permissions of the signed-in user in one query per request.

Django's ModelBackend reads a user's permissions with two queries (their own, their groups'),
and `crm.roles.user_roles` reads their group names with a third; a page that checks a role and
a permission (most of them) paid all three. `load_access` reads the three in one UNION query
and fills the caches both use (`_crm_roles`, and ModelBackend's `_user_perm_cache`,
`_group_perm_cache` and `_perm_cache`), on the user object, for the request: a change of roles
shows on the next request, as with ModelBackend.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connections, router


def _access_sql() -> str:
    user_model = get_user_model()
    user_groups = user_model.groups.through._meta.db_table
    user_perms = user_model.user_permissions.through._meta.db_table
    group_perms = Group.permissions.through._meta.db_table
    group, perm, content_type = (
        Group._meta.db_table,
        Permission._meta.db_table,
        ContentType._meta.db_table,
    )
    return (
        f"SELECT 'role', g.name, '' FROM {group} g "
        f"JOIN {user_groups} ug ON ug.group_id = g.id WHERE ug.user_id = %(user)s "
        f"UNION ALL SELECT 'user', ct.app_label, p.codename FROM {user_perms} up "
        f"JOIN {perm} p ON p.id = up.permission_id "
        f"JOIN {content_type} ct ON ct.id = p.content_type_id WHERE up.user_id = %(user)s "
        f"UNION ALL SELECT 'group', ct.app_label, p.codename FROM {user_groups} ug "
        f"JOIN {group_perms} gp ON gp.group_id = ug.group_id "
        f"JOIN {perm} p ON p.id = gp.permission_id "
        f"JOIN {content_type} ct ON ct.id = p.content_type_id WHERE ug.user_id = %(user)s"
    )


def load_access(user) -> None:
    """Read the user's group names and permissions at once and cache them on the user."""
    alias = router.db_for_read(get_user_model())
    with connections[alias].cursor() as cursor:
        cursor.execute(_access_sql(), {"user": user.pk})
        rows = cursor.fetchall()
    user._crm_roles = frozenset(name for kind, name, _codename in rows if kind == "role")
    if user.is_superuser:  # ModelBackend grants a superuser every permission: left to it
        return
    user._user_perm_cache = {f"{app}.{code}" for kind, app, code in rows if kind == "user"}
    user._group_perm_cache = {f"{app}.{code}" for kind, app, code in rows if kind == "group"}
    user._perm_cache = user._user_perm_cache | user._group_perm_cache


class AccessBackend(ModelBackend):
    """ModelBackend whose permission caches are filled by `load_access` (one query)."""

    def _cached(self, user_obj, obj) -> bool:
        """Whether the one-query path applies: an active, non-superuser user, no object."""
        return (
            obj is None
            and user_obj.is_active
            and not user_obj.is_anonymous
            and not user_obj.is_superuser
        )

    def _from_cache(self, user_obj, obj, attr: str, fallback):
        if not self._cached(user_obj, obj):
            return fallback(user_obj, obj)
        if not hasattr(user_obj, attr):
            load_access(user_obj)
        return getattr(user_obj, attr)

    def get_user_permissions(self, user_obj, obj=None):
        return self._from_cache(user_obj, obj, "_user_perm_cache", super().get_user_permissions)

    def get_group_permissions(self, user_obj, obj=None):
        return self._from_cache(user_obj, obj, "_group_perm_cache", super().get_group_permissions)

    def get_all_permissions(self, user_obj, obj=None):
        return self._from_cache(user_obj, obj, "_perm_cache", super().get_all_permissions)
