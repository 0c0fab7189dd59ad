"""Contacts (masking, unmasking logged) and financial statements (ratios) under a customer."""

from decimal import Decimal

import pytest
from django.db import connection

from crm.models import AccessLog
from customers.models import Contact, FinancialStatement
from tests.factories import ContactFactory, CustomerFactory


def contacts_url(customer):
    return f"/api/v1/customers/{customer.pk}/contacts/"


def statements_url(customer):
    return f"/api/v1/customers/{customer.pk}/financial-statements/"


@pytest.fixture
def customer(rm):
    return CustomerFactory(relationship_manager=rm)


@pytest.fixture
def other_customer(rm_other_team):
    return CustomerFactory(relationship_manager=rm_other_team)


@pytest.mark.django_db
def test_rm_adds_a_contact_and_sees_it_masked(api_for, rm, customer):
    client = api_for(rm)

    created = client.post(
        contacts_url(customer),
        {
            "name": "王强",
            "role": "legal_representative",
            "position": "董事长",
            "phone": "13812345678",
            "id_number": "110101199003071234",
            "email": "wq@company.example",
            "birthday": "1975-04-02",
            "is_decision_maker": True,
        },
        format="json",
    )

    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["phone"] == "138****5678"
    assert body["id_number"] == "1101**********1234"
    assert body["is_decision_maker"] is True
    assert body["customer"] == customer.pk
    listed = client.get(contacts_url(customer)).json()["results"]
    assert [(c["name"], c["phone"]) for c in listed] == [("王强", "138****5678")]


@pytest.mark.django_db
def test_sensitive_numbers_are_encrypted_in_the_database(customer):
    contact = ContactFactory(customer=customer, phone="13812345678", id_number="110101199003071234")

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, id_number FROM customers_contact WHERE id = %s", [contact.pk])
        phone, id_number = cursor.fetchone()

    assert "13812345678" not in phone
    assert "110101199003071234" not in id_number
    assert phone.startswith("gAAAA")  # a Fernet token
    reloaded = Contact.objects.get(pk=contact.pk)
    assert (reloaded.phone, reloaded.id_number) == ("13812345678", "110101199003071234")


@pytest.mark.django_db
def test_unmask_with_the_permission_shows_full_numbers_and_is_logged(api_for, rm, customer):
    ContactFactory(customer=customer)

    response = api_for(rm).get(contacts_url(customer), {"unmask": "true"})

    assert response.status_code == 200
    row = response.json()["results"][0]
    assert (row["phone"], row["id_number"]) == ("13812345678", "110101199003071234")
    log = AccessLog.objects.get(action="unmask")
    assert (log.user, log.customer, log.action, log.category) == (rm, customer, "unmask", "basic")
    assert log.ip == "127.0.0.1"


@pytest.mark.django_db
@pytest.mark.parametrize("role_fixture", ["approver", "lead", "risk_officer"])
def test_unmask_without_the_permission_is_403_and_masked_view_still_works(
    request, api_for, customer, role_fixture
):
    ContactFactory(customer=customer)
    client = api_for(request.getfixturevalue(role_fixture))

    denied = client.get(contacts_url(customer), {"unmask": "true"})
    masked = client.get(contacts_url(customer))

    assert denied.status_code == 403
    assert masked.json()["results"][0]["phone"] == "138****5678"
    assert not AccessLog.objects.filter(action="unmask").exists()
    # The masked read is an ordinary logged view of the customer's contacts.
    assert AccessLog.objects.get(action="view").customer == customer


@pytest.mark.django_db
def test_contacts_of_an_out_of_scope_customer_are_404(api_for, rm, other_customer):
    contact = ContactFactory(customer=other_customer)
    client = api_for(rm)

    assert client.get(contacts_url(other_customer)).status_code == 404
    assert client.get(f"{contacts_url(other_customer)}{contact.pk}/").status_code == 404
    response = client.post(contacts_url(other_customer), {"name": "x", "role": "other"})
    assert response.status_code == 404
    assert Contact.objects.count() == 1


