"""Writes of the shared base: the data-access log."""

from .models import AccessLog


def client_ip(request) -> str | None:
    """The caller's address: REMOTE_ADDR (a proxy in front sets it via its own middleware)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def access_log_record(
    *,
    user,
    action: str,
    category: str,
    customer=None,
    request=None,
    ip: str | None = None,
    detail: str = "",
) -> AccessLog:
    """Append one entry to the access log (export, import, unmask, view of customer data)."""
    return AccessLog.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        category=category,
        customer=customer,
        ip=ip or client_ip(request),
        detail=detail[:4000],
    )
