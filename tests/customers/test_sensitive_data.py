"""Sensitive personal data (DOMAIN.md §8): soft information encrypted and masked, reveals
logged, exports and API output without the permission masked, the admin never in clear."""

import csv
import io

import pytest
from django.db import connection
from openpyxl import load_workbook

from crm.models import AccessLog
from customers import services
from customers.models import CustomerChange
from tests.factories import ContactFactory, CustomerFactory

SOFT = "Owner's brother controls the main supplier; divorce pending"
PHONE = "13812345678"
ID_NUMBER = "110101199003071234"


@pytest.fixture
def customer(rm):
    customer = CustomerFactory(relationship_manager=rm, soft_information=SOFT)
    ContactFactory(customer=customer, phone=PHONE, id_number=ID_NUMBER)
    return customer


@pytest.mark.django_db
def test_soft_information_and_numbers_are_encrypted_at_rest(customer):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT soft_information FROM customers_customer WHERE id = %s", [customer.pk]
        )
        (stored_soft,) = cursor.fetchone()
        cursor.execute(
            "SELECT phone, id_number FROM customers_contact WHERE customer_id = %s", [customer.pk]
        )
        stored_phone, stored_id = cursor.fetchone()

    for stored, clear in ((stored_soft, SOFT), (stored_phone, PHONE), (stored_id, ID_NUMBER)):
        assert clear not in stored
        assert stored.startswith("gAAAAA")  # a Fernet token
    customer.refresh_from_db()
    assert customer.soft_information == SOFT


@pytest.mark.django_db
def test_api_masks_soft_information_by_default(api_for, rm, lead, customer):
    for user in (rm, lead):
        body = api_for(user).get(f"/api/v1/customers/{customer.pk}/").json()
        assert body["soft_information"] == "******"
    listing = api_for(rm).get("/api/v1/customers/").json()
    assert SOFT not in str(listing)
    assert AccessLog.objects.filter(action="unmask").count() == 0


@pytest.mark.django_db
def test_api_unmask_with_the_permission_is_logged(api_for, rm, customer):
    response = api_for(rm).get(f"/api/v1/customers/{customer.pk}/?unmask=true")

    assert response.status_code == 200
    assert response.json()["soft_information"] == SOFT
    log = AccessLog.objects.get(action="unmask")
    assert (log.user, log.customer, log.category) == (rm, customer, "risk")
    assert "soft_information" in log.detail


@pytest.mark.django_db
def test_api_unmask_without_the_permission_is_403_and_not_logged(api_for, lead, customer):
    response = api_for(lead).get(f"/api/v1/customers/{customer.pk}/?unmask=true")

    assert response.status_code == 403
    assert SOFT not in response.content.decode()
    assert AccessLog.objects.filter(action="unmask").count() == 0


@pytest.mark.django_db
def test_api_contacts_masked_without_the_permission(api_for, lead, customer):
    body = api_for(lead).get(f"/api/v1/customers/{customer.pk}/contacts/").json()

    contact = body["results"][0]
    assert contact["phone"] == "138****5678"
    assert contact["id_number"] == "1101**********1234"


@pytest.mark.django_db
def test_api_writing_soft_information_needs_the_permission(api_for, rm, lead, customer):
    refused = api_for(lead).patch(
        f"/api/v1/customers/{customer.pk}/", {"soft_information": "overwritten"}, format="json"
    )
    assert refused.status_code == 400
    assert "soft_information" in refused.json()
    customer.refresh_from_db()
    assert customer.soft_information == SOFT

    allowed = api_for(rm).patch(
        f"/api/v1/customers/{customer.pk}/", {"soft_information": "Updated notes"}, format="json"
    )
    assert allowed.status_code == 200
    customer.refresh_from_db()
    assert customer.soft_information == "Updated notes"


@pytest.mark.django_db
def test_change_log_never_holds_soft_information(rm, customer):
    services.customer_update(customer=customer, user=rm, data={"soft_information": "New notes"})

    change = CustomerChange.objects.get(customer=customer, field="soft_information")
    assert (change.old_value, change.new_value) == ("******", "******")


