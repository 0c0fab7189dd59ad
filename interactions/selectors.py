"""Reads of the interactions app; every query starts from `visible_to(user)`."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf, TruncDate, TruncMonth
from django.utils import timezone

from crm.config_cache import config_cache
from customers.models import Contact, Customer
from loans.choices import ApplicationStatus, LoanStatus
from loans.models import Loan, LoanApplication

from . import survey_maths
from .choices import (
    PROACTIVE_CHANNELS,
    Channel,
    LoanStage,
    RequestStatus,
    TaskStatus,
    VisitStatus,
)
from .models import (
    ContactPolicy,
    ImprovementAction,
    Interaction,
    ServiceRequest,
    SurveyResponse,
    SurveyScore,
    Task,
    VisitPlan,
    VisitPolicy,
)

# Stage intervals used when an admin removed a policy row (DOMAIN.md §10).
FALLBACK_INTERVAL_DAYS = {
    LoanStage.APPLICATION: 7,
    LoanStage.APPROVAL: 7,
    LoanStage.POST_LOAN: 90,
}
FALLBACK_VISIT_DAYS = 180
# Application statuses that mean "still with the customer" vs "with the bank" (rejected and
# disbursed applications say nothing: a disbursed one is an active loan by then).
_APPLICATION_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)
_APPROVAL_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.UNDER_REVIEW,
    ApplicationStatus.APPROVED,
    ApplicationStatus.CONTRACT_SIGNED,
)


def end_of_day(day: date) -> datetime:
    """The first instant after `day` in the business time zone."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def check_moment(as_of: date) -> datetime:
    """When a daily job for `as_of` looks at the clocks: now, or the end of a past day."""
    return min(timezone.now(), end_of_day(as_of))


# --- Loan stage and contacts ---------------------------------------------------------------


def _stage_annotations() -> dict:
    """What decides a customer's loan stage, as annotations of a customer queryset."""
    applications = LoanApplication.objects.filter(customer=OuterRef("pk"))
    return {
        "preparing": Exists(applications.filter(status__in=_APPLICATION_STATUSES)),
        "with_bank": Exists(applications.filter(status__in=_APPROVAL_STATUSES)),
        "borrowing": Exists(Loan.objects.filter(customer=OuterRef("pk"), status=LoanStatus.ACTIVE)),
    }


def _stage(lifecycle: str, preparing: bool, with_bank: bool, borrowing: bool) -> str:
    # When a customer is in several stages at once, the stage contacted most often wins.
    if preparing:
        return LoanStage.APPLICATION
    if with_bank:
        return LoanStage.APPROVAL
    if borrowing:
        return LoanStage.POST_LOAN
    if lifecycle in ("prospect", "new"):
        return LoanStage.APPLICATION
    return LoanStage.POST_LOAN


def loan_stage_by_customer(customer_ids) -> dict[int, str]:
    """Each customer's loan stage for the contact policy: application, approval or post-loan.

    An application the customer is still preparing (draft, returned) is the application stage;
    one with the bank (submitted to contract signed) is approval; an active loan is post-loan.
    Customers with none of these (settled or rejected only, or nothing yet) fall back to their
    lifecycle: prospects and new customers are in application, the others post-loan. One query.
    """
    rows = (
        Customer.objects.filter(pk__in=list(customer_ids))
        .annotate(**_stage_annotations())
        .values_list("pk", "lifecycle_stage", "preparing", "with_bank", "borrowing")
    )
    return {pk: _stage(*flags) for pk, *flags in rows}


def contacts_with_birthdays_between(start: date, end: date, *, customers=None):
    """Contacts whose birthday (any year) falls in [start, end], as (contact, that day) pairs.

    A 29 February birthday is kept on 28 February in years without a 29th. `customers` limits
    the search to a customer queryset.
    """
    by_month_day = {}
    day = start
    while day <= end:
        by_month_day[(day.month, day.day)] = day
        if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
            by_month_day[(2, 29)] = day
        day += timedelta(days=1)
    q = Q(pk__in=[])
    for month, day_of_month in by_month_day:
        q |= Q(birthday__month=month, birthday__day=day_of_month)
    contacts = (
        Contact.objects.filter(birthday__isnull=False)
        .filter(q)
        .select_related("customer")
        # Only what greetings show: the encrypted phone and ID number are not decrypted here.
        .only(
            "id",
            "name",
            "birthday",
            "customer__id",
            "customer__name",
            "customer__relationship_manager_id",
        )
    )
    if customers is not None:
        contacts = contacts.filter(customer__in=customers)
    return [(c, by_month_day[(c.birthday.month, c.birthday.day)]) for c in contacts]


