"""Retention: the relationship end date, the daily flagging job at its limits, and the
confirmed, logged, idempotent anonymisation."""

from datetime import date

import pytest
from django.contrib.auth.models import Group

from crm.exceptions import ActionForbidden, DomainError, TransitionNotAllowed
from crm.jobs import get_job, run_job
from crm.models import AccessLog
from customers import services as customer_services
from customers.models import Contact, Customer, CustomerChange
from loans.models import Guarantor
from privacy import services
from privacy.models import Consent, RetentionFlag
from tests.factories import ContactFactory, CustomerFactory, make_user

from .conftest import give

AS_OF = date(2036, 6, 15)
TEN_YEARS_BEFORE = date(2026, 6, 15)  # ended exactly 10 years before AS_OF


def churned(rm, ended_on, **fields):
    return CustomerFactory(
        relationship_manager=rm,
        lifecycle_stage="churned",
        relationship_ended_on=ended_on,
        **fields,
    )


@pytest.fixture
def compliance(db):
    # The compliance group holds the duty (crm.roles.EXTRA_GROUP_PERMISSIONS).
    user = make_user(None, username="compliance_x")
    user.groups.add(Group.objects.get(name="compliance"))
    return user


def flag_for(customer, as_of=AS_OF):
    services.retention_flag_customers(as_of=as_of)
    return RetentionFlag.objects.get(customer=customer)


@pytest.mark.django_db
def test_marking_churned_sets_the_end_date_and_winning_back_clears_it(rm, clock):
    from datetime import UTC, datetime

    clock.set(datetime(2026, 3, 1, 4, 0, tzinfo=UTC))
    customer = CustomerFactory(relationship_manager=rm, lifecycle_stage="at_risk")

    customer_services.customer_update(
        customer=customer, user=rm, data={"lifecycle_stage": "churned"}, reason="Moved banks"
    )
    customer.refresh_from_db()
    assert customer.relationship_ended_on == date(2026, 3, 1)

    customer_services.customer_update(
        customer=customer, user=rm, data={"lifecycle_stage": "established"}, reason="Back"
    )
    customer.refresh_from_db()
    assert customer.relationship_ended_on is None


@pytest.mark.django_db
def test_job_flags_one_day_after_the_period_not_on_its_last_day(rm):
    on_limit = churned(rm, TEN_YEARS_BEFORE)
    one_day_more = churned(rm, date(2026, 6, 14))
    recent = churned(rm, date(2030, 1, 1))
    active = CustomerFactory(relationship_manager=rm, lifecycle_stage="established")

    counts = services.retention_flag_customers(as_of=AS_OF)

    assert counts == {"flagged": 1, "reflagged": 0, "cleared": 0}
    assert list(RetentionFlag.objects.values_list("customer_id", flat=True)) == [one_day_more.pk]
    flag = RetentionFlag.objects.get()
    assert (flag.relationship_ended_on, flag.retention_years, flag.flagged_on) == (
        date(2026, 6, 14),
        10,
        AS_OF,
    )
    assert not RetentionFlag.objects.filter(customer__in=[on_limit, recent, active]).exists()

    # The next day the customer on the limit is past retention too.
    services.retention_flag_customers(as_of=date(2036, 6, 16))
    assert RetentionFlag.objects.filter(customer=on_limit, status="flagged").exists()


@pytest.mark.django_db
def test_retention_period_is_a_setting(rm, settings):
    settings.RETENTION_YEARS_AFTER_RELATIONSHIP_END = 5
    customer = churned(rm, date(2031, 6, 14))

    services.retention_flag_customers(as_of=AS_OF)

    assert RetentionFlag.objects.get(customer=customer).retention_years == 5


@pytest.mark.django_db
def test_job_is_idempotent_and_registered(rm):
    churned(rm, date(2020, 1, 1))
    job = get_job("privacy.retention_flags")

    first = run_job(job, as_of=AS_OF)
    second = run_job(job, as_of=AS_OF)

    assert first.counts == {"flagged": 1, "reflagged": 0, "cleared": 0}
    assert second.counts == {"flagged": 0, "reflagged": 0, "cleared": 0}
    assert RetentionFlag.objects.count() == 1


