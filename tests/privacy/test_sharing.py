"""The share log: four legal grounds, consent-based shares blocked without active consent,
every share written to the access log, permissions both ways."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from crm.exceptions import ActionForbidden, DomainError
from crm.models import AccessLog
from privacy import services
from privacy.models import ShareRecord

from .conftest import give


def shares_url(customer):
    return f"/api/v1/customers/{customer.pk}/shares/"


def share(user, customer, **overrides):
    fields = {
        "ground": "law",
        "purpose": "credit_assessment",
        "recipient": "People's Bank of China credit reference centre",
        "scope": ["basic", "risk"],
        "fields": "name, uscc, loan balances",
        "method": "system_interface",
        "shared_on": date(2026, 2, 1),
        "basis_reference": "征信业管理条例 art. 29",
    }
    fields.update(overrides)
    return services.share_record(user=user, customer=customer, **fields)


def consent_share(user, customer, contact, **overrides):
    fields = {
        "ground": "consent",
        "contact": contact,
        "purpose": "credit_assessment",
        "scope": ["basic"],
        "basis_reference": "",
        "recipient": "Guarantee company",
        **overrides,
    }
    return share(user, customer, **fields)


@pytest.mark.django_db
def test_share_on_a_legal_ground_records_everything_and_logs_each_category(rm, customer):
    record = share(rm, customer)

    record.refresh_from_db()
    assert record.ground == "law"
    assert record.recipient == "People's Bank of China credit reference centre"
    assert record.scope == ["basic", "risk"]
    assert record.fields == "name, uscc, loan balances"
    assert record.method == "system_interface"
    assert record.responsible == rm
    assert record.shared_on == date(2026, 2, 1)
    assert record.consent is None
    logs = AccessLog.objects.filter(action="share").order_by("category")
    assert [(log.category, log.customer_id, log.user_id) for log in logs] == [
        ("basic", customer.pk, rm.pk),
        ("risk", customer.pk, rm.pk),
    ]
    assert f"share #{record.pk}" in logs[0].detail


@pytest.mark.django_db
def test_consent_share_relies_on_the_active_consent(rm, customer, contact):
    consent = give(rm, customer, contact, scope=["basic", "risk"])

    record = consent_share(rm, customer, contact)

    assert record.consent == consent
    assert AccessLog.objects.filter(action="share", detail__contains=f"consent #{consent.pk}")


@pytest.mark.django_db
def test_consent_share_without_consent_is_blocked_and_writes_nothing(rm, customer, contact):
    with pytest.raises(DomainError) as caught:
        consent_share(rm, customer, contact)

    assert caught.value.field == "ground"
    assert "Blocked" in caught.value.message
    assert ShareRecord.objects.count() == 0
    assert AccessLog.objects.filter(action="share").count() == 0


@pytest.mark.django_db
def test_consent_share_after_withdrawal_is_blocked(rm, customer, contact):
    consent = give(rm, customer, contact)
    services.consent_withdraw(user=rm, consent=consent)

    with pytest.raises(DomainError):
        consent_share(rm, customer, contact)

    assert ShareRecord.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides",
    [
        {"purpose": "marketing"},  # another purpose
        {"scope": ["basic", "transaction"]},  # wider than the consent
    ],
)
def test_consent_share_outside_purpose_or_scope_is_blocked(rm, customer, contact, overrides):
    give(rm, customer, contact, scope=["basic", "risk"])

    with pytest.raises(DomainError):
        consent_share(rm, customer, contact, **overrides)

    assert ShareRecord.objects.count() == 0


@pytest.mark.django_db
def test_a_named_consent_must_be_the_persons_and_in_force(rm, customer, contact):
    from tests.factories import ContactFactory

    colleague = ContactFactory(customer=customer)
    colleagues_consent = give(rm, customer, colleague)
    give(rm, customer, contact)

    with pytest.raises(DomainError):
        consent_share(rm, customer, contact, consent=colleagues_consent)

    assert ShareRecord.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ground": "gossip"}, "ground"),
        ({"ground": "law", "basis_reference": ""}, "basis_reference"),
        ({"ground": "consent", "contact": None, "basis_reference": ""}, "contact"),
        ({"scope": []}, "scope"),
        ({"recipient": ""}, "recipient"),
        ({"shared_on": timezone.localdate() + timedelta(days=1)}, "shared_on"),
        ({"method": "pigeon"}, "method"),
    ],
)
def test_invalid_shares_are_refused_on_their_field(rm, customer, overrides, field):
    from django.core.exceptions import ValidationError

    with pytest.raises((DomainError, ValidationError)) as caught:
        share(rm, customer, **overrides)

    error = caught.value
    fields = [error.field] if isinstance(error, DomainError) else list(error.message_dict)
    assert field in fields
    assert ShareRecord.objects.count() == 0
    assert AccessLog.objects.filter(action="share").count() == 0


@pytest.mark.django_db
def test_who_may_record_a_share(rm, risk_officer, lead, approver, no_role_user, customer):
    assert share(rm, customer).recorded_by == rm
    assert share(risk_officer, customer).recorded_by == risk_officer

    for user in (lead, approver, no_role_user):
        with pytest.raises(ActionForbidden):
            share(user, customer)

    assert ShareRecord.objects.count() == 2


# --- API ------------------------------------------------------------------------------------

BODY = {
    "ground": "regulator",
    "purpose": "credit_assessment",
    "basis_reference": "NFRA request 2026-17",
    "recipient": "NFRA Shanghai office",
    "scope": ["basic", "transaction"],
    "fields": "loan ledger",
    "method": "encrypted_file",
    "shared_on": "2026-02-03",
}


@pytest.mark.django_db
def test_api_records_and_lists_shares(api_for, rm, customer):
    client = api_for(rm)

    created = client.post(shares_url(customer), BODY, format="json")

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["ground"] == "regulator"
    assert body["responsible"] == rm.pk
    assert body["recorded_by"] == rm.pk
    assert body["consent"] is None
    assert client.get(shares_url(customer)).json()["count"] == 1
    assert AccessLog.objects.filter(action="share", customer=customer).count() == 2


@pytest.mark.django_db
def test_api_blocked_consent_share_is_a_clear_400(api_for, rm, customer, contact):
    response = api_for(rm).post(
        shares_url(customer),
        {**BODY, "ground": "consent", "contact": contact.pk, "basis_reference": ""},
        format="json",
    )

    assert response.status_code == 400
    assert "no active consent" in response.json()["ground"][0]
    assert ShareRecord.objects.count() == 0
    assert AccessLog.objects.filter(action="share").count() == 0


@pytest.mark.django_db
def test_api_consent_share_with_consent(api_for, rm, customer, contact):
    consent = give(rm, customer, contact, scope=["basic", "transaction"])

    response = api_for(rm).post(
        shares_url(customer),
        {**BODY, "ground": "consent", "contact": contact.pk, "basis_reference": ""},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["consent"] == consent.pk


@pytest.mark.django_db
def test_api_unknown_ground_is_400(api_for, rm, customer):
    response = api_for(rm).post(
        shares_url(customer), {**BODY, "ground": "curiosity"}, format="json"
    )

    assert response.status_code == 400
    assert "ground" in response.json()


@pytest.mark.django_db
def test_api_share_permissions_both_ways(api_for, rm, lead, risk_officer, rm_other_team, customer):
    assert api_for(risk_officer).post(shares_url(customer), BODY, format="json").status_code == 201
    assert api_for(lead).post(shares_url(customer), BODY, format="json").status_code == 403
    assert api_for(lead).get(shares_url(customer)).status_code == 200
    assert api_for(rm_other_team).post(shares_url(customer), BODY, format="json").status_code == 404
    assert api_for(rm_other_team).get(shares_url(customer)).status_code == 404
    assert ShareRecord.objects.count() == 1


# --- pages ----------------------------------------------------------------------------------


def form_data(**overrides):
    data = {**BODY, "fields_shared": BODY["fields"]}
    del data["fields"]
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_page_records_a_share(web_for, rm, customer):
    response = web_for(rm).post(f"/privacy/customers/{customer.pk}/shares/new/", form_data())

    assert response.status_code == 302
    record = ShareRecord.objects.get()
    assert record.fields == "loan ledger"
    assert record.scope == ["basic", "transaction"]


@pytest.mark.django_db
def test_page_blocked_consent_share_shows_the_error(web_for, rm, customer, contact):
    response = web_for(rm).post(
        f"/privacy/customers/{customer.pk}/shares/new/",
        form_data(ground="consent", contact=contact.pk, basis_reference=""),
    )

    assert response.status_code == 200
    assert 'data-field-error="ground"' in response.content.decode()
    assert ShareRecord.objects.count() == 0


@pytest.mark.django_db
def test_page_refuses_roles_without_the_permission(web_for, lead, customer):
    response = web_for(lead).post(f"/privacy/customers/{customer.pk}/shares/new/", form_data())

    assert response.status_code == 403
    assert ShareRecord.objects.count() == 0


@pytest.mark.django_db
def test_customer_page_tab_lists_consents_and_shares(web_for, rm, customer, contact):
    give(rm, customer, contact, evidence="SF-42")
    share(rm, customer, recipient="Credit reference centre")

    page = web_for(rm).get(f"/customers/{customer.pk}/").content.decode()
    assert f"/customers/{customer.pk}/tab/privacy/" in page  # listed; loads when opened
    html = web_for(rm).get(f"/customers/{customer.pk}/tab/privacy/", HTTP_HX_REQUEST="true")
    html = html.content.decode()

    assert 'data-testid="privacy-panel"' in html
    assert "SF-42" in html
    assert "Credit reference centre" in html


@pytest.mark.django_db
def test_customer_page_tab_hidden_without_permissions(web_for, customer, no_role_user):
    from crm.roles import Role
    from tests.factories import make_user

    # A credit approver may see consents (credit-report checks) but not the share log.
    approver = make_user(Role.CREDIT_APPROVER, username="approver_tab")
    share(customer.relationship_manager, customer, recipient="Credit reference centre")

    tab = f"/customers/{customer.pk}/tab/privacy/"
    html = web_for(approver).get(tab, HTTP_HX_REQUEST="true").content.decode()

    assert 'data-testid="privacy-panel"' in html
    assert "Credit reference centre" not in html