@pytest.mark.django_db
def test_page_masks_and_reveals_with_a_log_entry(web_for, rm, lead, customer):
    page = web_for(rm).get(f"/customers/{customer.pk}/").content.decode()
    assert SOFT not in page
    assert 'data-testid="soft-information"' in page

    revealed = web_for(rm).post(f"/customers/{customer.pk}/soft-information/reveal/")
    assert revealed.status_code == 200
    assert SOFT.replace("'", "&#x27;") in revealed.content.decode()
    assert AccessLog.objects.filter(action="unmask", user=rm, customer=customer).count() == 1

    assert (
        web_for(lead).post(f"/customers/{customer.pk}/soft-information/reveal/").status_code == 403
    )
    assert AccessLog.objects.filter(action="unmask").count() == 1


@pytest.mark.django_db
def test_edit_form_shows_soft_information_only_with_the_permission(web_for, rm, lead, customer):
    rm_form = web_for(rm).get(f"/customers/{customer.pk}/edit/").content.decode()
    assert 'name="soft_information"' in rm_form
    # Opening the form shows the text in full: that is a reveal and is logged.
    assert AccessLog.objects.filter(action="unmask", user=rm).count() == 1

    lead_form = web_for(lead).get(f"/customers/{customer.pk}/edit/").content.decode()
    assert 'name="soft_information"' not in lead_form
    assert SOFT.replace("'", "&#x27;") not in lead_form


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_hold_no_sensitive_values(api_for, lead, rm, customer, fmt):
    for user in (lead, rm):
        response = api_for(user).get(f"/api/v1/customers/export/?format={fmt}")
        assert response.status_code == 200
        if fmt == "csv":
            rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        else:
            sheet = load_workbook(io.BytesIO(response.content)).active
            rows = [
                [str(v) for v in row if v is not None] for row in sheet.iter_rows(values_only=True)
            ]
        text = "\n".join(",".join(row) for row in rows)
        assert customer.name in text
        for secret in (SOFT, PHONE, ID_NUMBER):
            assert secret not in text
        assert "soft_information" not in rows[0]


@pytest.mark.django_db
def test_admin_never_shows_numbers_or_soft_information_in_clear(client, admin_user, customer):
    client.force_login(admin_user)
    contact = customer.contacts.get()

    contact_page = client.get(f"/admin/customers/contact/{contact.pk}/change/").content.decode()
    customer_page = client.get(f"/admin/customers/customer/{customer.pk}/change/").content.decode()

    assert PHONE not in contact_page
    assert ID_NUMBER not in contact_page
    assert "divorce pending" not in customer_page


@pytest.mark.django_db
def test_individual_guarantor_id_numbers_are_encrypted_and_masked(
    api_for, client, admin_user, rm, customer
):
    from decimal import Decimal

    from loans import services as loan_services
    from loans.models import LoanProduct

    application = loan_services.application_create(
        user=rm,
        customer=customer,
        product=LoanProduct.objects.get(code="WCL"),
        amount=Decimal("1000000.00"),
        term_months=12,
        annual_rate=Decimal("4.3500"),
        repayment_method="equal_installment",
        purpose="Raw materials",
        guarantee_method="guarantee",
    )
    response = api_for(rm).post(
        f"/api/v1/loan-applications/{application.pk}/guarantors/",
        {"kind": "individual", "name": "李娜", "id_number": ID_NUMBER, "amount": "500000.00"},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["id_number"] == "1101**********1234"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number FROM loans_guarantor WHERE id = %s", [response.json()["id"]]
        )
        (stored,) = cursor.fetchone()
    assert ID_NUMBER not in stored
    detail = api_for(rm).get(f"/api/v1/loan-applications/{application.pk}/").content.decode()
    assert ID_NUMBER not in detail
    client.force_login(admin_user)
    admin_page = client.get(f"/admin/loans/loanapplication/{application.pk}/change/")
    assert admin_page.status_code == 200
    assert "李娜" in admin_page.content.decode()
    assert ID_NUMBER not in admin_page.content.decode()
