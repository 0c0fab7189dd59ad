"""Browser journey (Playwright + system Chromium): an RM back from a visit logs it on a phone."""

import os
import time

import pytest
from django.utils import timezone

from crm.roles import Role
from customers.models import Customer, Industry
from interactions.models import Interaction, Task
from tests.factories import TEST_PASSWORD, TeamFactory, make_user

pytestmark = [pytest.mark.browser]
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def phone(live_server, monkeypatch):
    sync_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.skip("system Chromium not installed")
    # Django refuses sync ORM calls from inside Playwright's event loop without this.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 390, "height": 844})
        context.set_default_timeout(15_000)
        yield context.new_page()
        browser.close()
        from django.db import connections

        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_rm_logs_a_visit_on_a_phone_and_the_next_step_is_on_the_worklist(phone, live_server):
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
    due = timezone.localdate().isoformat()

    phone.goto(f"{live_server.url}/accounts/login/")
    phone.fill("input[name=username]", rm.username)
    phone.fill("input[name=password]", TEST_PASSWORD)
    phone.click("main button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/")
    started = time.monotonic()
    phone.goto(f"{live_server.url}/interactions/customers/{customer.pk}/timeline/")
    phone.click("text=Log a contact")
    phone.select_option("#id_channel", "onsite_visit")
    phone.select_option("#id_purpose", "regular_visit")
    phone.fill("#id_summary", "Warehouse expansion on track; asks for a bigger facility.")
    phone.fill("#id_next_action", "Send facility proposal")
    phone.fill("#id_next_action_due", due)
    phone.click("[data-testid=quick-entry] button[type=submit]")
    phone.wait_for_selector("text=Contact logged.")
    elapsed = time.monotonic() - started
    phone.goto(f"{live_server.url}/")

    assert elapsed < 60
    worklist = phone.inner_text("[data-testid='worklist-interactions.tasks']")
    assert "Send facility proposal" in worklist
    interaction = Interaction.objects.get()
    assert (interaction.customer, interaction.channel) == (customer, "onsite_visit")
    assert Task.objects.get().owner == rm
    # The page fits a phone: nothing wider than the viewport.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
