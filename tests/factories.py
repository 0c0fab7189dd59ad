"""factory_boy factories shared by the whole suite."""

import factory
from django.contrib.auth.models import Group

from crm.models import Team, User
from crm.roles import Role
from customers.models import Customer, Industry
from customers.uscc import uscc_check_character

TEST_PASSWORD = "correct-horse-battery-42"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")
    branch = "Shanghai"


class UserFactory(factory.django.DjangoModelFactory):
    """A user; pass `role=Role.X` to put them in that group."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@bank.example")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


def make_uscc(n: int, *, prefix: str = "91") -> str:
    """A valid, distinct USCC for test number n (enterprise prefix 91, Shanghai division)."""
    first17 = f"{prefix}310000{n:09d}"
    return first17 + uscc_check_character(first17)


class CustomerFactory(factory.django.DjangoModelFactory):
    """A corporate customer with a valid USCC; pass `relationship_manager=`."""

    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"Customer {n} Co., Ltd.")
    uscc = factory.Sequence(make_uscc)
    legal_form = "enterprise"
    # get_or_create: transactional tests flush the rows the data migration loaded.
    industry = factory.LazyFunction(
        lambda: Industry.objects.get_or_create(code="C", defaults={"name": "Manufacturing"})[0]
    )
    size = "medium"
    region = "Shanghai"
    relationship_manager = factory.SubFactory(UserFactory, role=Role.RELATIONSHIP_MANAGER)


def make_user(
    role: str | None = None, *, team: Team | None = None, lead_of: Team | None = None, **fields
) -> User:
    """A user with a role, optionally in a team or leading one."""
    user = UserFactory(role=role, team=team or lead_of, **fields)
    if lead_of is not None:
        lead_of.lead = user
        lead_of.save(update_fields=["lead"])
    return user


__all__ = [
    "TEST_PASSWORD",
    "CustomerFactory",
    "Role",
    "TeamFactory",
    "UserFactory",
    "make_user",
    "make_uscc",
]


# --- customers issue: contacts, statements and needs -------------------------------------


class ContactFactory(factory.django.DjangoModelFactory):
    """A contact of a customer; pass `customer=`."""

    class Meta:
        model = "customers.Contact"

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    role = "finance"
    position = "CFO"
    phone = "13812345678"
    id_number = "110101199003071234"
    email = factory.Sequence(lambda n: f"contact{n}@company.example")


class FinancialStatementFactory(factory.django.DjangoModelFactory):
    """A period's figures (ratios are computed by the service, not by this factory)."""

    class Meta:
        model = "customers.FinancialStatement"

    customer = factory.SubFactory(CustomerFactory)
    period_end = factory.Sequence(lambda n: f"{2000 + n % 50}-12-31")
    revenue = "1000000.00"
    total_assets = "2000000.00"
    total_liabilities = "1000000.00"


# --- interactions ---------------------------------------------------------------------------


def make_interaction(customer, *, occurred_at=None, channel="phone", user=None, **fields):
    """A logged contact through the service (so follow-up tasks are created as in real use)."""
    from django.utils import timezone

    from interactions.services import interaction_create

    return interaction_create(
        user=user or customer.relationship_manager,
        customer=customer,
        channel=channel,
        purpose=fields.pop("purpose", "regular_visit"),
        occurred_at=occurred_at or timezone.now(),
        summary=fields.pop("summary", "Discussed working-capital needs."),
        **fields,
    )


def make_service_request(customer, *, received_at=None, kind="complaint", user=None, **fields):
    """A received service request through the service (SLA clocks set as in real use)."""
    from interactions.services import service_request_create

    return service_request_create(
        user=user or customer.relationship_manager,
        customer=customer,
        kind=kind,
        summary=fields.pop("summary", "Statement arrived late."),
        received_at=received_at,
        **fields,
    )


# --- risk -------------------------------------------------------------------------------------


def _risk_raised_on():
    from datetime import date

    return date(2026, 3, 2)


def _risk_due_at():
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() + timedelta(hours=24)


class AlertFactory(factory.django.DjangoModelFactory):
    """An open rule alert about a customer; pass `customer=`."""

    class Meta:
        model = "risk.Alert"

    customer = factory.SubFactory(CustomerFactory)
    rule = "debt_ratio_high"
    severity = "orange"
    status = "open"
    message = "Debt-to-asset ratio 0.85 at or above 0.80"
    details = factory.LazyFunction(lambda: {"debt_to_asset": "0.8500", "threshold": "0.80"})
    raised_on = factory.LazyFunction(_risk_raised_on)
    last_seen_on = factory.LazyAttribute(lambda a: a.raised_on)
    due_at = factory.LazyFunction(_risk_due_at)


__all__ += ["AlertFactory"]