# --- Contact cadence -----------------------------------------------------------------------


@dataclass(frozen=True)
class ContactStatus:
    """A customer's contact clock: last contact, interval, when the next contact is due."""

    customer_id: int
    customer_name: str
    relationship_manager_id: int
    loan_stage: str
    interval_days: int
    overridden: bool
    last_contact: date | None
    next_due: date

    def days_overdue(self, as_of: date) -> int:
        return max((as_of - self.next_due).days, 0)


@config_cache("contact-policy", ContactPolicy)
def policy_table() -> dict[tuple[str, str, str], int]:
    """The contact intervals as {(stage, tier, risk level): days}: one query, then cached."""
    return {
        (p.loan_stage, p.tier, p.risk_level): p.interval_days for p in ContactPolicy.objects.all()
    }


@config_cache("visit-policy", VisitPolicy)
def visit_intervals() -> dict[str, int]:
    """The on-site visit interval of each tier, {tier: days}: one query, then cached."""
    return dict(VisitPolicy.objects.values_list("tier", "interval_days"))


def interval_for(policies, *, loan_stage: str, tier: str, risk_level: str) -> int:
    """The interval for one stage × tier × risk level, with the stage default as a fallback."""
    return policies.get((loan_stage, tier, risk_level), FALLBACK_INTERVAL_DAYS.get(loan_stage, 90))


def _interval_case(policies) -> Case:
    """`interval_for` of `_stage` in SQL: a CASE on the stage flags (each EXISTS written once),
    then on tier and risk level from the policy table, else the stage's fallback."""

    def by_tier_and_risk(stage: str) -> Case:
        return Case(
            *(
                When(tier=tier, risk_level=risk, then=Value(days))
                for (row_stage, tier, risk), days in sorted(policies.items())
                if row_stage == stage
            ),
            default=Value(FALLBACK_INTERVAL_DAYS.get(stage, 90)),
            output_field=IntegerField(),
        )

    return Case(
        When(preparing=True, then=by_tier_and_risk(LoanStage.APPLICATION)),
        When(with_bank=True, then=by_tier_and_risk(LoanStage.APPROVAL)),
        When(borrowing=True, then=by_tier_and_risk(LoanStage.POST_LOAN)),
        When(
            lifecycle_stage__in=("prospect", "new"),
            then=by_tier_and_risk(LoanStage.APPLICATION),
        ),
        default=by_tier_and_risk(LoanStage.POST_LOAN),
        output_field=IntegerField(),
    )


def _contact_facts(customers, *, as_of: date):
    """Customers (churned excluded) with what their contact clock depends on: the last contact
    (a probe of the (customer, occurred_at) index), the date taken on, an override and the
    loan-stage flags, each evaluated once per row, as local dates."""
    return customers.exclude(lifecycle_stage="churned").annotate(
        last_contact_on=TruncDate(
            Subquery(
                Interaction.objects.filter(
                    customer=OuterRef("pk"), occurred_at__lt=end_of_day(as_of)
                )
                .exclude(channel=Channel.AUTOMATIC)
                .order_by("-occurred_at")
                .values("occurred_at")[:1]
            )
        ),
        created_on=TruncDate("created_at"),
        override_days=F("contact_interval_override__interval_days"),
        **_stage_annotations(),
    )


def contact_statuses(customers, *, as_of: date) -> list[ContactStatus]:
    """The contact clock of every customer in the queryset (churned excluded): one query, the
    stage and interval worked out here (the whole portfolio, for the nightly job)."""
    rows = _contact_facts(customers, as_of=as_of).values_list(
        "id",
        "name",
        "relationship_manager_id",
        "tier",
        "risk_level",
        "created_on",
        "last_contact_on",
        "override_days",
        "lifecycle_stage",
        "preparing",
        "with_bank",
        "borrowing",
    )
    policies = policy_table()
    statuses = []
    for pk, name, manager_id, tier, risk, created_on, last, override, *flags in rows:
        stage = _stage(*flags)
        interval = override or interval_for(policies, loan_stage=stage, tier=tier, risk_level=risk)
        statuses.append(
            ContactStatus(
                customer_id=pk,
                customer_name=name,
                relationship_manager_id=manager_id,
                loan_stage=stage,
                interval_days=interval,
                overridden=override is not None,
                last_contact=last,
                # Never contacted: the clock started when the customer was taken on.
                next_due=(last or created_on) + timedelta(days=interval),
            )
        )
    return statuses