@pytest.mark.django_db
def test_job_never_anonymises(rm):
    customer = churned(rm, date(2020, 1, 1), soft_information="Owner is a keen golfer")
    ContactFactory(customer=customer, name="王强")

    services.retention_flag_customers(as_of=AS_OF)

    customer.refresh_from_db()
    assert customer.soft_information == "Owner is a keen golfer"
    assert Contact.objects.get(customer=customer).name == "王强"


@pytest.mark.django_db
def test_flag_is_cleared_when_the_relationship_resumes(rm):
    customer = churned(rm, date(2020, 1, 1))
    services.retention_flag_customers(as_of=AS_OF)
    Customer.objects.filter(pk=customer.pk).update(
        lifecycle_stage="established", relationship_ended_on=None
    )

    counts = services.retention_flag_customers(as_of=AS_OF)

    assert counts["cleared"] == 1
    assert RetentionFlag.objects.get().status == "cleared"


@pytest.fixture
def past_retention(rm, individual_guarantor):
    """A churned customer with a contact, a guarantor, soft information and history."""
    customer = individual_guarantor.application.customer
    Customer.objects.filter(pk=customer.pk).update(
        lifecycle_stage="churned",
        relationship_ended_on=date(2020, 1, 1),
    )
    customer.refresh_from_db()
    customer.soft_information = "Owner's brother runs the supplier"
    customer.save()
    contact = customer_services.contact_create(
        customer=customer,
        user=rm,
        data={
            "name": "王强",
            "role": "legal_representative",
            "position": "Chairman",
            "phone": "13812345678",
            "id_number": "110101199003071234",
            "email": "wang@example.com",
            "wechat": "wangqiang",
            "birthday": date(1970, 5, 1),
            "preferences": "Tea, not coffee",
        },
    )
    give(rm, customer, contact)
    return customer


@pytest.mark.django_db
def test_anonymisation_clears_personal_data_and_keeps_company_records(compliance, past_retention):
    customer = past_retention
    flag = flag_for(customer)

    services.customer_anonymise(user=compliance, flag=flag, confirm=True, as_of=AS_OF)

    contact = Contact.objects.get(customer=customer)
    assert contact.name == f"Anonymised contact {contact.pk}"
    assert (contact.phone, contact.id_number, contact.email, contact.wechat) == ("", "", "", "")
    assert (contact.birthday, contact.preferences) == (None, "")
    assert (contact.role, contact.position) == ("legal_representative", "Chairman")
    guarantor = Guarantor.objects.get(application__customer=customer)
    assert (guarantor.name, guarantor.id_number) == ("Anonymised guarantor", "")
    customer.refresh_from_db()
    assert customer.soft_information == ""
    assert customer.name == "Huaxin Machinery Co., Ltd."
    assert Consent.objects.filter(customer=customer).count() == 1
    # The change log no longer holds the old values of the people's fields.
    contact_changes = CustomerChange.objects.filter(customer=customer, kind="contact")
    assert contact_changes.exists()
    assert not contact_changes.filter(new_value__contains="王强").exists()
    assert not contact_changes.filter(new_value__contains="wang@example.com").exists()
    assert not contact_changes.filter(subject__contains="王强").exists()
    flag.refresh_from_db()
    assert flag.status == "anonymised"
    assert flag.anonymised_by == compliance
    assert flag.anonymised_at is not None
    assert (flag.contacts_anonymised, flag.guarantors_anonymised) == (1, 1)
    log = AccessLog.objects.get(action="anonymise")
    assert (log.user, log.customer) == (compliance, customer)
    assert "1 contacts" in log.detail


@pytest.mark.django_db
def test_anonymisation_is_idempotent(compliance, past_retention):
    flag = flag_for(past_retention)
    services.customer_anonymise(user=compliance, flag=flag, confirm=True, as_of=AS_OF)
    first = RetentionFlag.objects.get().anonymised_at

    services.customer_anonymise(user=compliance, flag=flag, confirm=True, as_of=AS_OF)

    assert RetentionFlag.objects.get().anonymised_at == first
    assert AccessLog.objects.filter(action="anonymise").count() == 1


