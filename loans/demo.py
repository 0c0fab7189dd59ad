"""Demo data of the loans app: the three products always; for `small`, a portfolio.

The portfolio is made through the same services as the pages (so events, approvals and RM tasks
are real) and only when no application exists yet, which keeps `seed_demo` idempotent.
"""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from crm.models import User

from . import services
from .defaults import seed_approval_tiers, seed_products, seed_required_materials
from .jobs import dpd_classification
from .models import ApprovalTier, Installment, LoanApplication, LoanProduct

D = Decimal

# (status to reach, product, amount, term, rate, method, guarantee)
SPREAD = [
    ("draft", "WCL", "800000.00", 12, "4.3500", "equal_installment", "credit"),
    ("submitted", "WCL", "3000000.00", 24, "4.5000", "equal_principal", "credit"),
    ("submitted", "FAL", "12000000.00", 60, "4.9000", "equal_installment", "collateral"),
    ("under_review", "PJL", "30000000.00", 120, "4.9000", "equal_principal", "collateral"),
    ("returned", "WCL", "1500000.00", 12, "5.2000", "interest_only", "guarantee"),
    ("approved", "WCL", "2000000.00", 12, "4.3500", "equal_installment", "credit"),
    ("rejected", "WCL", "900000.00", 6, "6.0000", "bullet", "credit"),
    ("contract_signed", "FAL", "4000000.00", 36, "4.7500", "equal_installment", "collateral"),
]


def _users():
    names = ("rm1", "rm2", "rm3", "approver1", "approver2", "risk1")
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    return users if len(users) == len(names) else None


def _prepare(rm, customer, product, amount, term, rate, method, guarantee):
    today = timezone.localdate()
    product = LoanProduct.objects.get(code=product)
    application = services.application_create(
        user=rm,
        customer=customer,
        product=product,
        amount=D(amount),
        term_months=term,
        annual_rate=D(rate),
        repayment_method=method,
        purpose="Working capital for orders" if product.code == "WCL" else "Plant and equipment",
        guarantee_method=guarantee,
        materials=product.materials_required_for(guarantee),
    )
    if guarantee == "collateral":
        services.collateral_add(
            application=application,
            user=rm,
            kind="real_estate",
            owner_name=customer.name,
            value=(D(amount) * D("1.6")).quantize(D("0.01")),
            valuation_date=today - timedelta(days=30),
            registration_ref=f"沪房抵字 {application.pk:06d}",
            security_interest="mortgage",
        )
    if guarantee == "guarantee":
        services.guarantor_add(
            application=application,
            user=rm,
            kind="institution",
            name="Shanghai Credit Guarantee Co. 上海信用担保有限公司",
            amount=D(amount),
        )
    return application


def _advance(application, status, users, rm):
    """Drive an application to `status` through the services."""
    if status == "draft":
        return
    services.application_submit(application=application, user=rm, comment="Materials complete.")
    if status == "submitted":
        return
    if status == "returned":
        services.application_return(
            application=application, user=users["approver1"], comment="Add the 2024 audit report."
        )
        return
    if status == "rejected":
        services.application_reject(
            application=application, user=users["approver1"], comment="Cash flow too weak."
        )
        return
    services.application_approve(application=application, user=users["approver1"], comment="OK")
    application.refresh_from_db()
    if status == "under_review":
        return
    if application.status != "approved":
        services.application_approve(application=application, user=users["approver2"], comment="OK")
        application.refresh_from_db()
    if application.status != "approved":
        services.application_risk_sign_off(application=application, user=users["risk1"])
    if status == "approved":
        return
    services.application_sign_contract(application=application, user=rm, comment="Signed.")


@transaction.atomic
def seed(*, scale: str, stdout) -> None:
    """Products and tiers always; a demo portfolio for `small` when customers exist."""
    created = seed_products(LoanProduct)
    seed_approval_tiers(ApprovalTier)
    seed_required_materials(LoanProduct)
    stdout.write(f"Loan products ready ({created} created).")
    if scale != "small" or LoanApplication.objects.exists():
        return
    from customers.models import Customer

    users = _users()
    customers = list(Customer.objects.select_related("relationship_manager").order_by("id")[:30])
    if users is None or not customers:
        return
    today = timezone.localdate()
    for index, (status, *terms) in enumerate(SPREAD):
        customer = customers[index % len(customers)]
        rm = customer.relationship_manager
        _advance(_prepare(rm, customer, *terms), status, users, rm)
    # About twenty disbursed loans, a few of them overdue at different DPD.
    overdue_months = {0: 1, 1: 4, 2: 10, 3: 13}
    for index in range(20):
        customer = customers[(index + len(SPREAD)) % len(customers)]
        rm = customer.relationship_manager
        months_ago = 14 if index in overdue_months else 2 + index % 10
        application = _prepare(
            rm,
            customer,
            "WCL",
            f"{(index + 1) * 250000}.00",
            24,
            "4.3500",
            "equal_installment",
            "credit",
        )
        _advance(application, "contract_signed", users, rm)
        loan = services.application_disburse(
            application=application, user=rm, disbursed_on=today - timedelta(days=30 * months_ago)
        )
        due = list(Installment.objects.filter(loan=loan, due_date__lte=today).order_by("number"))
        # overdue loans stop paying some months ago; the rest are paid up to date
        unpaid = overdue_months.get(index, 0)
        for installment in due[: max(0, len(due) - unpaid)]:
            services.repayment_post(
                loan=loan, user=rm, paid_on=installment.due_date, amount=installment.amount
            )
    result = dpd_classification(as_of=today)
    stdout.write(f"Loans demo portfolio ready: {result.summary}")
