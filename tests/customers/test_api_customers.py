"""`/api/v1/customers/`: create, scope for every role, search, PATCH with change log, reassign."""

import pytest

from crm.models import AccessLog
from customers.models import Customer, CustomerChange, OnboardingStep
from tests.factories import CustomerFactory, make_uscc

URL = "/api/v1/customers/"
# A real code published on a licence (DOMAIN.md §2 example).
REAL_USCC = "91350100M000100Y43"


def _payload(**overrides):
    data = {
        "name": "福州示例科技有限公司",
        "uscc": REAL_USCC,
        "legal_form": "enterprise",
        "industry": "C",
        "size": "medium",
        "region": "Fuzhou",
    }
    data.update(overrides)
    return data


@pytest.fixture
def scoped(rm, rm_same_team, rm_other_team):
    """One customer per RM: rm and rm_same_team in Team A, rm_other_team in Team B."""
    return {
        "mine": CustomerFactory(relationship_manager=rm, name="Alpha Mine Co"),
        "teammate": CustomerFactory(relationship_manager=rm_same_team, name="Beta Team Co"),
        "other": CustomerFactory(relationship_manager=rm_other_team, name="Gamma Other Co"),
    }


@pytest.mark.django_db
def test_rm_creates_a_customer_owned_by_themselves(api_for, rm):
    response = api_for(rm).post(URL, _payload(uscc=" 91350100m000100y43 "), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["uscc"] == REAL_USCC
    assert body["relationship_manager"] == rm.pk
    assert body["lifecycle_stage"] == "prospect"
    assert body["tier"] == "general"
    assert body["risk_level"] == "medium"
    customer = Customer.objects.get(pk=body["id"])
    assert customer.created_by == rm
    assert customer.collected_by == rm


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("uscc", "message"),
    [
        ("91350100M000100Y44", "Wrong check character '4' at position 18; expected '3'."),
        ("91350100M000100Y4", "USCC must be exactly 18 characters; got 17."),
        ("91350100M00010OY43", "Invalid character 'O' at position 15;"),
    ],
)
def test_an_invalid_uscc_is_a_400_on_the_field_and_nothing_is_saved(api_for, rm, uscc, message):
    response = api_for(rm).post(URL, _payload(uscc=uscc), format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["uscc"]
    assert response.json()["uscc"][0].startswith(message)
    assert Customer.objects.count() == 0


@pytest.mark.django_db
def test_a_duplicate_uscc_is_a_400(api_for, rm, rm_other_team):
    CustomerFactory(relationship_manager=rm_other_team, uscc=REAL_USCC)

    response = api_for(rm).post(URL, _payload(), format="json")

    assert response.status_code == 400
    assert response.json() == {"uscc": ["A customer with this USCC already exists."]}
    assert Customer.objects.count() == 1


@pytest.mark.django_db
def test_an_rm_cannot_create_a_customer_for_another_rm(api_for, rm, rm_same_team):
    response = api_for(rm).post(URL, _payload(relationship_manager=rm_same_team.pk), format="json")

    assert response.status_code == 403
    assert Customer.objects.count() == 0


@pytest.mark.django_db
def test_admin_must_choose_an_owner_who_is_a_relationship_manager(api_for, admin_user, rm):
    client = api_for(admin_user)

    missing = client.post(URL, _payload(), format="json")
    not_rm = client.post(URL, _payload(relationship_manager=admin_user.pk), format="json")
    ok = client.post(URL, _payload(relationship_manager=rm.pk), format="json")

    assert missing.status_code == 400
    assert missing.json() == {"relationship_manager": ["Choose the relationship manager."]}
    assert not_rm.status_code == 400
    assert ok.status_code == 201
    assert ok.json()["relationship_manager"] == rm.pk


@pytest.mark.django_db
@pytest.mark.parametrize("role_fixture", ["approver", "risk_officer", "lead", "no_role_user"])
def test_roles_without_add_permission_cannot_create(request, api_for, role_fixture):
    user = request.getfixturevalue(role_fixture)

    response = api_for(user).post(URL, _payload(), format="json")

    assert response.status_code == 403
    assert Customer.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role_fixture", "expected"),
    [
        ("rm", {"Alpha Mine Co"}),
        ("rm_same_team", {"Beta Team Co"}),
        ("rm_other_team", {"Gamma Other Co"}),
        ("lead", {"Alpha Mine Co", "Beta Team Co"}),
        ("approver", {"Alpha Mine Co", "Beta Team Co", "Gamma Other Co"}),
        ("risk_officer", {"Alpha Mine Co", "Beta Team Co", "Gamma Other Co"}),
        ("admin_user", {"Alpha Mine Co", "Beta Team Co", "Gamma Other Co"}),
    ],
)
def test_list_is_scoped_for_every_role(request, api_for, scoped, role_fixture, expected):
    user = request.getfixturevalue(role_fixture)

    response = api_for(user).get(URL)

    assert response.status_code == 200
    assert {row["name"] for row in response.json()["results"]} == expected
    assert response.json()["count"] == len(expected)


