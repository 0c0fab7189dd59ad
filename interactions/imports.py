"""Import of survey responses collected offline: all rows valid, or nothing is saved."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from crm.exceptions import DomainError
from customers.models import Customer

from .choices import SurveyChannel, SurveyDimension
from .services import survey_response_create


def _parse_int(value: str):
    value = (value or "").strip()
    if value == "":
        return None
    return int(value)


def import_survey_responses(*, user, rows) -> tuple[int, list[dict]]:
    """Create one response per CSV row (`customer`, `responded_on`, `nps`, dimension codes).

    Returns (created, errors); with any error nothing is saved.
    """
    rows = list(rows)
    customer_ids = set()
    for row in rows:
        try:
            customer_ids.add(int(row.get("customer") or ""))
        except ValueError:
            pass
    visible = {c.pk: c for c in Customer.objects.visible_to(user).filter(pk__in=customer_ids)}
    errors: list[dict] = []
    created = 0
    with transaction.atomic():
        for number, row in enumerate(rows, start=2):  # row 1 is the header
            try:
                customer = visible.get(int(row.get("customer") or ""))
            except ValueError:
                customer = None
            if customer is None:
                errors.append(
                    {"row": number, "field": "customer", "message": _("Unknown customer.")}
                )
                continue
            try:
                responded_on = date.fromisoformat((row.get("responded_on") or "").strip())
            except ValueError:
                errors.append(
                    {
                        "row": number,
                        "field": "responded_on",
                        "message": _("Use YYYY-MM-DD."),
                    }
                )
                continue
            try:
                nps = _parse_int(row.get("nps"))
                csat = {
                    code: score
                    for code in SurveyDimension.values
                    if (score := _parse_int(row.get(code))) is not None
                }
            except ValueError:
                errors.append(
                    {"row": number, "field": "csat", "message": _("Scores are whole numbers.")}
                )
                continue
            try:
                with transaction.atomic():
                    survey_response_create(
                        user=user,
                        customer=customer,
                        responded_on=responded_on,
                        csat=csat,
                        nps=nps,
                        channel=SurveyChannel.IMPORT,
                        respondent=(row.get("respondent") or "").strip()[:100],
                        comment=(row.get("comment") or "").strip(),
                    )
                created += 1
            except DomainError as exc:
                errors.append({"row": number, "field": exc.field, "message": exc.message})
        if errors:
            transaction.set_rollback(True)
            return 0, errors
    return created, []