def customers_past_contact_interval(
    customers, *, as_of: date, limit: int | None = None
) -> list[ContactStatus]:
    """Customers whose next contact was due before `as_of`, most overdue first.

    With a `limit` (the worklist: one RM's customers, 21 rows shown) the database computes the
    stage, interval and due date, filters and orders, and returns `limit` rows. Without (the
    nightly job: the whole portfolio) one pass of `contact_statuses`: in SQL the stage's
    EXISTS probes would be evaluated again in every expression that uses them, which costs
    seconds over 50,000 customers. A test holds both to the same answer.
    """
    if limit is None:
        overdue = [s for s in contact_statuses(customers, as_of=as_of) if s.next_due < as_of]
        overdue.sort(key=lambda s: (s.next_due, s.customer_name, s.customer_id))
        return overdue
    # Ordered by due date, so the overdue come first: the first `limit` rows hold every overdue
    # row shown, and the ones not yet due are dropped here (a WHERE on the due date would
    # repeat its whole expression in the SQL).
    rows = (
        _contact_facts(customers, as_of=as_of)
        .annotate(
            next_due=ExpressionWrapper(
                Coalesce(F("last_contact_on"), F("created_on"))
                + Coalesce(NullIf(F("override_days"), Value(0)), _interval_case(policy_table())),
                output_field=DateField(),
            )
        )
        .order_by("next_due", "name", "id")
        .values_list(
            "id",
            "name",
            "relationship_manager_id",
            "created_on",
            "last_contact_on",
            "override_days",
            "next_due",
            "lifecycle_stage",
            "preparing",
            "with_bank",
            "borrowing",
        )[:limit]
    )
    return [
        ContactStatus(
            customer_id=pk,
            customer_name=name,
            relationship_manager_id=manager_id,
            loan_stage=_stage(*flags),
            interval_days=(next_due - (last or created_on)).days,
            overridden=override is not None,
            last_contact=last,
            next_due=next_due,
        )
        for pk, name, manager_id, created_on, last, override, next_due, *flags in rows
        if next_due < as_of
    ]


@dataclass(frozen=True)
class VisitDue:
    """A customer whose on-site visit is overdue and not yet planned."""

    customer_id: int
    customer_name: str
    relationship_manager_id: int
    interval_days: int
    last_visit: date | None
    next_due: date


def customers_due_for_visit(customers, *, as_of: date, limit: int | None = None) -> list[VisitDue]:
    """Active customers past their tier's on-site visit interval with no visit planned, most
    overdue first (the first `limit`), filtered and ordered by the database."""
    intervals = visit_intervals()
    planned = VisitPlan.objects.filter(
        customer=OuterRef("pk"), status=VisitStatus.PLANNED, planned_for__gte=as_of
    )
    rows = (
        customers.filter(lifecycle_stage__in=("new", "established", "at_risk"))
        .annotate(
            # The last visit by the partial index on visits: one probe per customer.
            last_visit_on=TruncDate(
                Subquery(
                    Interaction.objects.filter(
                        customer=OuterRef("pk"),
                        channel=Channel.ONSITE_VISIT,
                        occurred_at__lt=end_of_day(as_of),
                    )
                    .order_by("-occurred_at")
                    .values("occurred_at")[:1]
                )
            ),
            interval_days=Case(
                *(When(tier=tier, then=Value(days)) for tier, days in sorted(intervals.items())),
                default=Value(FALLBACK_VISIT_DAYS),
                output_field=IntegerField(),
            ),
        )
        .annotate(
            next_due=ExpressionWrapper(
                Coalesce(F("last_visit_on"), TruncDate("created_at")) + F("interval_days"),
                output_field=DateField(),
            )
        )
        .exclude(Exists(planned))
        .order_by("next_due", "name", "id")
        .values_list(
            "id", "name", "relationship_manager_id", "interval_days", "last_visit_on", "next_due"
        )
    )
    if limit is None:
        rows = rows.filter(next_due__lt=as_of)
    else:
        # Ordered by due date, the overdue come first: the rows not yet due among the first
        # `limit` are dropped below (a WHERE would evaluate the due date a second time).
        rows = rows[:limit]
    return [
        VisitDue(
            customer_id=pk,
            customer_name=name,
            relationship_manager_id=manager_id,
            interval_days=interval,
            last_visit=last,
            next_due=next_due,
        )
        for pk, name, manager_id, interval, last, next_due in rows
        if next_due < as_of
    ]


