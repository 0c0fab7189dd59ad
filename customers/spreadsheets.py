"""CSV/XLSX import and export of customers (API.md, Customers: import and export).

Import is all-or-nothing: every row is validated first and every problem is reported by row and
field; only a file without any problem is saved, in one transaction. Export writes the caller's
scope with the API's field names; its read-only columns (id, risk fields, ...) are ignored on
import, so an exported sheet can be edited and imported elsewhere.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import AccessLog, User
from crm.roles import Role, has_role
from crm.services import access_log_record

from .choices import (
    CompanySize,
    ContactRole,
    DataSource,
    EntityType,
    LegalForm,
    LifecycleStage,
    RegionTier,
    Segment,
    Tier,
)
from .models import Contact, Customer, Industry
from .services import may_reassign
from .uscc import validate_uscc

MAX_ROWS = 10_000
MAX_BYTES = 10 * 1024 * 1024

# column -> (required, kind, extra); kinds: text (max length), choice (choices), date, money, int.
CUSTOMER_COLUMNS = {
    "name": (True, "text", 200),
    "uscc": (True, "uscc", None),
    "legal_form": (True, "choice", LegalForm),
    "industry": (True, "industry", None),
    "size": (True, "choice", CompanySize),
    "region": (True, "text", 100),
    "region_tier": (False, "choice", RegionTier),
    "branch": (False, "text", 100),
    "entity_type": (False, "choice", EntityType),
    "relationship_manager": (False, "user", None),
    "tier": (False, "choice", Tier),
    "segment": (False, "choice", Segment),
    "lifecycle_stage": (False, "choice", LifecycleStage),
    "cooperation_start": (False, "date", None),
    "registered_address": (False, "text", 300),
    "established_on": (False, "date", None),
    "registered_capital": (False, "money", None),
    "employees": (False, "int", None),
    "approved_credit": (False, "money", None),
    "deposits": (False, "money", None),
    "intermediate_income": (False, "money", None),
    "products_held": (False, "int", None),
    "data_source": (False, "choice", DataSource),
}
CONTACT_COLUMNS = {
    "contact_name": (False, "text", 100),
    "contact_role": (False, "choice", ContactRole),
    "contact_department": (False, "text", 100),
    "contact_position": (False, "text", 100),
    "contact_phone": (False, "text", 30),
    "contact_email": (False, "email", None),
}
IMPORT_COLUMNS = {**CUSTOMER_COLUMNS, **CONTACT_COLUMNS}
# Columns of the export that the import accepts and ignores (set by the system, not by files).
IGNORED_COLUMNS = frozenset(
    {
        "id",
        "value_tier",
        "credit_grade",
        "risk_level",
        "risk_score",
        "contribution_score",
        "created_at",
    }
)
# Defaults of optional choice columns left empty.
DEFAULTS = {
    "tier": Tier.GENERAL,
    "lifecycle_stage": LifecycleStage.PROSPECT,
    "entity_type": EntityType.ENTERPRISE,
    "data_source": DataSource.INTERNAL,
    "segment": "",
    "region_tier": "",
    "branch": "",
    "registered_address": "",
}

EXPORT_COLUMNS = (
    "id",
    "name",
    "uscc",
    "legal_form",
    "entity_type",
    "industry",
    "size",
    "region",
    "region_tier",
    "branch",
    "relationship_manager",
    "tier",
    "segment",
    "value_tier",
    "lifecycle_stage",
    "credit_grade",
    "risk_level",
    "risk_score",
    "cooperation_start",
    "approved_credit",
    "deposits",
    "intermediate_income",
    "products_held",
    "contribution_score",
    "created_at",
)


@dataclass(frozen=True)
class RowError:
    """One problem: spreadsheet row number (the header is row 1), column and message."""

    row: int
    field: str
    message: str

    def as_dict(self):
        return {"row": self.row, "field": self.field, "message": self.message}


class ImportRejected(Exception):
    """The file has problems; nothing was saved."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors


