"""Masking (脱敏) of sensitive personal numbers, DOMAIN.md §8 and §10.

ID numbers keep their first 4 and last 4 characters, phone numbers their first 3 and last 4;
everything between becomes `*`. Users holding `customers.view_sensitive` may reveal the full
value, and every reveal is written to the access log.
"""

VIEW_SENSITIVE_PERMISSION = "customers.view_sensitive"


def mask_middle(value: str | None, *, keep_start: int, keep_end: int) -> str:
    """Replace all but the first `keep_start` and last `keep_end` characters with `*`."""
    if not value:
        return ""
    value = str(value)
    if len(value) <= keep_start + keep_end:
        # Too short to keep both ends without showing it whole: hide all of it.
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def mask_id_number(value: str | None) -> str:
    """`110101199003071234` → `1101**********1234`."""
    return mask_middle(value, keep_start=4, keep_end=4)


def mask_phone(value: str | None) -> str:
    """`13812345678` → `138****5678`."""
    return mask_middle(value, keep_start=3, keep_end=4)


def can_view_sensitive(user) -> bool:
    """True when the user may see sensitive numbers unmasked."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.has_perm(VIEW_SENSITIVE_PERMISSION)


def mask_text(value: str | None) -> str:
    """Free text such as soft information (软信息): nothing of it is shown, only that it exists."""
    return "******" if value else ""