def proactive_contacts_in_window(customer, *, at: datetime) -> int:
    """How many proactive contacts the customer had in the guard's window ending at `at`."""
    window = timedelta(days=settings.INTERACTIONS_CONTACT_WINDOW_DAYS)
    return Interaction.objects.filter(
        customer=customer,
        channel__in=PROACTIVE_CHANNELS,
        occurred_at__gt=at - window,
        occurred_at__lte=at,
    ).count()


def too_frequent_contact(customer, *, at: datetime) -> bool:
    """True when the customer has been contacted more often than the guard allows."""
    return (
        proactive_contacts_in_window(customer, at=at) > settings.INTERACTIONS_MAX_PROACTIVE_CONTACTS
    )


# --- Lists ------------------------------------------------------------------------------------


def _participants() -> Prefetch:
    """The contacts who took part, as lists show them (no encrypted field is decrypted)."""
    return Prefetch("contacts", queryset=Contact.objects.only("id", "name", "role", "customer_id"))


def interaction_list(*, user):
    """Interactions the user may see, with what list pages show."""
    return (
        Interaction.objects.visible_to(user)
        .select_related("customer", "created_by", "follow_up_task")
        .prefetch_related("staff", _participants())
    )


def task_list(*, user):
    """Tasks the user may see (their own; a lead's team's; everybody's for admins)."""
    return Task.objects.visible_to(user).select_related("owner", "customer")


_LEVEL_RANK = Case(
    When(urgency="high", then=Value(0)),
    When(urgency="medium", then=Value(1)),
    default=Value(2),
)
_IMPORTANCE_RANK = Case(
    When(importance="high", then=Value(0)),
    When(importance="medium", then=Value(1)),
    default=Value(2),
)
# The queue: breached first, then urgency and importance (高 / 中 / 低), then the reply clock.
QUEUE_ORDER = ("-sla_breached", _LEVEL_RANK.asc(), _IMPORTANCE_RANK.asc(), "reply_due_at", "id")


def service_request_list(*, user):
    """Service requests on the user's customers, most urgent first."""
    return ServiceRequest.objects.visible_to(user).select_related("customer", "owner", "created_by")


def survey_response_list(*, user):
    """Survey responses on the user's customers, with their scores."""
    return (
        SurveyResponse.objects.visible_to(user)
        .select_related("customer", "entered_by")
        .prefetch_related("scores")
    )


def visit_plan_list(*, user):
    """Visit plans on the user's customers."""
    return (
        VisitPlan.objects.visible_to(user)
        .select_related("customer", "created_by")
        .prefetch_related("staff", _participants())
    )


def visit_plan_contact_ids(*, user, visit_plan_id) -> list[int]:
    """The contacts a visible visit plan expected (none for a bad or out-of-scope id)."""
    try:
        visit_plan_id = int(visit_plan_id)
    except (TypeError, ValueError):
        return []
    return list(
        VisitPlan.contacts.through.objects.filter(
            visitplan__in=VisitPlan.objects.visible_to(user).filter(pk=visit_plan_id)
        ).values_list("contact_id", flat=True)
    )


def improvement_action_list(*, user):
    """Improvement actions owned by the user (a lead: their team's)."""
    return ImprovementAction.objects.visible_to(user).select_related("owner")


def open_requests_near_sla(*, user, now: datetime):
    """Open requests past or within the warning window of a deadline, soonest first."""
    horizon = now + timedelta(hours=settings.INTERACTIONS_SLA_WARNING_HOURS)
    return (
        service_request_list(user=user)
        .exclude(status=RequestStatus.CLOSED)
        .filter(
            Q(sla_breached=True)
            | Q(first_handled_at__isnull=True, first_handling_due_at__lte=horizon)
            | Q(replied_at__isnull=True, reply_due_at__lte=horizon)
        )
        .order_by("reply_due_at", "id")
    )


