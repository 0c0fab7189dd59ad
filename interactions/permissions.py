"""Role checks shared by pages and the API: model permissions of crm.roles.ROLE_PERMISSIONS."""

from rest_framework.permissions import BasePermission

# What each kind of request needs: reading needs `view_`, creating `add_`, anything else
# (edits and workflow actions) `change_`.
_METHOD_VERB = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


def model_perm(model, verb: str) -> str:
    """`app_label.verb_modelname` for a model."""
    return f"{model._meta.app_label}.{verb}_{model._meta.model_name}"


class RolePermission(BasePermission):
    """The caller's role grants the model permission the request needs.

    Viewsets may map an action to a verb in `action_verbs` (a POST action that changes
    an object needs `change_`, not `add_`).
    """

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        model = view.model
        verb = getattr(view, "action_verbs", {}).get(getattr(view, "action", None))
        verb = verb or _METHOD_VERB.get(request.method, "change")
        return request.user.has_perm(model_perm(model, verb))