def _read_rows(uploaded) -> list[list]:
    """The file's rows (header first) from CSV (UTF-8 or GB18030) or XLSX."""
    name = (getattr(uploaded, "name", "") or "").lower()
    data = uploaded.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImportRejected([RowError(0, "file", _("The file is larger than 10 MB."))])
    if name.endswith(".xlsx") or data[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged file
            raise ImportRejected(
                [RowError(0, "file", _("The XLSX file cannot be read: %s") % exc)]
            ) from exc
        sheet = workbook.worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        workbook.close()
        return rows
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportRejected([RowError(0, "file", _("The CSV file is not UTF-8 or GB18030."))])
    return [list(row) for row in csv.reader(io.StringIO(text))]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return str(value).strip()


def _parse(column, raw, spec, context):
    """Convert one cell or raise ValueError with the message for the report."""
    required, kind, extra = spec
    if kind == "uscc":
        # Hand the raw cell over: a numeric XLSX cell is refused with its own message.
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            raise ValueError(_("This field is required."))
        return validate_uscc(raw)
    text = _cell_text(raw)
    if not text and not isinstance(raw, (date, datetime)):
        if required:
            raise ValueError(_("This field is required."))
        return DEFAULTS.get(column)
    if kind == "text":
        if len(text) > extra:
            raise ValueError(_("At most %(n)s characters.") % {"n": extra})
        return text
    if kind == "choice":
        if text not in extra.values:
            raise ValueError(
                _("%(value)r is not one of: %(allowed)s.")
                % {"value": text, "allowed": ", ".join(extra.values)}
            )
        return text
    if kind == "industry":
        industry = context["industries"].get(text.upper())
        if industry is None:
            raise ValueError(_("Unknown industry code %(code)r (GB/T 4754-2017).") % {"code": text})
        return industry
    if kind == "user":
        user = context["users"].get(text)
        if user is None:
            raise ValueError(_("No active user %(name)r.") % {"name": text})
        if not has_role(user, Role.RELATIONSHIP_MANAGER, Role.TEAM_LEAD):
            raise ValueError(_("%(name)r is not a relationship manager.") % {"name": text})
        importer = context["importer"]
        if user.pk != importer.pk and not may_reassign(importer, None, user):
            raise ValueError(_("You may not assign customers to %(name)r.") % {"name": text})
        return user
    if kind == "date":
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(_("Use the date format YYYY-MM-DD.")) from None
    if kind == "money":
        try:
            value = Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise ValueError(_("Enter an amount such as 1000000.00.")) from None
        if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
            raise ValueError(_("Enter a non-negative amount with at most 2 decimals."))
        if value >= Decimal("1e16"):
            raise ValueError(_("The amount is too large."))
        return value.quantize(Decimal("0.01"))
    if kind in ("int", "score"):
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("Enter a whole number.")) from None
        if value != value.to_integral_value() or value < 0:
            raise ValueError(_("Enter a whole number of at least 0."))
        if kind == "score" and value > 100:
            raise ValueError(_("Enter a score from 0 to 100."))
        if value > 2_000_000_000:
            raise ValueError(_("The number is too large."))
        return int(value)
    if kind == "email":
        try:
            EmailValidator()(text)
        except ValidationError:
            raise ValueError(_("Enter a valid email address.")) from None
        return text
    raise AssertionError(f"unknown column kind {kind}")


def _validate(rows, *, importer) -> tuple[list[dict], list[RowError]]:
    """Every row parsed, or every problem found (never stops at the first)."""
    errors: list[RowError] = []
    if not rows or not any(_cell_text(c) for c in rows[0]):
        return [], [RowError(1, "file", _("The file has no header row."))]
    header = [_cell_text(c) for c in rows[0]]
    for column in header:
        if column and column not in IMPORT_COLUMNS and column not in IGNORED_COLUMNS:
            errors.append(RowError(1, column, _("Unknown column.")))
    for column, (required, *_rest) in CUSTOMER_COLUMNS.items():
        if required and column not in header:
            errors.append(RowError(1, column, _("Required column is missing.")))
    if len(header) != len(set(header)):
        errors.append(RowError(1, "file", _("A column appears twice.")))
    if errors:
        return [], errors
    body = [
        (number, row)
        for number, row in enumerate(rows[1:], start=2)
        if any(_cell_text(c) for c in row)
    ]
    if not body:
        return [], [RowError(2, "file", _("The file has no data rows."))]
    if len(body) > MAX_ROWS:
        return [], [RowError(0, "file", _("At most %(n)s rows per file.") % {"n": MAX_ROWS})]
    usernames = {
        _cell_text(row[header.index("relationship_manager")])
        for _n, row in body
        if "relationship_manager" in header and header.index("relationship_manager") < len(row)
    }
    context = {
        "importer": importer,
        "industries": {i.code: i for i in Industry.objects.all()},
        "users": {
            u.username: u
            for u in User.objects.filter(username__in=usernames, is_active=True)
            .select_related("team")
            .prefetch_related("groups")
        },
    }
    for user in context["users"].values():
        user._crm_roles = frozenset(g.name for g in user.groups.all())
    parsed = []
    seen_uscc: dict[str, int] = {}
    for number, row in body:
        values = {}
        for index, column in enumerate(header):
            if not column or column in IGNORED_COLUMNS:
                continue
            raw = row[index] if index < len(row) else None
            try:
                values[column] = _parse(column, raw, IMPORT_COLUMNS[column], context)
            except ValueError as exc:
                errors.append(RowError(number, column, str(exc)))
        uscc = values.get("uscc")
        if uscc:
            if uscc in seen_uscc:
                errors.append(
                    RowError(
                        number,
                        "uscc",
                        _("Same USCC as row %(row)s.") % {"row": seen_uscc[uscc]},
                    )
                )
            else:
                seen_uscc[uscc] = number
        if values.get("relationship_manager") is None and "relationship_manager" not in values:
            values["relationship_manager"] = None
        if values["relationship_manager"] is None and not has_role(
            importer, Role.RELATIONSHIP_MANAGER
        ):
            errors.append(
                RowError(number, "relationship_manager", _("Give the relationship manager."))
            )
        if not values.get("contact_name") and any(
            values.get(c) for c in CONTACT_COLUMNS if c != "contact_name"
        ):
            errors.append(RowError(number, "contact_name", _("A contact needs a name.")))
        parsed.append((number, values))
    existing = set(Customer.objects.filter(uscc__in=list(seen_uscc)).values_list("uscc", flat=True))
    for uscc in sorted(existing, key=seen_uscc.get):
        errors.append(
            RowError(seen_uscc[uscc], "uscc", _("A customer with this USCC already exists."))
        )
    errors.sort(key=lambda e: (e.row, header.index(e.field) if e.field in header else -1))
    return parsed, errors