@pytest.mark.django_db
def test_approver_cannot_add_contacts(api_for, approver, customer):
    response = api_for(approver).post(
        contacts_url(customer), {"name": "x", "role": "other"}, format="json"
    )

    assert response.status_code == 403
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_a_contact_with_a_bad_role_is_400(api_for, rm, customer):
    response = api_for(rm).post(
        contacts_url(customer), {"name": "x", "role": "boss"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"role": ['"boss" is not a valid choice.']}


FIGURES = {
    "revenue": "12000000.00",
    "net_profit": "900000.00",
    "total_assets": "20000000.00",
    "total_liabilities": "12000000.00",
    "current_assets": "8000000.00",
    "current_liabilities": "5000000.00",
    "inventory": "3000000.00",
    "operating_cash_flow": "1100000.00",
    "interest_expense": "400000.00",
    "ebit": "1500000.00",
}


@pytest.mark.django_db
def test_statement_ratios_are_computed_and_growth_uses_the_previous_period(api_for, rm, customer):
    client = api_for(rm)

    first = client.post(
        statements_url(customer), {**FIGURES, "period_end": "2024-12-31"}, format="json"
    )
    second = client.post(
        statements_url(customer),
        {**FIGURES, "period_end": "2025-12-31", "revenue": "15000000.00"},
        format="json",
    )

    assert first.status_code == 201, first.json()
    assert first.json()["debt_to_asset"] == "0.6000"
    assert first.json()["current_ratio"] == "1.6000"
    assert first.json()["quick_ratio"] == "1.0000"
    assert first.json()["interest_coverage"] == "3.7500"
    assert first.json()["revenue_growth"] is None
    assert second.json()["revenue_growth"] == "0.2500"
    listed = client.get(statements_url(customer)).json()["results"]
    assert [s["period_end"] for s in listed] == ["2025-12-31", "2024-12-31"]


@pytest.mark.django_db
def test_zero_denominators_give_null_ratios(api_for, rm, customer):
    response = api_for(rm).post(
        statements_url(customer),
        {
            **FIGURES,
            "period_end": "2024-12-31",
            "total_assets": "0.00",
            "total_liabilities": "0.00",
            "current_liabilities": "0.00",
            "interest_expense": "0.00",
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert [body[k] for k in ("debt_to_asset", "current_ratio", "quick_ratio")] == [None] * 3
    assert body["interest_coverage"] is None


@pytest.mark.django_db
def test_an_earlier_period_entered_later_recomputes_the_following_growth(api_for, rm, customer):
    client = api_for(rm)
    later = client.post(
        statements_url(customer), {**FIGURES, "period_end": "2025-12-31"}, format="json"
    ).json()

    client.post(
        statements_url(customer),
        {**FIGURES, "period_end": "2024-12-31", "revenue": "10000000.00"},
        format="json",
    )

    assert FinancialStatement.objects.get(pk=later["id"]).revenue_growth == Decimal("0.2000")


@pytest.mark.django_db
def test_a_second_statement_for_the_same_period_is_400(api_for, rm, customer):
    client = api_for(rm)
    client.post(statements_url(customer), {**FIGURES, "period_end": "2024-12-31"}, format="json")

    response = client.post(
        statements_url(customer), {**FIGURES, "period_end": "2024-12-31"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "period_end": ["This customer already has a statement for this period end."]
    }
    assert FinancialStatement.objects.count() == 1


@pytest.mark.django_db
def test_statements_of_an_out_of_scope_customer_are_404(api_for, rm, other_customer):
    client = api_for(rm)

    assert client.get(statements_url(other_customer)).status_code == 404
    response = client.post(
        statements_url(other_customer), {**FIGURES, "period_end": "2024-12-31"}, format="json"
    )
    assert response.status_code == 404
    assert not FinancialStatement.objects.exists()
