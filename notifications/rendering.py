"""Message texts: email subject/body and SMS from templates, in English or Chinese.

Customer-facing texts have one template per language (templates/notifications/email/ and
sms/), so the Chinese wording is written by people who write Chinese letters to customers rather
than assembled from translated fragments. A kind without its own template uses "generic".
"""

from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string, select_template
from django.utils import translation

LANGUAGES = ("en", "zh-hans")


def _language(language: str) -> str:
    return language if language in LANGUAGES else "en"


def _render(folder: str, kind: str, part: str, language: str, context: dict) -> str:
    names = [
        f"notifications/{folder}/{kind}.{part}.{language}.txt",
        f"notifications/{folder}/generic.{part}.{language}.txt",
    ]
    with translation.override(language):
        template = select_template(names)
        return template.render(context).strip()


def render_email(kind: str, *, language: str, context: dict) -> tuple[str, str]:
    """(subject, body) of an email of this kind."""
    language = _language(language)
    subject = " ".join(_render("email", kind, "subject", language, context).split())
    return subject[:200], _render("email", kind, "body", language, context)


def render_sms(kind: str, *, language: str, context: dict) -> str:
    """The SMS text of this kind (short: one or two SMS segments)."""
    return " ".join(_render("sms", kind, "text", _language(language), context).split())


def render_in_app(kind: str, *, context: dict) -> str:
    """The one-line in-app message for staff, in the site's language."""
    try:
        text = render_to_string(f"notifications/in_app/{kind}.txt", context)
    except TemplateDoesNotExist:
        text = render_to_string("notifications/in_app/generic.txt", context)
    return " ".join(text.split())
