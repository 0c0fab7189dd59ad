"""Access-log entries for logins, failed logins, logouts and role or permission changes.

Connected in CrmConfig.ready. They only append to the log; they change no business data.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed

from . import sessions
from .models import AccessLog
from .services import _current_request, access_log_record


def _acting_user(request):
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def on_logged_in(sender, request, user, **kwargs):
    access_log_record(user=user, action=AccessLog.Action.LOGIN, request=request)


def on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        access_log_record(user=user, action=AccessLog.Action.LOGOUT, request=request)


def on_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already replaced the password in `credentials`; only the name is kept.
    username = str(credentials.get("username", ""))[:150]
    access_log_record(
        user=None,
        action=AccessLog.Action.LOGIN_FAILED,
        request=request,
        detail=f"username: {username}",
    )


def _names(model, pks) -> str:
    field = "name" if model is Group else "codename"
    return ", ".join(sorted(model.objects.filter(pk__in=pks).values_list(field, flat=True)))


def _on_membership_changed(*, kind, related_model, instance, action, reverse, pk_set, model):
    """One entry per change: which user gained or lost which roles (or permissions)."""
    request = _current_request()
    if action == "pre_clear":
        # The rows are gone after the clear: remember them now, log them in post_clear.
        if reverse:
            instance._audit_cleared = set(instance.user_set.values_list("pk", flat=True))
        else:
            manager = instance.groups if kind == "roles" else instance.user_permissions
            instance._audit_cleared = set(manager.values_list("pk", flat=True))
        return
    if action == "post_clear":
        pk_set = getattr(instance, "_audit_cleared", set())
        sign = "-"
    elif action in ("post_add", "post_remove"):
        sign = "+" if action == "post_add" else "-"
    else:
        return
    if not pk_set:
        return
    User = get_user_model()
    if reverse:
        # group.user_set.add(...): one group, many users.
        targets = ", ".join(
            sorted(User.objects.filter(pk__in=pk_set).values_list("username", flat=True))
        )
        label = getattr(instance, "name", None) or getattr(instance, "codename", "")
        detail = f"users {targets}: {kind} {sign}{label}"
    else:
        detail = f"user {instance.username}: {kind} {sign}{_names(related_model, pk_set)}"
    access_log_record(
        user=_acting_user(request),
        action=AccessLog.Action.PERMISSION_CHANGE,
        request=request,
        detail=detail,
    )


def on_groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    _on_membership_changed(
        kind="roles",
        related_model=Group,
        instance=instance,
        action=action,
        reverse=reverse,
        pk_set=pk_set,
        model=model,
    )


def on_permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    _on_membership_changed(
        kind="permissions",
        related_model=Permission,
        instance=instance,
        action=action,
        reverse=reverse,
        pk_set=pk_set,
        model=model,
    )


def connect():
    """Connect the handlers (idempotent: each has a dispatch uid)."""
    User = get_user_model()
    user_logged_in.connect(on_logged_in, dispatch_uid="crm.access_log.login")
    user_logged_in.connect(sessions.on_logged_in, dispatch_uid="crm.sessions.login")
    user_logged_out.connect(on_logged_out, dispatch_uid="crm.access_log.logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="crm.access_log.login_failed")
    m2m_changed.connect(
        on_groups_changed, sender=User.groups.through, dispatch_uid="crm.access_log.groups"
    )
    m2m_changed.connect(
        on_permissions_changed,
        sender=User.user_permissions.through,
        dispatch_uid="crm.access_log.permissions",
    )
