"""Model fields encrypted at rest (DOMAIN.md §8): sensitive personal numbers never reach the
database in clear text.

Values are encrypted with `cryptography`'s MultiFernet using `settings.FIELD_ENCRYPTION_KEYS`
(comma-separated in the environment, first = current). Every key decrypts and only the first
encrypts, so a new key is put first, `rotate_field_keys` re-encrypts, then the old key goes.
Fernet tokens are randomised: an encrypted column cannot be searched or made unique.
"""

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


def _development_key() -> bytes:
    """A stable key derived from SECRET_KEY, only ever used with DEBUG on."""
    digest = hashlib.sha256(b"crm.fields:" + settings.SECRET_KEY.encode()).digest()
    return base64.urlsafe_b64encode(digest)


@lru_cache(maxsize=8)
def _multi_fernet(keys: tuple[str, ...], secret: str) -> MultiFernet:
    """The MultiFernet for one key configuration (cached; settings rarely change)."""
    if not keys:
        # crm/settings.py refuses to start in production without keys, so this is DEBUG.
        return MultiFernet([Fernet(_development_key())])
    try:
        return MultiFernet([Fernet(key.strip().encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS holds an invalid key: {exc}") from exc


def field_cipher() -> MultiFernet:
    """The cipher for the current settings."""
    keys = tuple(getattr(settings, "FIELD_ENCRYPTION_KEYS", ()) or ())
    return _multi_fernet(keys, settings.SECRET_KEY)


def encrypt_value(value: str) -> str:
    """Encrypt text with the current key."""
    return field_cipher().encrypt(value.encode()).decode()


def decrypt_value(token: str) -> str:
    """Decrypt a token made with any configured key."""
    try:
        return field_cipher().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        # A wrong or removed key must fail loudly, not show ciphertext as if it were data.
        raise ImproperlyConfigured(
            "An encrypted field could not be decrypted with FIELD_ENCRYPTION_KEYS."
        ) from exc


def rotate_value(token: str) -> str:
    """Re-encrypt a token with the current key (for key rotation)."""
    return field_cipher().rotate(token.encode()).decode()


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token; empty and null values are stored as they are."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_value(str(value))

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt_value(value)
