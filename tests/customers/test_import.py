"""Import: CSV and XLSX, every row validated, errors by row and field, all or nothing."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from crm.models import AccessLog
from customers.models import Contact, Customer
from tests.factories import CustomerFactory, make_uscc

URL = "/api/v1/customers/import/"
HEADER = ["name", "uscc", "legal_form", "industry", "size", "region"]


def csv_file(rows, header=HEADER, name="customers.csv", encoding="utf-8"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), "text/csv")


def xlsx_file(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(
        "customers.xlsx",
        out.getvalue(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def row(n, **overrides):
    values = dict(
        zip(
            HEADER,
            [f"公司{n}有限公司", make_uscc(n), "enterprise", "C", "small", "上海"],
            strict=True,
        )
    )
    values.update(overrides)
    return [values[h] for h in HEADER]


@pytest.mark.django_db
def test_a_valid_csv_creates_every_customer_with_the_importer_as_owner(api_for, rm):
    response = api_for(rm).post(
        URL, {"file": csv_file([row(1), row(2), row(3)])}, format="multipart"
    )

    assert response.status_code == 201, response.json()
    assert response.json() == {"created": 3}
    assert list(Customer.objects.order_by("uscc").values_list("uscc", flat=True)) == [
        make_uscc(1),
        make_uscc(2),
        make_uscc(3),
    ]
    assert set(Customer.objects.values_list("relationship_manager", flat=True)) == {rm.pk}
    log = AccessLog.objects.get(action="import")
    assert (log.action, log.user) == ("import", rm)
    assert log.detail == "3 customers, 0 contacts from customers.csv"


@pytest.mark.django_db
def test_any_invalid_row_saves_nothing_and_reports_every_error(api_for, rm, rm_other_team):
    CustomerFactory(relationship_manager=rm_other_team, uscc=make_uscc(50))
    bad_check = make_uscc(2)[:-1] + ("0" if make_uscc(2)[-1] != "0" else "1")
    rows = [
        row(1),
        row(2, uscc=bad_check, size="huge"),
        row(3, industry="ZZ", name=""),
        row(4, uscc=make_uscc(1)),
        row(5, uscc=make_uscc(50)),
    ]

    response = api_for(rm).post(URL, {"file": csv_file(rows)}, format="multipart")

    assert response.status_code == 400
    expected_check = make_uscc(2)[-1]
    assert response.json() == {
        "errors": [
            {
                "row": 3,
                "field": "uscc",
                "message": (
                    f"Wrong check character {bad_check[-1]!r} at position 18; "
                    f"expected {expected_check!r}."
                ),
            },
            {
                "row": 3,
                "field": "size",
                "message": "'huge' is not one of: large, medium, small, micro.",
            },
            {"row": 4, "field": "name", "message": "This field is required."},
            {
                "row": 4,
                "field": "industry",
                "message": "Unknown industry code 'ZZ' (GB/T 4754-2017).",
            },
            {"row": 5, "field": "uscc", "message": "Same USCC as row 2."},
            {"row": 6, "field": "uscc", "message": "A customer with this USCC already exists."},
        ]
    }
    assert Customer.objects.count() == 1
    assert not AccessLog.objects.filter(action="import").exists()


@pytest.mark.django_db
def test_unknown_and_missing_columns_are_reported_on_the_header_row(api_for, rm):
    header = ["name", "uscc", "legal_form", "industry", "size", "colour"]

    response = api_for(rm).post(
        URL, {"file": csv_file([["a", "b", "c", "d", "e", "f"]], header=header)}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {"row": 1, "field": "colour", "message": "Unknown column."},
            {"row": 1, "field": "region", "message": "Required column is missing."},
        ]
    }


@pytest.mark.django_db
def test_xlsx_with_contacts_and_owner_by_username(api_for, admin_user, rm):
    header = [
        *HEADER,
        "relationship_manager",
        "tier",
        "contact_name",
        "contact_role",
        "contact_phone",
    ]
    rows = [
        [*row(1), rm.username, "key", "李明", "finance", "13900001111"],
        [*row(2), rm.username, "", "", "", ""],
    ]

    response = api_for(admin_user).post(URL, {"file": xlsx_file(rows, header)}, format="multipart")

    assert response.status_code == 201, response.json()
    first = Customer.objects.get(uscc=make_uscc(1))
    assert (first.relationship_manager, first.tier) == (rm, "key")
    assert Customer.objects.get(uscc=make_uscc(2)).tier == "general"
    contact = Contact.objects.get()
    assert (contact.customer, contact.name, contact.role, contact.phone) == (
        first,
        "李明",
        "finance",
        "13900001111",
    )


@pytest.mark.django_db
def test_an_rm_cannot_import_customers_for_someone_else(api_for, rm, rm_same_team):
    header = [*HEADER, "relationship_manager"]

    response = api_for(rm).post(
        URL,
        {"file": csv_file([[*row(1), rm_same_team.username]], header=header)},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "row": 2,
            "field": "relationship_manager",
            "message": f"You may not assign customers to {rm_same_team.username!r}.",
        }
    ]
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_a_numeric_uscc_cell_in_xlsx_is_refused_with_a_message(api_for, rm):
    response = api_for(rm).post(
        URL,
        {"file": xlsx_file([row(1, uscc=913101000000000000)])},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": 2, "field": "uscc", "message": "USCC must be text, not float."}
    ]


@pytest.mark.django_db
def test_gb18030_csv_from_chinese_excel_is_read(api_for, rm):
    response = api_for(rm).post(
        URL, {"file": csv_file([row(1)], encoding="gb18030")}, format="multipart"
    )

    assert response.status_code == 201
    assert Customer.objects.get().name == "公司1有限公司"


@pytest.mark.django_db
def test_roles_without_import_permission_get_403(api_for, approver, lead):
    for user in (approver, lead):
        response = api_for(user).post(URL, {"file": csv_file([row(1)])}, format="multipart")
        assert response.status_code == 403
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_a_thousand_rows_import_in_one_go(api_for, rm, django_assert_max_num_queries):
    rows = [row(n) for n in range(1, 1001)]

    # Set-based: the query count does not grow with the rows.
    with django_assert_max_num_queries(20):
        response = api_for(rm).post(URL, {"file": xlsx_file(rows)}, format="multipart")

    assert response.status_code == 201
    assert response.json() == {"created": 1000}
    assert Customer.objects.count() == 1000


@pytest.mark.django_db
def test_an_exported_sheet_imports_elsewhere_and_the_template_is_valid(api_for, web_for, rm):
    CustomerFactory(relationship_manager=rm, name="Exported Co", uscc=make_uscc(9))
    exported = api_for(rm).get("/api/v1/customers/export/", {"format": "csv"}).content
    template = web_for(rm).get("/customers/import/template.csv").content
    Customer.objects.all().delete()

    first = api_for(rm).post(
        URL, {"file": SimpleUploadedFile("export.csv", exported, "text/csv")}, format="multipart"
    )
    second = api_for(rm).post(
        URL, {"file": SimpleUploadedFile("t.csv", template, "text/csv")}, format="multipart"
    )

    assert first.status_code == 201, first.json()
    assert second.status_code == 201, second.json()
    assert sorted(Customer.objects.values_list("name", flat=True)) == [
        "Exported Co",
        "福州示例科技有限公司",
    ]
