"""Django validators wrapping the pure checks (customers/uscc.py)."""

from django.core.exceptions import ValidationError

from .uscc import validate_uscc


def uscc_validator(value) -> None:
    """Raise ValidationError with the exact problem of an invalid USCC."""
    try:
        validate_uscc(value)
    except ValueError as exc:
        raise ValidationError(str(exc), code="invalid_uscc") from exc