@pytest.mark.django_db
def test_a_user_without_a_role_cannot_list(api_for, no_role_user, scoped):
    assert api_for(no_role_user).get(URL).status_code == 403


@pytest.mark.django_db
def test_anonymous_is_401(client, scoped):
    assert client.get(URL).status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role_fixture", "visible", "hidden"),
    [
        ("rm", "mine", "teammate"),
        ("rm", "mine", "other"),
        ("lead", "teammate", "other"),
    ],
)
def test_out_of_scope_detail_and_patch_are_404(
    request, api_for, scoped, role_fixture, visible, hidden
):
    client = api_for(request.getfixturevalue(role_fixture))
    target = scoped[hidden]

    assert client.get(f"{URL}{scoped[visible].pk}/").status_code == 200
    assert client.get(f"{URL}{target.pk}/").status_code == 404
    response = client.patch(f"{URL}{target.pk}/", {"name": "Hijacked"}, format="json")
    assert response.status_code == 404
    target.refresh_from_db()
    assert target.name != "Hijacked"


@pytest.mark.django_db
def test_search_matches_name_or_uscc_within_scope_only(api_for, rm, scoped):
    client = api_for(rm)
    mine = scoped["mine"]

    by_name = client.get(URL, {"q": "alpha"}).json()
    by_uscc = client.get(URL, {"q": mine.uscc[4:12]}).json()
    other = client.get(URL, {"q": "Gamma"}).json()
    other_uscc = client.get(URL, {"q": scoped["other"].uscc}).json()

    assert [r["id"] for r in by_name["results"]] == [mine.pk]
    assert [r["id"] for r in by_uscc["results"]] == [mine.pk]
    assert other["count"] == 0
    assert other_uscc["count"] == 0


@pytest.mark.django_db
def test_filters_of_the_contract(api_for, approver, rm, rm_other_team):
    key = CustomerFactory(relationship_manager=rm, tier="key", risk_level="high")
    CustomerFactory(relationship_manager=rm_other_team, tier="general", risk_level="low")
    client = api_for(approver)

    def ids(**params):
        return [r["id"] for r in client.get(URL, params).json()["results"]]

    assert ids(tier="key") == [key.pk]
    assert ids(risk_level="high") == [key.pk]
    assert ids(relationship_manager=rm.pk) == [key.pk]
    assert len(ids(industry="C")) == 2
    assert ids(industry="A") == []
    assert ids(lifecycle_stage="established") == []
    assert client.get(URL, {"tier": "platinum"}).status_code == 400


@pytest.mark.django_db
def test_list_endpoint_query_count_is_independent_of_rows(api_for, rm, django_assert_num_queries):
    from crm.models import User

    CustomerFactory.create_batch(2, relationship_manager=rm)
    client = api_for(User.objects.get(pk=rm.pk))
    # roles and permissions (one query), count, page, the access-log entry.
    with django_assert_num_queries(4):
        assert client.get(URL).status_code == 200
    CustomerFactory.create_batch(30, relationship_manager=rm)
    client = api_for(User.objects.get(pk=rm.pk))
    with django_assert_num_queries(4):
        response = client.get(URL)
    assert response.json()["count"] == 32