def customers_import(*, uploaded, user, request=None) -> int:
    """Import customers (and one contact per row); all rows or none. Returns the count."""
    from crm.exceptions import ActionForbidden

    if not user.has_perm("customers.import_customers"):
        raise ActionForbidden(_("Your role may not import customers."))
    rows = _read_rows(uploaded)
    parsed, errors = _validate(rows, importer=user)
    if errors:
        raise ImportRejected(errors)
    today = timezone.localdate()
    customers, contacts = [], []
    for _number, values in parsed:
        fields = {c: values[c] for c in CUSTOMER_COLUMNS if c in values}
        fields["relationship_manager"] = fields.get("relationship_manager") or user
        for column, default in DEFAULTS.items():
            if column in CUSTOMER_COLUMNS and fields.get(column) is None:
                fields[column] = default
        customer = Customer(
            **fields,
            created_by=user,
            collected_by=user,
            collected_on=today,
            classified_on=today,
        )
        customers.append(customer)
        if values.get("contact_name"):
            contacts.append(
                (
                    customer,
                    Contact(
                        name=values["contact_name"],
                        role=values.get("contact_role") or ContactRole.OTHER,
                        department=values.get("contact_department") or "",
                        position=values.get("contact_position") or "",
                        phone=values.get("contact_phone") or "",
                        email=values.get("contact_email") or "",
                        data_source=fields["data_source"],
                    ),
                )
            )
    with transaction.atomic():
        Customer.objects.bulk_create(customers, batch_size=500)
        for customer, contact in contacts:
            contact.customer = customer
        Contact.objects.bulk_create([c for _cust, c in contacts], batch_size=500)
        access_log_record(
            user=user,
            action=AccessLog.Action.IMPORT,
            category=AccessLog.Category.BASIC,
            request=request,
            detail=(
                f"{len(customers)} customers, {len(contacts)} contacts from "
                f"{getattr(uploaded, 'name', 'upload')}"
            ),
        )
    return len(customers)


def import_template_csv() -> bytes:
    """A CSV with the import header and one example row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(list(IMPORT_COLUMNS))
    example = {
        "name": "福州示例科技有限公司",
        "uscc": "91350100M000100Y43",
        "legal_form": "enterprise",
        "industry": "C",
        "size": "medium",
        "region": "福州",
        "tier": "general",
        "lifecycle_stage": "prospect",
        "cooperation_start": "2024-01-15",
        "contact_name": "王强",
        "contact_role": "finance",
    }
    writer.writerow([example.get(column, "") for column in IMPORT_COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _safe(value):
    """Neutralise spreadsheet formulas in text cells (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _export_rows(queryset):
    """Header and one row per customer, in a fixed number of queries."""
    yield list(EXPORT_COLUMNS)
    values = queryset.values_list(
        "id",
        "name",
        "uscc",
        "legal_form",
        "entity_type",
        "industry_id",
        "size",
        "region",
        "region_tier",
        "branch",
        "relationship_manager__username",
        "tier",
        "segment",
        "value_tier",
        "lifecycle_stage",
        "credit_grade",
        "risk_level",
        "risk_score",
        "cooperation_start",
        "approved_credit",
        "deposits",
        "intermediate_income",
        "products_held",
        "contribution_score",
        "created_at",
    ).order_by("name", "id")
    for row in values.iterator(chunk_size=2000):
        out = []
        for value in row:
            if isinstance(value, datetime):
                value = timezone.localtime(value).isoformat()
            elif isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = f"{value:.2f}"
            out.append(_safe(value))
        yield out


def customers_export(*, queryset, user, fmt: str, request=None) -> tuple[bytes, str, str]:
    """The caller's (already scoped and filtered) customers as CSV or XLSX; the export is logged."""
    from crm.exceptions import ActionForbidden, DomainError

    if not user.has_perm("customers.export_customers"):
        raise ActionForbidden(_("Your role may not export customers."))
    if fmt not in ("csv", "xlsx"):
        raise DomainError(_("Choose csv or xlsx."), field="format")
    rows = list(_export_rows(queryset))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
        # BOM: Excel opens UTF-8 CSV with Chinese names correctly only with it.
        content = ("\ufeff" + buffer.getvalue()).encode("utf-8")
        content_type = "text/csv; charset=utf-8"
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("customers")
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        workbook.save(out)
        content = out.getvalue()
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    access_log_record(
        user=user,
        action=AccessLog.Action.EXPORT,
        category=AccessLog.Category.BASIC,
        request=request,
        detail=f"{len(rows) - 1} customers as {fmt}",
    )
    return content, content_type, f"customers-{stamp}.{fmt}"
