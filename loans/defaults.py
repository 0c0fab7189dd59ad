"""The seeded loan products (API.md, Commands) and approval tiers (DOMAIN.md §10).

Plain data, shared by the data migration and `loans/demo.py`, so both seed the same values.
"""

from decimal import Decimal

ALL_REPAYMENT_METHODS = ["equal_installment", "equal_principal", "interest_only", "bullet"]
ALL_GUARANTEE_METHODS = ["credit", "collateral", "guarantee"]

PRODUCTS = (
    # code, name, Chinese name, purpose, min term, max term
    ("WCL", "Working-capital loan", "流动资金贷款", "working_capital", 1, 36),
    ("FAL", "Fixed-asset loan", "固定资产贷款", "fixed_asset", 12, 180),
    ("PJL", "Project loan", "项目贷款", "project", 12, 360),
)
# What every application for a product needs before submission (ADR 0101, Materials); the
# guarantee method adds collateral or guarantee documents (LoanProduct.materials_required_for).
BASE_MATERIALS = ["business_licence", "articles", "financial_statements", "bank_statements"]
REQUIRED_MATERIALS = {
    "WCL": BASE_MATERIALS,
    # Investment loans also need the board's resolution and evidence of the use of funds.
    "FAL": [*BASE_MATERIALS, "board_resolution", "use_of_funds"],
    "PJL": [*BASE_MATERIALS, "board_resolution", "use_of_funds"],
}
PRODUCT_LIMITS = {
    "min_amount": Decimal("10000.00"),
    "max_amount": Decimal("1000000000.00"),
    "min_rate": Decimal("0.0000"),
    "max_rate": Decimal("24.0000"),
}

# name, up to amount (None = no limit), distinct approvers. The credit committee above CNY 50 m
# is modelled as a third distinct credit approver (a committee member) after the two levels.
APPROVAL_TIERS = (
    ("Single approver (≤ CNY 5 m)", Decimal("5000000.00"), 1),
    ("Two levels (≤ CNY 50 m)", Decimal("50000000.00"), 2),
    ("Credit committee (> CNY 50 m)", None, 3),
)


def seed_products(product_model) -> int:
    """Create the three products if missing (existing ones keep admin edits); return created."""
    created = 0
    for code, name, name_zh, purpose, min_term, max_term in PRODUCTS:
        _obj, was_created = product_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_zh": name_zh,
                "purpose": purpose,
                "min_term_months": min_term,
                "max_term_months": max_term,
                "repayment_methods": ALL_REPAYMENT_METHODS,
                "guarantee_methods": ALL_GUARANTEE_METHODS,
                **PRODUCT_LIMITS,
            },
        )
        created += was_created
    return created


def seed_approval_tiers(tier_model) -> int:
    """Create the default tiers when none exist (admins may have edited them); return created."""
    if tier_model.objects.exists():
        return 0
    tier_model.objects.bulk_create(
        tier_model(name=name, max_amount=max_amount, approvals_required=required)
        for name, max_amount, required in APPROVAL_TIERS
    )
    return len(APPROVAL_TIERS)


def seed_required_materials(product_model) -> int:
    """Give the seeded products their required materials where none are set; return updated."""
    updated = 0
    for code, materials in REQUIRED_MATERIALS.items():
        updated += product_model.objects.filter(code=code, required_materials=[]).update(
            required_materials=materials
        )
    return updated
