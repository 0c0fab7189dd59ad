"""Browser journey (Playwright + system Chromium): an RM back from a visit logs it on a phone."""

import pytest
from django.utils import timezone

from crm.roles import Role
from customers.models import Customer, Industry
from interactions.models import Interaction, Task
from tests.browser.conftest import log_in
from tests.factories import (
    TEST_PASSWORD,
    ContactFactory,
    CustomerFactory,
    TeamFactory,
    make_user,
)

pytestmark = [pytest.mark.browser]


@pytest.fixture
def phone(new_page):
    """A phone-sized page in the suite's shared Chromium (tests/browser/conftest.py)."""
    return new_page(width=390, height=844)


@pytest.mark.django_db(transaction=True)
def test_rm_logs_a_visit_on_a_phone_and_the_next_step_is_on_the_worklist(phone):
    from crm.roles import sync_role_groups

    # A transactional test may start from a flushed database: recreate what migrations seed.
    sync_role_groups()
    industry, _created = Industry.objects.get_or_create(code="C", defaults={"name": "Mfg"})
    rm = make_user(Role.RELATIONSHIP_MANAGER, team=TeamFactory(name="Team A"), username="rm_m")
    customer = Customer.objects.create(
        name="宁波港湾物流有限公司",
        uscc="91330200000000001H",
        legal_form="enterprise",
        industry=industry,
        size="medium",
        region="Ningbo",
        relationship_manager=rm,
        lifecycle_stage="established",
    )
    cfo = ContactFactory(customer=customer, name="Zhou Ming", role="finance")
    due = timezone.localdate().isoformat()

    log_in(phone, rm.username, TEST_PASSWORD)
    phone.goto(f"/interactions/customers/{customer.pk}/timeline/")
    phone.click("text=Log a contact")
    phone.select_option("#id_channel", "onsite_visit")
    phone.select_option("#id_purpose", "regular_visit")
    phone.fill("#id_summary", "Warehouse expansion on track; asks for a bigger facility.")
    phone.click("label:has-text('Zhou Ming')")
    phone.fill("#id_next_action", "Send facility proposal")
    phone.fill("#id_next_action_due", due)
    phone.click("[data-testid=quick-entry] button[type=submit]")
    phone.wait_for_selector("text=Contact logged.")
    phone.goto("/")

    worklist = phone.inner_text("[data-testid='worklist-list']")
    assert "Send facility proposal" in worklist
    interaction = Interaction.objects.get()
    assert (interaction.customer, interaction.channel) == (customer, "onsite_visit")
    assert list(interaction.contacts.all()) == [cfo]
    assert Task.objects.get().owner == rm
    # The page fits a phone: nothing wider than the viewport.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.django_db(transaction=True)
def test_picking_another_customer_reloads_its_contacts(phone):
    from crm.roles import sync_role_groups

    sync_role_groups()
    rm = make_user(Role.RELATIONSHIP_MANAGER, team=TeamFactory(name="Team A"), username="rm_c")
    first = CustomerFactory(relationship_manager=rm, name="First Co")
    second = CustomerFactory(relationship_manager=rm, name="Second Co")
    ContactFactory(customer=first, name="Only At First")
    ContactFactory(customer=second, name="Only At Second")
    log_in(phone, rm.username, TEST_PASSWORD)

    phone.goto(f"/interactions/?customer={first.pk}")
    phone.wait_for_selector("label:has-text('Only At First')")
    phone.select_option("#id_customer", str(second.pk))
    phone.wait_for_selector("label:has-text('Only At Second')")

    assert phone.locator("label:has-text('Only At First')").count() == 0
