"""Consent records: give, withdraw (never delete), the active-consent query, API and pages."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from crm.exceptions import ActionForbidden, DomainError, TransitionNotAllowed
from privacy import services
from privacy.models import Consent
from tests.factories import ContactFactory

from .conftest import GIVEN_AT, give


def consents_url(customer, contact=None):
    if contact is not None:
        return f"/api/v1/customers/{customer.pk}/contacts/{contact.pk}/consents/"
    return f"/api/v1/customers/{customer.pk}/consents/"


BODY = {
    "purpose": "third_party",
    "scope": ["basic"],
    "scope_note": "Name and position to the guarantee company",
    "retention_months": 36,
    "notice_version": "v2026.1",
    "given_at": "2026-01-05T10:00:00+08:00",
    "evidence": "Signed form SF-0002",
}


@pytest.mark.django_db
def test_rm_records_a_consent_with_every_field(rm, customer, contact):
    consent = give(rm, customer, contact)

    consent.refresh_from_db()
    assert consent.customer == customer
    assert consent.contact == contact
    assert consent.purpose == "credit_assessment"
    assert consent.scope == ["basic", "risk"]
    assert consent.retention_months == 120
    assert consent.notice_version == "v2026.1"
    assert consent.given_at == GIVEN_AT
    assert consent.evidence == "Signed form SF-0001"
    assert consent.recorded_by == rm
    assert consent.withdrawn_at is None
    assert consent.is_active()


@pytest.mark.django_db
def test_withdrawal_keeps_the_record_and_ends_the_consent(rm, customer, contact):
    consent = give(rm, customer, contact)

    services.consent_withdraw(user=rm, consent=consent, note="Phoned on 2026-03-01")

    consent.refresh_from_db()
    assert Consent.objects.count() == 1
    assert consent.withdrawn_at is not None
    assert consent.withdrawn_by == rm
    assert consent.withdrawal_note == "Phoned on 2026-03-01"
    assert not consent.is_active()
    assert (
        services.active_consent(contact=contact, purpose="credit_assessment", scope=["basic"])
        is None
    )


@pytest.mark.django_db
def test_a_second_withdrawal_is_refused(rm, customer, contact):
    consent = give(rm, customer, contact)
    services.consent_withdraw(user=rm, consent=consent)
    first = Consent.objects.get().withdrawn_at

    with pytest.raises(TransitionNotAllowed):
        services.consent_withdraw(user=rm, consent=consent)

    assert Consent.objects.get().withdrawn_at == first


@pytest.mark.django_db
def test_active_consent_must_cover_purpose_and_every_category(rm, customer, contact):
    consent = give(rm, customer, contact, scope=["basic", "risk"])

    def find(purpose, scope):
        return services.active_consent(contact=contact, purpose=purpose, scope=scope)

    assert find("credit_assessment", ["basic"]) == consent
    assert find("credit_assessment", ["basic", "risk"]) == consent
    assert find("credit_assessment", ["basic", "transaction"]) is None
    assert find("marketing", ["basic"]) is None
    # Not in force before it was given.
    assert (
        services.active_consent(
            contact=contact,
            purpose="credit_assessment",
            scope=["basic"],
            at=GIVEN_AT - timedelta(seconds=1),
        )
        is None
    )


@pytest.mark.django_db
def test_active_consent_is_per_person(rm, customer, contact):
    give(rm, customer, contact)
    colleague = ContactFactory(customer=customer)

    assert (
        services.active_consent(contact=colleague, purpose="credit_assessment", scope=["basic"])
        is None
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"scope": []}, "scope"),
        ({"scope": ["gossip"]}, "scope"),
        ({"notice_version": ""}, "notice_version"),
        ({"evidence": "  "}, "evidence"),
        ({"retention_months": 0}, "retention_months"),
        ({"purpose": "sell_it"}, "purpose"),
        ({"given_at": timezone.now() + timedelta(days=1)}, "given_at"),
    ],
)
def test_invalid_consent_is_refused_on_its_field(rm, customer, contact, overrides, field):
    from django.core.exceptions import ValidationError

    with pytest.raises((DomainError, ValidationError)) as caught:
        give(rm, customer, contact, **overrides)

    error = caught.value
    fields = [error.field] if isinstance(error, DomainError) else list(error.message_dict)
    assert field in fields
    assert Consent.objects.count() == 0


@pytest.mark.django_db
def test_contact_of_another_customer_is_refused(rm, customer, other_customer):
    stranger = ContactFactory(customer=other_customer)

    with pytest.raises(DomainError) as caught:
        give(rm, customer, stranger)

    assert caught.value.field == "contact"
    assert Consent.objects.count() == 0


@pytest.mark.django_db
def test_individual_guarantor_consent(rm, customer, individual_guarantor):
    consent = services.consent_give(
        user=rm,
        customer=customer,
        guarantor=individual_guarantor,
        purpose="credit_report",
        scope=["risk"],
        retention_months=60,
        notice_version="v2026.1",
        given_at=GIVEN_AT,
        evidence="Guarantor form G-7",
    )

    assert consent.person == individual_guarantor
    assert (
        services.active_consent(
            guarantor=individual_guarantor, purpose="credit_report", scope=["risk"]
        )
        == consent
    )


@pytest.mark.django_db
def test_institution_guarantor_cannot_consent(rm, customer, individual_guarantor):
    individual_guarantor.kind = "institution"
    individual_guarantor.save()

    with pytest.raises(DomainError) as caught:
        services.consent_give(
            user=rm,
            customer=customer,
            guarantor=individual_guarantor,
            purpose="credit_report",
            scope=["risk"],
            retention_months=60,
            notice_version="v1",
            given_at=GIVEN_AT,
            evidence="x",
        )

    assert caught.value.field == "guarantor"


@pytest.mark.django_db
def test_roles_without_the_permission_may_not_record_or_withdraw(
    rm, lead, approver, customer, contact
):
    consent = give(rm, customer, contact)

    for user in (lead, approver):
        with pytest.raises(ActionForbidden):
            give(user, customer, contact)
        with pytest.raises(ActionForbidden):
            services.consent_withdraw(user=user, consent=consent)

    assert Consent.objects.count() == 1
    assert Consent.objects.get().withdrawn_at is None


# --- API ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_gives_lists_and_withdraws_a_contact_consent(api_for, rm, customer, contact):
    client = api_for(rm)

    created = client.post(consents_url(customer, contact), BODY, format="json")

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["contact"] == contact.pk
    assert body["person_name"] == "王强"
    assert body["scope"] == ["basic"]
    assert body["active"] is True
    assert body["recorded_by"] == rm.pk
    assert body["given_at"] == "2026-01-05T10:00:00+08:00"

    listed = client.get(consents_url(customer, contact)).json()
    assert [c["id"] for c in listed["results"]] == [body["id"]]
    assert client.get(consents_url(customer)).json()["count"] == 1

    withdrawn = client.post(
        f"{consents_url(customer, contact)}{body['id']}/withdraw/", {"note": "By letter"}
    )
    assert withdrawn.status_code == 200
    assert withdrawn.json()["active"] is False
    assert withdrawn.json()["withdrawal_note"] == "By letter"
    again = client.post(f"{consents_url(customer, contact)}{body['id']}/withdraw/", {})
    assert again.status_code == 409


@pytest.mark.django_db
def test_api_has_no_update_or_delete(api_for, rm, admin_user, customer, contact):
    consent = give(rm, customer, contact)
    url = f"{consents_url(customer, contact)}{consent.pk}/"

    # Even an admin, who holds every permission: consent history is never edited or deleted.
    admin = api_for(admin_user)
    assert admin.delete(url).status_code == 405
    assert admin.patch(url, {"purpose": "marketing"}, format="json").status_code == 405
    assert api_for(rm).delete(url).status_code in (403, 405)
    assert Consent.objects.get().purpose == "credit_assessment"


@pytest.mark.django_db
def test_api_validation_errors_are_400_by_field(api_for, rm, customer, contact):
    bad = {**BODY, "scope": [], "retention_months": 0, "notice_version": ""}

    response = api_for(rm).post(consents_url(customer, contact), bad, format="json")

    assert response.status_code == 400
    assert set(response.json()) >= {"scope", "retention_months", "notice_version"}
    assert Consent.objects.count() == 0


@pytest.mark.django_db
def test_api_future_consent_is_400(api_for, rm, customer, contact):
    future = (timezone.now() + timedelta(days=2)).isoformat()

    response = api_for(rm).post(
        consents_url(customer, contact), {**BODY, "given_at": future}, format="json"
    )

    assert response.status_code == 400
    assert "given_at" in response.json()


@pytest.mark.django_db
def test_api_customer_level_needs_a_person_of_this_customer(api_for, rm, customer, other_customer):
    stranger = ContactFactory(customer=other_customer)

    missing = api_for(rm).post(consents_url(customer), BODY, format="json")
    foreign = api_for(rm).post(
        consents_url(customer), {**BODY, "contact": stranger.pk}, format="json"
    )

    assert missing.status_code == 400
    assert "contact" in missing.json()
    assert foreign.status_code == 400
    assert "contact" in foreign.json()
    assert Consent.objects.count() == 0


@pytest.mark.django_db
def test_api_is_scoped_like_contacts(api_for, rm, rm_other_team, customer, contact):
    consent = give(rm, customer, contact)

    outsider = api_for(rm_other_team)
    assert outsider.get(consents_url(customer, contact)).status_code == 404
    assert outsider.post(consents_url(customer, contact), BODY, format="json").status_code == 404
    assert outsider.post(f"{consents_url(customer)}{consent.pk}/withdraw/", {}).status_code == 404
    assert Consent.objects.count() == 1


@pytest.mark.django_db
def test_api_permissions_both_ways(api_for, lead, approver, risk_officer, customer, contact, rm):
    consent = give(rm, customer, contact)

    # Team lead and approver read but may not record or withdraw.
    for user in (lead, approver, risk_officer):
        client = api_for(user)
        assert client.get(consents_url(customer, contact)).status_code == 200
        assert client.post(consents_url(customer, contact), BODY, format="json").status_code == 403
        withdraw = client.post(f"{consents_url(customer)}{consent.pk}/withdraw/", {})
        assert withdraw.status_code == 403
    assert Consent.objects.count() == 1
    assert Consent.objects.get().withdrawn_at is None


@pytest.mark.django_db
def test_api_needs_credentials(client, customer, contact):
    assert client.get(consents_url(customer, contact)).status_code == 401


# --- pages ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_page_records_a_consent(web_for, rm, customer, contact):
    client = web_for(rm)
    url = f"/privacy/customers/{customer.pk}/consents/new/?contact={contact.pk}"

    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url,
        {
            "contact": contact.pk,
            "purpose": "credit_assessment",
            "scope": ["basic", "risk"],
            "retention_months": "120",
            "notice_version": "v2026.1",
            "given_at": "2026-01-05T10:00",
            "evidence": "SF-9",
        },
    )

    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.scope == ["basic", "risk"]
    assert consent.given_at == datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
    detail = client.get(f"/customers/{customer.pk}/tab/privacy/", HTTP_HX_REQUEST="true")
    assert "SF-9" in detail.content.decode()


@pytest.mark.django_db
def test_page_shows_field_errors_and_writes_nothing(web_for, rm, customer, contact):
    response = web_for(rm).post(
        f"/privacy/customers/{customer.pk}/consents/new/",
        {"contact": contact.pk, "purpose": "credit_assessment", "retention_months": "0"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    for field in ("scope", "retention_months", "notice_version", "given_at", "evidence"):
        assert f'data-field-error="{field}"' in html
    assert Consent.objects.count() == 0


@pytest.mark.django_db
def test_page_withdraws(web_for, rm, customer, contact):
    consent = give(rm, customer, contact)

    response = web_for(rm).post(
        f"/privacy/customers/{customer.pk}/consents/{consent.pk}/withdraw/", {"note": "letter"}
    )

    assert response.status_code == 302
    assert Consent.objects.get().withdrawal_note == "letter"


@pytest.mark.django_db
def test_page_withdraws_without_a_note(web_for, rm, customer, contact):
    consent = give(rm, customer, contact)

    response = web_for(rm).post(f"/privacy/customers/{customer.pk}/consents/{consent.pk}/withdraw/")

    assert response.status_code == 302
    assert Consent.objects.get().withdrawn_at is not None


@pytest.mark.django_db
def test_pages_refuse_roles_and_scope(web_for, lead, rm_other_team, customer, contact, rm):
    consent = give(rm, customer, contact)
    create = f"/privacy/customers/{customer.pk}/consents/new/"
    withdraw = f"/privacy/customers/{customer.pk}/consents/{consent.pk}/withdraw/"

    assert web_for(lead).get(create).status_code == 403
    assert web_for(lead).post(withdraw, {}).status_code == 403
    assert web_for(rm_other_team).get(create).status_code == 404
    assert web_for(rm_other_team).post(withdraw, {}).status_code == 404
    assert Consent.objects.get().withdrawn_at is None


@pytest.mark.django_db
def test_consent_keeps_the_contact(web_for, rm, customer, contact):
    give(rm, customer, contact)

    response = web_for(rm).post(f"/customers/{customer.pk}/contacts/{contact.pk}/delete/")

    assert response.status_code == 302
    assert contact.__class__.objects.filter(pk=contact.pk).exists()
