"""Facts for the risk app's `contact_overdue` and `complaint_sla_breach` alerts.

The risk issue owns alerts; it calls these two functions from its rules job (which runs after
`interactions.sla_check` and `interactions.cadence`) and opens one alert per customer.
"""

from datetime import date

from customers.models import Customer

from .choices import RequestKind, RequestStatus
from .models import ServiceRequest
from .selectors import customers_past_contact_interval


def contact_overdue_facts(*, as_of: date) -> list[dict]:
    """One entry per customer past its contact interval: the alert's `details`."""
    return [
        {
            "customer_id": status.customer_id,
            "loan_stage": status.loan_stage,
            "interval_days": status.interval_days,
            "last_contact": status.last_contact.isoformat() if status.last_contact else None,
            "next_due": status.next_due.isoformat(),
            "days_overdue": status.days_overdue(as_of),
        }
        for status in customers_past_contact_interval(Customer.objects.all(), as_of=as_of)
    ]


def complaint_sla_breach_facts() -> list[dict]:
    """One entry per open complaint flagged as breached by `interactions.sla_check`."""
    rows = (
        ServiceRequest.objects.filter(kind=RequestKind.COMPLAINT, sla_breached=True)
        .exclude(status=RequestStatus.CLOSED)
        .order_by("customer_id", "received_at")
        .values("pk", "customer_id", "received_at", "reply_due_at", "status", "owner_id")
    )
    return [
        {
            "customer_id": row["customer_id"],
            "service_request_id": row["pk"],
            "received_at": row["received_at"].isoformat(),
            "reply_due_at": row["reply_due_at"].isoformat(),
            "status": row["status"],
            "owner_id": row["owner_id"],
        }
        for row in rows
    ]
