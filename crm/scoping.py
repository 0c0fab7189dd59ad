"""One scoping rule for every scoped model: `Model.objects.visible_to(user)`.

A relationship manager sees what they own; a team lead sees their team's (and their own);
credit approvers, risk officers and admins see everything; anyone else sees nothing.
Out-of-scope objects are then 404, never 403, so their existence does not leak.
"""

from django.db import models
from django.db.models import Q

from .roles import Role, has_role, sees_everything


def owner_scope_q(user, owner_path: str) -> Q | None:
    """The filter for objects whose owning user is reached through `owner_path`.

    Returns None when the user sees everything, and a Q that matches nothing for users
    without a scoped role.
    """
    if sees_everything(user):
        return None
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    q = Q(pk__in=[])
    if has_role(user, Role.RELATIONSHIP_MANAGER, Role.TEAM_LEAD):
        q |= Q(**{owner_path: user})
    if has_role(user, Role.TEAM_LEAD):
        q |= Q(**{f"{owner_path}__team__lead": user})
    return q


class ScopedQuerySet(models.QuerySet):
    """A QuerySet whose `visible_to(user)` applies the owner scope.

    Subclasses set `owner_path`: the lookup from the model to the owning user, e.g.
    `"relationship_manager"` for a customer or `"customer__relationship_manager"` for a loan.
    """

    owner_path: str = "relationship_manager"

    def visible_to(self, user):
        """Only the rows this user may see."""
        q = owner_scope_q(user, self.owner_path)
        return self if q is None else self.filter(q)


class CustomerOwnedQuerySet(ScopedQuerySet):
    """Rows hanging off a customer (contacts, loans, alerts, interactions, ...): scoped by the
    customer's relationship manager. Apps subclass it to add their own query methods."""

    owner_path = "customer__relationship_manager"