@pytest.mark.django_db
def test_patch_records_old_and_new_value_reason_and_user(api_for, rm, scoped):
    customer = scoped["mine"]

    response = api_for(rm).patch(
        f"{URL}{customer.pk}/",
        {"tier": "key", "region": "Hangzhou", "reason": "Credit line approved"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    changes = {
        c.field: (c.kind, c.old_value, c.new_value, c.reason, c.changed_by)
        for c in CustomerChange.objects.filter(customer=customer)
    }
    assert changes == {
        "tier": ("classification", "general", "key", "Credit line approved", rm),
        "region": ("profile", "Shanghai", "Hangzhou", "Credit line approved", rm),
    }


@pytest.mark.django_db
def test_risk_fields_are_read_only_through_the_api(api_for, rm, scoped):
    customer = scoped["mine"]

    response = api_for(rm).patch(
        f"{URL}{customer.pk}/", {"risk_level": "low", "risk_score": 99}, format="json"
    )

    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.risk_level == "medium"
    assert customer.risk_score is None


@pytest.mark.django_db
@pytest.mark.parametrize("role_fixture", ["approver", "risk_officer"])
def test_read_only_roles_cannot_patch(request, api_for, scoped, role_fixture):
    client = api_for(request.getfixturevalue(role_fixture))

    response = client.patch(f"{URL}{scoped['mine'].pk}/", {"name": "X"}, format="json")

    assert response.status_code == 403
    assert Customer.objects.get(pk=scoped["mine"].pk).name == "Alpha Mine Co"


@pytest.mark.django_db
def test_an_rm_cannot_reassign(api_for, rm, rm_same_team, scoped):
    customer = scoped["mine"]

    response = api_for(rm).patch(
        f"{URL}{customer.pk}/", {"relationship_manager": rm_same_team.pk}, format="json"
    )

    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.relationship_manager == rm
    assert not CustomerChange.objects.exists()


@pytest.mark.django_db
def test_a_lead_reassigns_within_the_team_and_it_is_recorded(
    api_for, lead, rm, rm_same_team, rm_other_team, scoped
):
    customer = scoped["mine"]
    client = api_for(lead)

    outside = client.patch(
        f"{URL}{customer.pk}/", {"relationship_manager": rm_other_team.pk}, format="json"
    )
    inside = client.patch(
        f"{URL}{customer.pk}/",
        {"relationship_manager": rm_same_team.pk, "reason": "Rebalancing"},
        format="json",
    )

    assert outside.status_code == 403
    assert inside.status_code == 200
    assert inside.json()["relationship_manager"] == rm_same_team.pk
    change = CustomerChange.objects.get(customer=customer)
    assert (change.kind, change.field, change.reason, change.changed_by) == (
        "owner",
        "relationship_manager",
        "Rebalancing",
        lead,
    )
    assert change.old_value == f"{rm} (#{rm.pk})"
    assert change.new_value == f"{rm_same_team} (#{rm_same_team.pk})"
    # The previous owner no longer sees it.
    assert api_for(rm).get(f"{URL}{customer.pk}/").status_code == 404


@pytest.mark.django_db
def test_a_prospect_converts_only_after_onboarding_passes(api_for, rm, scoped):
    from customers import services
    from customers.choices import Criterion

    customer = scoped["mine"]
    client = api_for(rm)

    refused = client.patch(f"{URL}{customer.pk}/", {"lifecycle_stage": "new"}, format="json")
    for step in (1, 2, 3):
        services.onboarding_step_record(customer=customer, user=rm, step=step, outcome="pass")
    for criterion in Criterion:
        services.criterion_assess(
            customer=customer, user=rm, criterion=criterion.value, assessment="conditional"
        )
    accepted = client.patch(f"{URL}{customer.pk}/", {"lifecycle_stage": "new"}, format="json")

    assert refused.status_code == 400
    assert list(refused.json()) == ["lifecycle_stage"]
    assert "step 1" in refused.json()["lifecycle_stage"][0]
    assert accepted.status_code == 200
    assert accepted.json()["lifecycle_stage"] == "new"
    assert OnboardingStep.objects.filter(customer=customer).count() == 3


@pytest.mark.django_db
def test_export_csv_is_scoped_and_logged(api_for, rm, scoped):
    response = api_for(rm).get(f"{URL}export/", {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("id,name,uscc,legal_form")
    assert len(lines) == 2
    assert "Alpha Mine Co" in lines[1]
    log = AccessLog.objects.get(action="export")
    assert (log.user, log.action, log.category, log.detail) == (
        rm,
        "export",
        "basic",
        "1 customers as csv",
    )


@pytest.mark.django_db
def test_export_xlsx_of_the_lead_holds_the_team(api_for, lead, scoped):
    from io import BytesIO

    from openpyxl import load_workbook

    response = api_for(lead).get(f"{URL}export/", {"format": "xlsx"})

    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    names = sorted(row[1] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert names == ["Alpha Mine Co", "Beta Team Co"]


@pytest.mark.django_db
def test_export_of_an_unknown_format_is_400_and_roles_without_export_get_403(
    api_for, rm, approver, scoped
):
    bad = api_for(rm).get(f"{URL}export/", {"format": "pdf"})
    denied = api_for(approver).get(f"{URL}export/", {"format": "csv"})

    assert bad.status_code == 400
    assert bad.json() == {"format": ["Choose csv or xlsx."]}
    assert denied.status_code == 403
    assert not AccessLog.objects.filter(action="export").exists()


@pytest.mark.django_db
def test_export_neutralises_spreadsheet_formulas(api_for, rm):
    CustomerFactory(relationship_manager=rm, name='=HYPERLINK("http://x")')

    text = api_for(rm).get(f"{URL}export/", {"format": "csv"}).content.decode("utf-8-sig")

    assert "'=HYPERLINK" in text


@pytest.mark.django_db
def test_schema_describes_the_customer_endpoints(api_for, rm):
    response = api_for(rm).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/customers/",
        "/api/v1/customers/{id}/",
        "/api/v1/customers/import/",
        "/api/v1/customers/export/",
        "/api/v1/customers/{customer_pk}/contacts/",
        "/api/v1/customers/{customer_pk}/financial-statements/",
    ):
        assert path in paths, path


def test_make_uscc_is_valid():
    from customers.uscc import validate_uscc

    assert validate_uscc(make_uscc(7)) == make_uscc(7)
