"""A person logs in, sees their worklist and switches the interface to Chinese."""

import pytest

from crm.demo import seed_people
from tests.browser.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "journey-pass-2026"


def test_rm_logs_in_and_switches_to_chinese(new_page):
    seed_people(password=PASSWORD)
    page = new_page()

    log_in(page, "rm1", PASSWORD)
    assert page.get_by_role("heading", name="My worklist").is_visible()
    assert page.get_by_test_id("current-user").inner_text() == "Li Wei 李伟"

    page.get_by_test_id("language-select").select_option("zh-hans")
    page.wait_for_load_state("networkidle")

    assert page.get_by_role("heading", name="我的工作清单").is_visible()
    assert page.get_by_role("button", name="退出登录").is_visible()
    screenshot(page, "shell-rm1-chinese")


def test_wrong_password_shows_an_error_and_stays_on_login(new_page):
    seed_people(password=PASSWORD)
    page = new_page()

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("rm1")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()

    assert page.get_by_role("alert").inner_text().startswith("Please enter a correct username")
    assert "/accounts/login/" in page.url


def test_phone_layout_collapses_the_navigation(new_page):
    seed_people(password=PASSWORD)
    page = new_page(width=390, height=844)

    log_in(page, "rm1", PASSWORD)
    toggler = page.get_by_role("button", name="Toggle navigation")
    assert toggler.is_visible()
    assert not page.get_by_role("link", name="Worklist").is_visible()
    toggler.click()
    page.get_by_role("link", name="Worklist").wait_for(state="visible")
    screenshot(page, "shell-rm1-phone")
