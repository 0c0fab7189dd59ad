"""Pluggable SMS gateways. A bank plugs in its own by subclassing `BaseSmsBackend`.

Contract (docs/operations.md, "SMS gateway"):
- `send(*, to, text, reference)` sends one message and returns the gateway's message id.
- `reference` is stable per delivery (e.g. "crm-delivery-42"); pass it to the gateway as the
  client reference so that the gateway, too, can refuse a duplicate.
- Raise `SmsDeliveryError` for a failure worth retrying (timeouts, 5xx, throttling) and
  `SmsRejected` for one that is not (invalid number, blocked recipient): the delivery is then
  failed at once instead of retried.
Select a backend with `SMS_BACKEND` (dotted path); an empty value switches SMS off.
"""

import logging
import threading

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsDeliveryError(Exception):
    """The gateway did not take the message this time; try again later."""


class SmsRejected(SmsDeliveryError):
    """The gateway refused the message for good; retrying cannot help."""


class BaseSmsBackend:
    """The interface every SMS gateway backend implements."""

    def send(self, *, to: str, text: str, reference: str) -> str:
        """Send `text` to the phone number `to`; return the gateway's message id."""
        raise NotImplementedError


class LoggingSmsBackend(BaseSmsBackend):
    """The default: writes each message to the log instead of sending it (development)."""

    def send(self, *, to: str, text: str, reference: str) -> str:
        masked = f"{to[:3]}****{to[-4:]}" if len(to) >= 7 else "****"
        logger.info("SMS %s to %s: %s", reference, masked, text)
        return f"log-{reference}"


class MemorySmsBackend(BaseSmsBackend):
    """Keeps sent messages in `MemorySmsBackend.outbox` (tests, like Django's locmem email)."""

    outbox: list[dict] = []
    _lock = threading.Lock()

    def send(self, *, to: str, text: str, reference: str) -> str:
        with self._lock:
            self.outbox.append({"to": to, "text": text, "reference": reference})
        return f"memory-{reference}"


def sms_enabled() -> bool:
    """True when a gateway is configured (API.md: "SMS where a gateway is configured")."""
    return bool(settings.SMS_BACKEND)


def get_sms_backend() -> BaseSmsBackend:
    """An instance of the configured backend."""
    return import_string(settings.SMS_BACKEND)()