def open_tasks_due(*, user, until: date):
    """The user's own open tasks due by `until`, oldest first."""
    return (
        Task.objects.filter(owner=user, status=TaskStatus.OPEN, due_date__lte=until)
        .select_related("customer")
        .order_by("due_date", "id")
    )


# --- Survey summary -------------------------------------------------------------------------


def survey_summary(responses) -> dict:
    """API.md's summary of valid responses: count, NPS, CSAT mean per dimension, top-2 share.

    Three aggregate queries whatever the number of responses.
    """
    responses = responses.filter(is_valid=True)
    bands = responses.aggregate(
        responses=Count("id"),
        promoters=Count("id", filter=Q(nps__gte=survey_maths.PROMOTER_MIN)),
        detractors=Count("id", filter=Q(nps__lte=survey_maths.DETRACTOR_MAX)),
        answered=Count("nps"),
    )
    counts = survey_maths.NpsCounts(
        promoters=bands["promoters"],
        detractors=bands["detractors"],
        passives=bands["answered"] - bands["promoters"] - bands["detractors"],
    )
    scores = SurveyScore.objects.filter(response__in=responses.values("pk"))
    per_dimension = scores.values("dimension").annotate(total=Sum("score"), n=Count("id"))
    csat = {
        row["dimension"]: survey_maths.mean(row["total"], row["n"])
        for row in per_dimension.order_by("dimension")
    }
    overall = scores.aggregate(
        total=Sum("score"), n=Count("id"), top2=Count("id", filter=Q(score__gte=4))
    )
    return {
        "responses": bands["responses"],
        "nps": survey_maths.nps_from_counts(counts),
        "csat": csat,
        "csat_overall": survey_maths.mean(overall["total"] or 0, overall["n"]),
        "csat_top2_share": survey_maths.share(overall["top2"], overall["n"]),
    }


def survey_coverage(responses, customers) -> dict:
    """How many of the active customers gave a valid response (DOMAIN.md §9 coverage)."""
    active = customers.exclude(lifecycle_stage__in=("prospect", "churned"))
    total = active.count()
    covered = (
        responses.filter(is_valid=True, customer__in=active).values("customer").distinct().count()
    )
    return {"customers": total, "covered": covered, "share": survey_maths.share(covered, total)}


BREAKDOWNS = {
    "relationship_manager": "customer__relationship_manager__username",
    "team": "customer__relationship_manager__team__name",
    "segment": "customer__segment",
    "month": "month",
}


def survey_breakdown(responses, *, by: str) -> list[dict]:
    """NPS, mean CSAT and top-2 share per RM, team, segment or month; two queries."""
    key = BREAKDOWNS[by]
    responses = responses.filter(is_valid=True)
    if by == "month":
        responses = responses.annotate(month=TruncMonth("responded_on"))
    nps_rows = responses.values(key).annotate(
        responses=Count("id"),
        promoters=Count("id", filter=Q(nps__gte=survey_maths.PROMOTER_MIN)),
        detractors=Count("id", filter=Q(nps__lte=survey_maths.DETRACTOR_MAX)),
        answered=Count("nps"),
    )
    score_key = "response__" + key if by != "month" else "month"
    scores = SurveyScore.objects.filter(response__in=responses.values("pk"))
    if by == "month":
        scores = scores.annotate(month=TruncMonth("response__responded_on"))
    score_rows = {
        row[score_key]: row
        for row in scores.values(score_key).annotate(
            total=Sum("score"), n=Count("id"), top2=Count("id", filter=Q(score__gte=4))
        )
    }
    result = []
    for row in nps_rows.order_by(key):
        group = row[key]
        score = score_rows.get(group, {"total": 0, "n": 0, "top2": 0})
        counts = survey_maths.NpsCounts(
            promoters=row["promoters"],
            detractors=row["detractors"],
            passives=row["answered"] - row["promoters"] - row["detractors"],
        )
        result.append(
            {
                "group": group,
                "responses": row["responses"],
                "nps": survey_maths.nps_from_counts(counts),
                "csat_overall": survey_maths.mean(score["total"] or 0, score["n"]),
                "csat_top2_share": survey_maths.share(score["top2"], score["n"]),
            }
        )
    return result
