"""The dashboards page and CSV downloads: scoping per role, permissions, CSV, queries, cache."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from crm.jobs import DailyJob, JobResult, run_job
from crm.models import AccessLog
from dashboard.charts import CHARTS
from loans.models import Loan
from tests.factories import CustomerFactory
from tests.loans.conftest import disbursed_loan

D = Decimal
URL = "/dashboard/"


def csv_rows(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_url_name_and_navigation(web_for, rm):
    assert reverse("dashboard") == URL

    response = web_for(rm).get("/")

    assert b'href="/dashboard/"' in response.content


@pytest.mark.parametrize("url", [URL, "/dashboard/classification.csv"])
def test_anonymous_is_sent_to_login(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_lead_sees_the_team_and_not_the_other_team(book, web_for, lead):
    response = web_for(lead).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="chart-classification"' in html
    assert "40.00 %" in html  # team A's NPL ratio
    assert "1,000,000.00" in html  # team A's balance
    assert "Suzhou" in html
    assert "Beijing" not in html  # team B's only region
    assert "rm_b1" not in html


def test_rm_sees_only_their_book_in_every_chart_and_csv(book, web_for, rm):
    client = web_for(rm)

    html = client.get(URL).content.decode()

    assert "33.33 %" in html
    for name in ("Beijing", "Suzhou", "rm_a2", "rm_b1"):
        assert name not in html
    for chart in CHARTS:
        body = client.get(f"/dashboard/{chart.key}.csv").content.decode("utf-8-sig")
        for name in ("Beijing", "Suzhou", "rm_a2", "rm_b1", "Wholesale"):
            assert name not in body, (chart.key, name)
    rows = csv_rows(client.get("/dashboard/classification.csv"))
    assert rows[-1] == ["Total balance", "900000.00"]


def test_risk_officer_sees_the_bank_and_can_pick_a_team(book, web_for, risk_officer, team_b):
    client = web_for(risk_officer)

    bank = client.get(URL).content.decode()
    team = client.get(URL, {"team": team_b.pk}).content.decode()

    assert "60.00 %" in bank
    assert "Beijing" in bank
    assert "Suzhou" in bank
    assert "100.00 %" in team
    assert "Suzhou" not in team


def test_rm_has_no_team_filter_and_a_team_parameter_changes_nothing(book, web_for, rm, team_b):
    client = web_for(rm)

    response = client.get(URL, {"team": team_b.pk})

    assert 'name="team"' not in response.content.decode()
    rows = csv_rows(client.get("/dashboard/classification.csv", {"team": team_b.pk}))
    assert rows[-1] == ["Total balance", "900000.00"]


def test_classification_csv_content_and_access_log(book, web_for, risk_officer):
    response = web_for(risk_officer).get("/dashboard/classification.csv")

    assert csv_rows(response) == [
        ["Classification", "Loans", "Balance (CNY)"],
        ["Normal (正常)", "1", "600000.00"],
        ["Special mention (关注)", "0", "0.00"],
        ["Substandard (次级)", "1", "300000.00"],
        ["Doubtful (可疑)", "1", "500000.00"],
        ["Loss (损失)", "1", "100000.00"],
        [],
        ["NPL ratio (不良贷款率)", "60.00"],
        ["Non-performing balance", "900000.00"],
        ["Total balance", "1500000.00"],
    ]
    assert response["Content-Disposition"].startswith(
        'attachment; filename="dashboard-classification-'
    )
    log = AccessLog.objects.get(action="export")
    assert (log.user, log.action, log.category) == (risk_officer, "export", "transaction")
    assert log.detail.startswith("dashboard classification as csv, 5 rows, scope all")


def test_csv_neutralises_formulas(web_for, rm, approver):
    customer = CustomerFactory(relationship_manager=rm, region='=HYPERLINK("http://x")')
    disbursed_loan(rm, approver, customer)

    rows = csv_rows(web_for(rm).get("/dashboard/balance-region.csv"))

    assert rows[1][0] == '\'=HYPERLINK("http://x")'


def test_unknown_chart_is_404(web_for, rm):
    assert web_for(rm).get("/dashboard/nope.csv").status_code == 404


def test_section_permissions_both_ways(web_for, approver, rm):
    # Approvers do not work service requests: no SLA chart, and its CSV is refused.
    approver_page = web_for(approver).get(URL).content.decode()
    assert 'data-testid="chart-service-sla"' not in approver_page
    assert 'data-testid="chart-approvals"' in approver_page
    assert web_for(approver).get("/dashboard/service-sla.csv").status_code == 403
    assert not AccessLog.objects.filter(action__in=("view", "export")).exists()
    # Relationship managers do.
    assert 'data-testid="chart-service-sla"' in web_for(rm).get(URL).content.decode()
    assert web_for(rm).get("/dashboard/service-sla.csv").status_code == 200


def test_user_without_a_role_gets_no_dashboards(web_for, no_role_user):
    client = web_for(no_role_user)

    response = client.get(URL)

    assert response.status_code == 200
    assert "Your role has no dashboards." in response.content.decode()
    assert client.get("/dashboard/classification.csv").status_code == 403


def test_empty_book_shows_empty_states_not_charts(web_for, rm):
    html = web_for(rm).get(URL).content.decode()

    assert 'data-testid="empty-classification"' in html
    assert 'data-testid="empty-alerts"' in html
    assert "<canvas" not in html
    assert '<script id="dashboard-data" type="application/json">{}</script>' in html


def test_invalid_filters_are_reported(web_for, rm):
    client = web_for(rm)

    page = client.get(URL, {"start": "2026-05-01", "end": "2026-04-01", "product": "x"})
    download = client.get("/dashboard/alerts.csv", {"start": "2026-05-01", "end": "2026-04-01"})

    assert page.status_code == 200
    html = page.content.decode()
    assert "The end of the period must not be before its start." in html
    assert "Some filters are not valid; the defaults are shown instead." in html
    assert download.status_code == 400
    assert "end: The end of the period must not be before its start." in download.content.decode()


def test_chinese_page_formats_numbers(book, web_for, lead):
    response = web_for(lead).get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
    assert "制造业" in response.content.decode()  # industry names in Chinese


# Queries of a cold page for a team lead: session, user, roles and permissions, the bell,
# the form's product and team lists, and the aggregates (a constant number per chart).
PAGE_QUERIES = 22


def test_page_query_count_is_pinned_and_independent_of_the_book(
    book, web_for, lead, rm, approver, django_assert_num_queries
):
    from dashboard.cache import bump_data_version

    client = web_for(lead)
    client.get(URL)  # the policy tables are read once, then cached (crm/config_cache.py)
    bump_data_version()
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(URL)
    # More of everything, then a cold cache again.
    for _ in range(3):
        customer = CustomerFactory(relationship_manager=rm)
        disbursed_loan(rm, approver, customer)
    bump_data_version()
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(URL)


def test_warm_page_reads_the_cache(book, web_for, lead, django_assert_max_num_queries):
    client = web_for(lead)
    client.get(URL)

    with django_assert_max_num_queries(PAGE_QUERIES - 15):
        response = client.get(URL)

    assert "40.00 %" in response.content.decode()


# --- cache invalidation ---------------------------------------------------------------------


def test_a_saved_change_shows_on_the_next_request(book, web_for, lead):
    client = web_for(lead)
    assert "40.00 %" in client.get(URL).content.decode()
    # when: the substandard loan is repaid down to 100,000 (a normal save sends the signal)
    loan = book.loans["a1_substandard"]
    loan.outstanding_principal = D("100000.00")
    loan.save(update_fields=["outstanding_principal"])
    # then: (100,000 + 100,000) / 800,000
    assert "25.00 %" in client.get(URL).content.decode()


def test_bulk_writes_show_after_the_job_run_finishes(book, web_for, lead):
    client = web_for(lead)
    assert "40.00 %" in client.get(URL).content.decode()
    # A nightly job writes in bulk: no signals, so the cached figure stays until it finishes.
    Loan.objects.filter(pk=book.loans["a1_normal"].pk).update(classification="loss")
    assert "40.00 %" in client.get(URL).content.decode()

    job = DailyJob(name="test.noop", order=999, func=lambda *, as_of: JobResult("done"))
    run_job(job, as_of=book.loans["a1_normal"].disbursed_on)

    assert "100.00 %" in client.get(URL).content.decode()


def test_scopes_do_not_share_cached_aggregates(book, web_for, lead, rm):
    assert "40.00 %" in web_for(lead).get(URL).content.decode()

    assert "33.33 %" in web_for(rm).get(URL).content.decode()


def test_redis_down_still_serves_the_dashboard(book, web_for, lead, settings):
    settings.CACHES = {
        alias: {**config, "LOCATION": "redis://127.0.0.1:1/0"}
        for alias, config in settings.CACHES.items()
    }
    client = web_for(lead)

    first = client.get(URL)
    loan = book.loans["a1_substandard"]
    loan.outstanding_principal = D("100000.00")
    loan.save(update_fields=["outstanding_principal"])
    second = client.get(URL)

    assert first.status_code == second.status_code == 200
    assert "40.00 %" in first.content.decode()
    assert "25.00 %" in second.content.decode()
