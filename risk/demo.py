"""Demo data of the risk app for `seed_demo`: settings always; alerts for the small portfolio."""

from django.db import transaction
from django.utils import timezone

from crm.jobs import get_job, run_job
from crm.models import User
from customers.models import Customer

from . import services
from .choices import ManualCategory, RiskEventKind, RuleCode, Severity
from .defaults import ensure_defaults
from .models import Alert, RiskEvent

DEMO_EVENT_TITLE = "Tighter environmental rules for heavy industry 重污染行业环保限产"
DEMO_MANUAL = (
    (ManualCategory.LITIGATION, Severity.ORANGE, "Sued by a supplier for CNY 3.2 m 供应商诉讼",
     "Court filing seen on the public court register 裁判文书网."),
    (ManualCategory.EXECUTIVE_CHANGE, Severity.YELLOW, "CFO resigned 财务总监离职",
     "Reported by the RM after the quarterly visit."),
)  # fmt: skip


def seed(*, scale: str, stdout) -> None:
    """Rule settings and scorecard; for `small`, a few manual alerts, an event and a night's run."""
    ensure_defaults()
    if scale != "small":
        stdout.write("risk: rule settings and scorecard ready")
        return
    risk_officer = User.objects.filter(username="risk1").first()
    customers = list(Customer.objects.order_by("pk")[:4])
    if risk_officer is not None and customers:
        with transaction.atomic():
            _seed_people_alerts(risk_officer, customers)
            _seed_post_loan_checks()
    today = timezone.localdate()
    run = run_job(get_job("risk.nightly"), as_of=today, triggered_by="seed_demo")
    stdout.write(f"risk: {run.summary}")


def _seed_people_alerts(risk_officer, customers) -> None:
    for customer, (category, severity, message, facts) in zip(customers, DEMO_MANUAL, strict=False):
        if not Alert.objects.filter(
            customer=customer, rule=RuleCode.MANUAL, message=message
        ).exists():
            services.alert_raise_manual(
                user=risk_officer, customer=customer, category=category, severity=severity,
                message=message, details={"facts": facts},
            )  # fmt: skip
    if not RiskEvent.objects.filter(title=DEMO_EVENT_TITLE).exists():
        services.risk_event_record(
            user=risk_officer, kind=RiskEventKind.POLICY, title=DEMO_EVENT_TITLE,
            severity=Severity.YELLOW, occurred_on=timezone.localdate(),
            industries=[customers[-1].industry],
            description="Production limits in winter months; check affected borrowers' cash flow.",
        )  # fmt: skip


def _seed_post_loan_checks() -> None:
    """Most loans checked recently, one with funds diverted, a few never checked (once)."""
    from datetime import timedelta

    from loans.models import Loan

    from .models import PostLoanCheck

    if PostLoanCheck.objects.exists():
        return
    today = timezone.localdate()
    loans = Loan.objects.active().select_related("customer__relationship_manager").order_by("pk")
    for index, loan in enumerate(loans):
        if index % 5 == 0:
            continue  # left unchecked: the nightly run flags them
        misuse = index == 1
        services.post_loan_check_record(
            loan=loan,
            user=loan.customer.relationship_manager,
            checked_on=max(loan.disbursed_on, today - timedelta(days=40)),
            method="on_site" if index % 2 else "account_flow",
            loan_usage=(
                "CNY 400k transferred to a property developer 资金流向房地产公司"
                if misuse
                else "Raw materials and wages as agreed 按约定用途使用"
            ),
            purpose_compliant=not misuse,
            findings="Invoices checked against the bank statement 发票与流水核对一致",
        )
