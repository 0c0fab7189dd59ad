"""Customer pages: scoped list with pinned queries, the customer page with its tabs, forms."""

import re

import pytest

from crm.models import AccessLog, User
from customers.models import Contact, Customer, CustomerChange, CustomerGroup
from tests.factories import ContactFactory, CustomerFactory, make_uscc


def _names(response):
    return re.findall(r'<td><a href="/customers/\d+/">([^<]+)</a></td>', response.content.decode())


@pytest.fixture
def portfolio(rm, rm_same_team, rm_other_team):
    return {
        "mine": CustomerFactory(relationship_manager=rm, name="Alpha Mine Co"),
        "teammate": CustomerFactory(relationship_manager=rm_same_team, name="Beta Team Co"),
        "other": CustomerFactory(relationship_manager=rm_other_team, name="Gamma Other Co"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role_fixture", "expected"),
    [
        ("rm", ["Alpha Mine Co"]),
        ("lead", ["Alpha Mine Co", "Beta Team Co"]),
        ("approver", ["Alpha Mine Co", "Beta Team Co", "Gamma Other Co"]),
        ("risk_officer", ["Alpha Mine Co", "Beta Team Co", "Gamma Other Co"]),
        ("admin_user", ["Alpha Mine Co", "Beta Team Co", "Gamma Other Co"]),
    ],
)
def test_list_page_is_scoped(request, web_for, portfolio, role_fixture, expected):
    client = web_for(request.getfixturevalue(role_fixture))

    response = client.get("/customers/")

    assert response.status_code == 200
    assert _names(response) == expected


@pytest.mark.django_db
def test_list_page_search_and_sort(web_for, approver, portfolio):
    client = web_for(approver)

    assert _names(client.get("/customers/", {"q": "beta"})) == ["Beta Team Co"]
    assert _names(client.get("/customers/", {"q": portfolio["other"].uscc})) == ["Gamma Other Co"]
    assert _names(client.get("/customers/", {"sort": "-name"})) == [
        "Gamma Other Co",
        "Beta Team Co",
        "Alpha Mine Co",
    ]


@pytest.mark.django_db
def test_list_page_shows_the_empty_state(web_for, rm):
    response = web_for(rm).get("/customers/")

    assert 'data-testid="empty-state"' in response.content.decode()


@pytest.mark.django_db
def test_list_page_query_count_is_independent_of_rows(web_for, rm, django_assert_num_queries):
    CustomerFactory.create_batch(3, relationship_manager=rm)
    client = web_for(User.objects.get(pk=rm.pk))
    # session, user, roles and permissions, count, filter choices (managers, industries), page
    # (the session is not written: crm/sessions.py).
    with django_assert_num_queries(7):
        client.get("/customers/")
    CustomerFactory.create_batch(30, relationship_manager=rm)
    with django_assert_num_queries(7):
        response = client.get("/customers/")
    assert len(_names(response)) == 25


@pytest.mark.django_db
def test_out_of_scope_customer_pages_are_404(web_for, rm, portfolio):
    client = web_for(rm)
    other = portfolio["other"]

    for path in ("", "edit/", "classification/", "contacts/new/", "statements/new/"):
        assert client.get(f"/customers/{other.pk}/{path}").status_code == 404, path
    assert client.post(f"/customers/{other.pk}/edit/", {"name": "x"}).status_code == 404


@pytest.mark.django_db
def test_group_view_shows_visible_members_and_the_group_exposure(web_for, rm, rm_other_team):
    group = CustomerGroup.objects.create(name="Pujiang Group")
    mine = CustomerFactory(relationship_manager=rm, name="Pujiang Parts", group=group)
    CustomerFactory(relationship_manager=rm_other_team, name="Pujiang Secret", group=group)

    html = web_for(rm).get(f"/customers/{mine.pk}/?tab=relations").content.decode()

    assert "Pujiang Parts" in html
    assert "Pujiang Secret" not in html
    assert "and 1 member outside your scope" in html
    assert 'data-testid="group-exposure">¥0.00</span>' in html


@pytest.mark.django_db
def test_contacts_are_masked_on_the_page_and_reveal_is_logged(web_for, rm, approver, portfolio):
    contact = ContactFactory(customer=portfolio["mine"])
    url = f"/customers/{portfolio['mine'].pk}/contacts/{contact.pk}/reveal/"

    page = web_for(rm).get(f"/customers/{portfolio['mine'].pk}/?tab=contacts").content.decode()
    revealed = web_for(rm).post(url)

    assert "138****5678" in page
    assert "1101**********1234" in page
    assert "13812345678" not in page
    assert revealed.status_code == 200
    assert "13812345678 · 110101199003071234" in revealed.content.decode()
    assert AccessLog.objects.filter(action="unmask", user=rm).count() == 1
    approver_tab = web_for(approver).get(
        f"/customers/{portfolio['mine'].pk}/tab/contacts/", HTTP_HX_REQUEST="true"
    )
    assert "hx-post" not in approver_tab.content.decode()
    assert web_for(approver).post(url).status_code == 403
    assert AccessLog.objects.filter(action="unmask").count() == 1


@pytest.mark.django_db
def test_onboarding_a_company_through_the_pages(web_for, rm):
    client = web_for(rm)
    industry_field = {
        "name": "厦门海湾贸易有限公司",
        "uscc": "91350100m000100y43",
        "legal_form": "enterprise",
        "entity_type": "enterprise",
        "industry": "F",
        "size": "small",
        "region": "Xiamen",
        "data_source": "internal",
        "verification_method": "customer_document",
    }

    bad = client.post("/customers/new/", {**industry_field, "uscc": "91350100M000100Y44"})
    created = client.post("/customers/new/", industry_field)

    assert bad.status_code == 200
    assert "Wrong check character" in bad.content.decode()
    assert 'data-field-error="uscc"' in bad.content.decode()
    customer = Customer.objects.get()
    assert created.status_code == 302
    assert created["Location"] == f"/customers/{customer.pk}/"
    assert customer.relationship_manager == rm
    assert customer.uscc == "91350100M000100Y43"

    contact = client.post(
        f"/customers/{customer.pk}/contacts/new/",
        {
            "name": "陈总",
            "role": "legal_representative",
            "phone": "13900001111",
            "data_source": "internal",
        },
    )
    statement = client.post(
        f"/customers/{customer.pk}/statements/new/",
        {
            "period_end": "2025-12-31",
            "revenue": "1000",
            "total_assets": "2000",
            "total_liabilities": "500",
            "data_source": "internal",
        },
    )
    step = client.post(f"/customers/{customer.pk}/onboarding/", {"step": "2", "outcome": "pass"})

    assert contact.status_code == 302
    assert Contact.objects.get().phone == "13900001111"
    assert statement.status_code == 302
    assert customer.financial_statements.get().debt_to_asset == 0.25
    assert step.status_code == 200
    assert "Record step 1 first: the steps run in order." in step.content.decode()


@pytest.mark.django_db
def test_classification_change_through_the_page_is_recorded(web_for, rm, portfolio):
    customer = portfolio["mine"]

    response = web_for(rm).post(
        f"/customers/{customer.pk}/classification/",
        {
            "tier": "key",
            "segment": "premium",
            "lifecycle_stage": "prospect",
            "value_tier": "",
            "reason": "Annual review",
        },
    )

    assert response.status_code == 302
    changes = sorted(
        CustomerChange.objects.filter(customer=customer).values_list("field", "new_value")
    )
    assert changes == [("segment", "premium"), ("tier", "key")]


@pytest.mark.django_db
def test_reassign_page_is_for_leads_and_admins_only(web_for, rm, lead, rm_same_team, portfolio):
    customer = portfolio["mine"]
    url = f"/customers/{customer.pk}/reassign/"

    assert web_for(rm).get(url).status_code == 403
    response = web_for(lead).post(url, {"relationship_manager": rm_same_team.pk, "reason": "Leave"})

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.relationship_manager == rm_same_team


@pytest.mark.django_db
def test_page_import_shows_the_row_report_and_saves_nothing(web_for, rm):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = (
        "name,uscc,legal_form,industry,size,region\n"
        f"Good Co,{make_uscc(1)},enterprise,C,small,Shanghai\n"
        f"Bad Co,{make_uscc(2)},partnership,C,small,Shanghai\n"
    ).encode()

    response = web_for(rm).post(
        "/customers/import/", {"file": SimpleUploadedFile("c.csv", content, "text/csv")}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "1 problem found; nothing was imported." in html
    assert "partnership" in html
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_page_export_is_scoped_and_logged(web_for, lead, portfolio):
    response = web_for(lead).get("/customers/export/", {"format": "csv"})

    text = response.content.decode("utf-8-sig")
    assert "Alpha Mine Co" in text
    assert "Beta Team Co" in text
    assert "Gamma Other Co" not in text
    assert AccessLog.objects.get(action="export").user == lead


@pytest.mark.django_db
def test_classification_page_shows_what_the_rules_suggest(web_for, rm):
    from decimal import Decimal

    customer = CustomerFactory(relationship_manager=rm, approved_credit=Decimal("60000000.00"))

    html = web_for(rm).get(f"/customers/{customer.pk}/classification/").content.decode()

    assert "Rules give tier Key customer (重点客户) and segment Mass market (大众市场);" in html
    assert "Onboarding incomplete: stays a prospect." in html


@pytest.mark.parametrize("role_user", ["approver", "risk_officer"])
def test_relation_delete_refused_for_roles_without_change_permission(
    role_user, request, rm, web_for
):
    # given: a relation between two of the RM's customers
    customer = CustomerFactory(relationship_manager=rm)
    related = CustomerFactory(relationship_manager=rm)
    relation = customer.relations.create(related=related, kind="affiliate", created_by=rm)
    user = request.getfixturevalue(role_user)
    # when: a role that may see but not change the customer posts the delete
    response = web_for(user).post(f"/customers/{customer.pk}/relations/{relation.pk}/delete/")
    # then: 403 (was a 500 from the service's refusal), and the relation is still there
    assert response.status_code == 403
    assert customer.relations.filter(pk=relation.pk).exists()
