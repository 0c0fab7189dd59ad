"""Demo contacts, follow-ups, service requests (one breached) and survey answers. Idempotent."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from customers.models import Customer

from . import jobs, services
from .choices import Channel, Purpose, SurveyDimension
from .models import Interaction, ServiceRequest, SurveyResponse

CUSTOMERS_BY_SCALE = {"small": 40, "bank": 300}

SUMMARIES = (
    (
        "Orders up on last quarter; asked about a larger working-capital line.",
        "Send limit proposal",
    ),
    (
        "Walked the new production line; capex plan for next year discussed.",
        "Prepare FAL term sheet",
    ),
    ("Explained the approval timetable and documents still missing.", "Chase audited statements"),
    ("Reminded finance of the installment due next week.", ""),
    (
        "Customer worried about raw-material prices; margins under pressure.",
        "Review cash-flow forecast",
    ),
    ("Introduced the supply-chain finance product.", ""),
)


@transaction.atomic
def seed(*, scale: str, stdout) -> None:
    """Add interactions, tasks, service requests and surveys to customers that have none."""
    now = timezone.now()
    today = timezone.localdate()
    customers = list(
        Customer.objects.select_related("relationship_manager").order_by("pk")[
            : CUSTOMERS_BY_SCALE.get(scale, 40)
        ]
    )
    if not customers:
        stdout.write("interactions: no customers to seed")
        return
    seeded = set(
        Interaction.objects.filter(customer__in=customers).values_list("customer_id", flat=True)
    )
    counts = {"interactions": 0, "requests": 0, "surveys": 0}
    for index, customer in enumerate(customers):
        if customer.pk in seeded:
            continue
        rnd = random.Random(customer.pk)
        rm = customer.relationship_manager
        # The customers demo gives most customers contacts; the first one takes part in visits.
        met = list(customer.contacts.only("id", "customer_id")[:1])
        for step in range(3):
            summary, next_action = SUMMARIES[(index + step) % len(SUMMARIES)]
            occurred = now - timedelta(days=rnd.randint(2, 120), hours=rnd.randint(0, 8))
            due = timezone.localdate(occurred) + timedelta(days=rnd.randint(3, 20))
            services.interaction_create(
                user=rm,
                customer=customer,
                channel=rnd.choice([Channel.PHONE, Channel.ONSITE_VISIT, Channel.WECHAT]),
                purpose=rnd.choice([Purpose.REGULAR_VISIT, Purpose.NEEDS_INTERVIEW]),
                occurred_at=occurred,
                summary=summary,
                contacts=met,
                contact_names="" if met else "Finance manager",
                next_action=next_action if step == 0 else "",
                next_action_due=due if next_action and step == 0 else None,
            )
            counts["interactions"] += 1
        if index % 4 == 0 and not ServiceRequest.objects.filter(customer=customer).exists():
            # Every fourth customer complained; the first complaint was never touched.
            services.service_request_create(
                user=rm,
                customer=customer,
                kind="complaint" if index % 8 == 0 else "inquiry",
                summary="Statement for last month arrived late."
                if index % 8 == 0
                else "Asked how to extend the drawdown period.",
                received_at=now - timedelta(hours=30 if index == 0 else 3),
                urgency="medium",
            )
            counts["requests"] += 1
        if index % 3 == 0 and not SurveyResponse.objects.filter(customer=customer).exists():
            services.survey_response_create(
                user=rm,
                customer=customer,
                responded_on=today - timedelta(days=rnd.randint(1, 200)),
                nps=rnd.choice([10, 9, 9, 8, 7, 6, 3]),
                csat={code: rnd.randint(2, 5) for code in SurveyDimension.values},
                respondent="Finance manager",
            )
            counts["surveys"] += 1
    # Flag and escalate the untouched complaint as the nightly job would.
    jobs.sla_check(as_of=today)
    stdout.write(
        f"interactions: {counts['interactions']} contacts, {counts['requests']} service "
        f"requests, {counts['surveys']} survey responses"
    )