@pytest.mark.django_db
def test_anonymisation_needs_confirmation(compliance, past_retention):
    flag = flag_for(past_retention)

    with pytest.raises(DomainError) as caught:
        services.customer_anonymise(user=compliance, flag=flag, confirm=False, as_of=AS_OF)

    assert caught.value.field == "confirm"
    assert Contact.objects.get(customer=past_retention).name == "王强"
    assert RetentionFlag.objects.get().status == "flagged"


@pytest.mark.django_db
def test_anonymisation_needs_the_permission(rm, risk_officer, past_retention, admin_user):
    flag = flag_for(past_retention)

    for user in (rm, risk_officer):
        with pytest.raises(ActionForbidden):
            services.customer_anonymise(user=user, flag=flag, confirm=True, as_of=AS_OF)
    assert Contact.objects.get(customer=past_retention).name == "王强"

    services.customer_anonymise(user=admin_user, flag=flag, confirm=True, as_of=AS_OF)
    assert RetentionFlag.objects.get().status == "anonymised"


@pytest.mark.django_db
def test_anonymisation_refused_when_no_longer_due(compliance, past_retention):
    flag = flag_for(past_retention)
    Customer.objects.filter(pk=past_retention.pk).update(
        lifecycle_stage="established", relationship_ended_on=None
    )

    with pytest.raises(TransitionNotAllowed):
        services.customer_anonymise(user=compliance, flag=flag, confirm=True, as_of=AS_OF)

    assert Contact.objects.get(customer=past_retention).name == "王强"


@pytest.mark.django_db
def test_retention_pages(web_for, compliance, rm, past_retention, clock):
    from datetime import UTC, datetime

    clock.set(datetime(2036, 6, 15, 4, 0, tzinfo=UTC))
    flag = flag_for(past_retention)
    client = web_for(compliance)

    listing = client.get("/privacy/retention/")
    assert listing.status_code == 200
    assert past_retention.name in listing.content.decode()
    confirm_url = f"/privacy/retention/{flag.pk}/anonymise/"
    assert client.get(confirm_url).status_code == 200

    unconfirmed = client.post(confirm_url, {})
    assert unconfirmed.status_code == 200
    assert 'data-field-error="confirm"' in unconfirmed.content.decode()
    assert RetentionFlag.objects.get().status == "flagged"

    confirmed = client.post(confirm_url, {"confirm": "on"})
    assert confirmed.status_code == 302
    assert RetentionFlag.objects.get().status == "anonymised"


@pytest.mark.django_db
def test_retention_pages_refuse_without_permission(web_for, rm, past_retention):
    flag = flag_for(past_retention)
    client = web_for(rm)

    assert client.get("/privacy/retention/").status_code == 403
    assert (
        client.post(f"/privacy/retention/{flag.pk}/anonymise/", {"confirm": "on"}).status_code
        == 403
    )
    assert RetentionFlag.objects.get().status == "flagged"


@pytest.mark.django_db
def test_admin_action_asks_for_confirmation_first(client, admin_user, past_retention, clock):
    from datetime import UTC, datetime

    clock.set(datetime(2036, 6, 15, 4, 0, tzinfo=UTC))
    flag = flag_for(past_retention)
    client.force_login(admin_user)
    url = "/admin/privacy/retentionflag/"
    selected = {"action": "anonymise", "_selected_action": [flag.pk]}

    asked = client.post(url, selected)

    assert asked.status_code == 200
    assert "Yes, anonymise" in asked.content.decode()
    assert RetentionFlag.objects.get().status == "flagged"
    assert Contact.objects.get(customer=past_retention).name == "王强"

    done = client.post(url, {**selected, "confirm": "yes"})

    assert done.status_code == 302
    assert RetentionFlag.objects.get().status == "anonymised"
    assert AccessLog.objects.filter(action="anonymise", user=admin_user).count() == 1


@pytest.mark.django_db
def test_retention_menu_only_for_permission_holders(web_for, compliance, rm):
    assert 'href="/privacy/retention/"' in web_for(compliance).get("/").content.decode()
    assert 'href="/privacy/retention/"' not in web_for(rm).get("/").content.decode()
