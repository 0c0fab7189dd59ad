"""The dashboard's charts: which question each answers, who may see it, its table and its chart.

A chart turns one cached aggregate (dashboard/selectors.py) into a `Figure`: a table (the
accessible view and the CSV, with the same numbers) and a Chart.js configuration. The page, the
table view and the CSV download all come from the same `Figure`, so they cannot disagree.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from customers.choices import CreditGrade, RiskLevel
from interactions.choices import RequestKind
from loans.choices import ApprovalKind, Classification
from risk.choices import AlertResponse, AlertStatus, RuleCode, Severity

from . import selectors
from .cache import cached_aggregate

# Column kinds: how a cell is shown and written to CSV.
TEXT, INT, MONEY, PERCENT, HOURS = "text", "int", "money", "percent", "hours"

SEVERITY_COLOURS = {"red": "#dc3545", "orange": "#fd7e14", "yellow": "#ffc107"}
CLASS_COLOURS = ["#198754", "#0dcaf0", "#ffc107", "#fd7e14", "#dc3545"]
LEVEL_COLOURS = {"low": "#198754", "medium": "#ffc107", "high": "#dc3545"}


@dataclass
class Figure:
    """What one chart shows: a table with typed columns, a chart config and headline figures."""

    columns: list[tuple[str, str]]
    rows: list[list]
    chart: dict
    summary: list[tuple[str, object, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.rows

    def cells(self):
        """Rows as (value, kind) pairs for the template."""
        kinds = [kind for _label, kind in self.columns]
        return [list(zip(row, kinds, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Chart:
    """One dashboard chart."""

    key: str
    title: str
    question: str
    permission: str
    compute: Callable  # (user, filters) -> aggregate (cached)
    present: Callable  # (aggregate) -> Figure
    uses_product: bool = False
    uses_period: bool = True
    # Charts drawn from the same aggregate share it (one cache entry, one computation).
    data_key: str = ""

    def figure(self, *, user, filters, memo: dict | None = None) -> Figure:
        """The figure for this user and filters; `memo` shares aggregates within a request."""
        name = self.data_key or self.key
        memo = {} if memo is None else memo
        if name not in memo:
            memo[name] = cached_aggregate(
                name, user=user, filters=filters, compute=lambda: self.compute(user, filters)
            )
        return self.present(memo[name])


def _number(value) -> float | None:
    """A chart value (Chart.js wants numbers; tables and CSV keep the Decimal)."""
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def _label(choices, code: str) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return code or str(_("(none)"))


def _bar(labels, datasets, *, horizontal=False, stacked=False, unit="") -> dict:
    return {
        "type": "bar",
        "labels": [str(label) for label in labels],
        "datasets": [
            {
                "label": str(ds["label"]),
                "data": [_number(v) for v in ds["data"]],
                **({"backgroundColor": ds["colour"]} if ds.get("colour") else {}),
            }
            for ds in datasets
        ],
        "horizontal": horizontal,
        "stacked": stacked,
        "unit": unit,
        "integer": not unit,  # counts: no 1.5 customers on the axis
    }


# --- loan book ------------------------------------------------------------------------------


def _balance_present(data) -> Figure:
    zh = (get_language() or "").startswith("zh")
    rows = [
        [
            (row["name_zh"] if zh and row["name_zh"] else row["name"]) or "—",
            row["loans"],
            row["balance"],
        ]
        for row in data
    ]
    return Figure(
        columns=[(str(_("Group")), TEXT), (str(_("Loans")), INT), (str(_("Balance (CNY)")), MONEY)],
        rows=rows,
        chart=_bar(
            [r[0] for r in rows],
            [
                {
                    "label": _("Outstanding principal (CNY)"),
                    "data": [r[2] for r in rows],
                    "colour": "#0d6efd",
                }
            ],
            horizontal=True,
            unit="CNY",
        ),
    )


def _balance_chart(by: str, title, question) -> Chart:
    return Chart(
        key=f"balance-{by}",
        title=title,
        question=question,
        permission="loans.view_loan",
        compute=lambda user, filters: selectors.loan_balance(user=user, filters=filters, by=by),
        present=_balance_present,
        uses_product=True,
        uses_period=False,
    )


def _classification_present(data) -> Figure:
    rows = [
        [_label(Classification, row["classification"]), row["loans"], row["balance"]]
        for row in data["rows"]
    ]
    return Figure(
        columns=[
            (str(_("Classification")), TEXT),
            (str(_("Loans")), INT),
            (str(_("Balance (CNY)")), MONEY),
        ],
        rows=rows if data["loans"] else [],
        chart={
            "type": "doughnut",
            "labels": [r[0] for r in rows],
            "datasets": [
                {
                    "label": str(_("Balance (CNY)")),
                    "data": [_number(r[2]) for r in rows],
                    "backgroundColor": CLASS_COLOURS,
                }
            ],
            "unit": "CNY",
        },
        summary=[
            (str(_("NPL ratio (不良贷款率)")), data["npl_ratio"], PERCENT),
            (str(_("Non-performing balance")), data["npl_balance"], MONEY),
            (str(_("Total balance")), data["total_balance"], MONEY),
        ],
    )


DPD_LABELS = {
    "current": _("Current"),
    "1-30": _("1–30 days"),
    "31-60": _("31–60 days"),
    "61-90": _("61–90 days"),
    "91-180": _("91–180 days"),
    "181-270": _("181–270 days"),
    "271-360": _("271–360 days"),
    ">360": _("Over 360 days"),
}


def _dpd_present(data) -> Figure:
    rows = [[str(DPD_LABELS[row["bucket"]]), row["loans"], row["balance"]] for row in data]
    return Figure(
        columns=[
            (str(_("Days past due")), TEXT),
            (str(_("Loans")), INT),
            (str(_("Balance (CNY)")), MONEY),
        ],
        rows=rows if any(r[1] for r in rows) else [],
        chart=_bar(
            [r[0] for r in rows],
            [{"label": _("Balance (CNY)"), "data": [r[2] for r in rows], "colour": "#6f42c1"}],
            unit="CNY",
        ),
    )


# --- risk -----------------------------------------------------------------------------------


def _grade_present(data) -> Figure:
    rows = [
        [
            _label(CreditGrade, row["grade"]) if row["grade"] else str(_("Not graded")),
            *[row[level] for level in RiskLevel.values],
            row["total"],
        ]
        for row in data
    ]
    levels = [str(label) for label in RiskLevel.labels]
    return Figure(
        columns=[
            (str(_("Credit grade")), TEXT),
            *[(str(_("Risk %(level)s") % {"level": label}), INT) for label in levels],
            (str(_("Customers")), INT),
        ],
        rows=rows if any(r[-1] for r in rows) else [],
        chart=_bar(
            [r[0] for r in rows],
            [
                {"label": label, "data": [r[1 + i] for r in rows], "colour": LEVEL_COLOURS[code]}
                for i, (code, label) in enumerate(zip(RiskLevel.values, levels, strict=True))
            ],
            stacked=True,
        ),
    )


def _migration_present(data) -> Figure:
    grades = data["grades"]
    labels = [_label(CreditGrade, grade) for grade in grades]
    rows = [
        [
            labels[i],
            *[data["matrix"][grade][to] for to in grades],
            sum(data["matrix"][grade].values()),
        ]
        for i, grade in enumerate(grades)
    ]
    return Figure(
        columns=[
            (str(_("From grade")), TEXT),
            *[(str(_("To %(grade)s") % {"grade": label}), INT) for label in labels],
            (str(_("Customers")), INT),
        ],
        rows=rows if data["customers"] else [],
        chart=_bar(
            labels,
            [
                {
                    "label": _("To %(grade)s") % {"grade": label},
                    "data": [r[1 + i] for r in rows],
                    "colour": ["#198754", "#0dcaf0", "#dc3545"][i % 3],
                }
                for i, label in enumerate(labels)
            ],
            stacked=True,
        ),  # fmt: skip
        summary=[
            (str(_("From")), data["from_date"], "date"),
            (str(_("To")), data["to_date"], "date"),
            (str(_("Upgrades")), data["upgrades"], INT),
            (str(_("Downgrades")), data["downgrades"], INT),
            (str(_("Unchanged")), data["unchanged"], INT),
        ],
    )


def _alerts_present(data) -> Figure:
    rows = [
        [
            _label(RuleCode, row["rule"]),
            *[row[sev] for sev in Severity.values],
            row["total"],
            row["acknowledged"],
            row["median_hours"],
            row["p90_hours"],
        ]
        for row in data["by_rule"]
    ]
    return Figure(
        columns=[
            (str(_("Rule")), TEXT),
            *[(str(label), INT) for label in Severity.labels],
            (str(_("Alerts")), INT),
            (str(_("Acknowledged")), INT),
            (str(_("Median hours to acknowledge")), HOURS),
            (str(_("90th percentile hours")), HOURS),
        ],
        rows=rows,
        chart=_bar(
            [r[0] for r in rows],
            [
                {"label": label, "data": [r[1 + i] for r in rows], "colour": SEVERITY_COLOURS[code]}
                for i, (code, label) in enumerate(
                    zip(Severity.values, Severity.labels, strict=True)
                )
            ],
            horizontal=True,
            stacked=True,
        ),
        summary=[
            (str(_("Alerts raised")), data["total"], INT),
            (str(_("Median hours to acknowledge")), data["median_hours"], HOURS),
            (str(_("90th percentile hours")), data["p90_hours"], HOURS),
        ],
    )


def _outcomes_present(data) -> Figure:
    rows = [
        [
            _label(AlertStatus, row["status"]),
            _label(AlertResponse, row["response"]) if row["response"] else "—",
            row["alerts"],
        ]
        for row in data["outcomes"]
    ]
    return Figure(
        columns=[(str(_("Outcome")), TEXT), (str(_("Response")), TEXT), (str(_("Alerts")), INT)],
        rows=rows,
        chart={
            "type": "doughnut",
            "labels": [f"{r[0]} · {r[1]}" if r[1] != "—" else r[0] for r in rows],
            "datasets": [{"label": str(_("Alerts")), "data": [r[2] for r in rows]}],
        },
    )


# --- approvals ------------------------------------------------------------------------------


def _approvals_present(data) -> Figure:
    rows = []
    for row in data["stages"]:
        if row["kind"] == ApprovalKind.RISK_SIGN_OFF:
            stage = str(_("Risk sign-off"))
        else:
            stage = str(_("Approval level %(level)s") % {"level": row["level"]})
        rows.append([stage, row["decisions"], row["median_hours"], row["p90_hours"]])
    return Figure(
        columns=[
            (str(_("Stage")), TEXT),
            (str(_("Decisions")), INT),
            (str(_("Median hours")), HOURS),
            (str(_("90th percentile hours")), HOURS),
        ],
        rows=rows,
        chart=_bar(
            [r[0] for r in rows],
            [
                {"label": _("Median hours"), "data": [r[2] for r in rows], "colour": "#0d6efd"},
                {
                    "label": _("90th percentile hours"),
                    "data": [r[3] for r in rows],
                    "colour": "#adb5bd",
                },
            ],
            unit="h",
        ),
        summary=[
            (str(_("Applications decided")), data["decided"], INT),
            (str(_("Approved")), data["approved"], INT),
            (str(_("Rejected")), data["rejected"], INT),
            (str(_("Approval success rate")), data["success_rate"], PERCENT),
            (str(_("Median hours, submission to decision")), data["median_hours"], HOURS),
            (str(_("90th percentile hours, submission to decision")), data["p90_hours"], HOURS),
        ],
    )


# --- service --------------------------------------------------------------------------------


def _survey_present(data) -> Figure:
    rows = [
        [
            row["group"].strftime("%Y-%m"),
            row["responses"],
            row["nps"],
            row["csat_overall"],
            row["csat_top2_share"],
        ]
        for row in data
    ]
    return Figure(
        columns=[
            (str(_("Month")), TEXT),
            (str(_("Valid responses")), INT),
            (str(_("NPS")), "decimal"),
            (str(_("Mean CSAT (1–5)")), "decimal"),
            (str(_("CSAT 4–5 share")), PERCENT),
        ],
        rows=rows,
        chart={
            "type": "line",
            "labels": [r[0] for r in rows],
            "datasets": [
                {
                    "label": str(_("NPS")),
                    "data": [_number(r[2]) for r in rows],
                    "yAxisID": "y",
                    "borderColor": "#0d6efd",
                    "backgroundColor": "#0d6efd",
                },
                {
                    "label": str(_("Mean CSAT (1–5)")),
                    "data": [_number(r[3]) for r in rows],
                    "yAxisID": "y1",
                    "borderColor": "#198754",
                    "backgroundColor": "#198754",
                },
            ],
            "dualAxis": True,
        },  # fmt: skip
    )


def _sla_present(data) -> Figure:
    rows = [
        [
            _label(RequestKind, row["kind"]),
            row["received"],
            row["first_on_time"],
            row["first_late"],
            row["first_compliance"],
            row["reply_on_time"],
            row["reply_late"],
            row["reply_compliance"],
            row["resolved_on_time"],
            row["resolved_late"],
            row["resolved_compliance"],
        ]
        for row in data
    ]
    return Figure(
        columns=[
            (str(_("Kind")), TEXT),
            (str(_("Received")), INT),
            (str(_("First handling on time")), INT),
            (str(_("First handling late")), INT),
            (str(_("First handling compliance")), PERCENT),
            (str(_("Reply on time")), INT),
            (str(_("Reply late")), INT),
            (str(_("Reply compliance")), PERCENT),
            (str(_("Resolved by due date")), INT),
            (str(_("Resolved late or overdue")), INT),
            (str(_("Resolution compliance")), PERCENT),
        ],
        rows=rows,
        chart=_bar(
            [r[0] for r in rows],
            [
                {
                    "label": _("First handling compliance"),
                    "data": [r[4] for r in rows],
                    "colour": "#0d6efd",
                },
                {"label": _("Reply compliance"), "data": [r[7] for r in rows], "colour": "#198754"},
                {
                    "label": _("Resolution compliance"),
                    "data": [r[10] for r in rows],
                    "colour": "#6f42c1",
                },
            ],
            unit="%",
        ),
    )


# --- relationship managers ------------------------------------------------------------------


def _cadence_present(data) -> Figure:
    rows = [
        [
            row["relationship_manager"],
            row["customers"],
            row["on_schedule"],
            row["overdue"],
            row["compliance"],
        ]
        for row in data
    ]
    return Figure(
        columns=[
            (str(_("Relationship manager")), TEXT),
            (str(_("Customers")), INT),
            (str(_("Contacted within interval")), INT),
            (str(_("Contact overdue")), INT),
            (str(_("Compliance")), PERCENT),
        ],
        rows=rows,
        chart=_bar(
            [r[0] for r in rows],
            [{"label": _("Compliance"), "data": [r[4] for r in rows], "colour": "#20c997"}],
            horizontal=True,
            unit="%",
        ),
    )


def _completeness_present(data) -> Figure:
    rows = [
        [row["relationship_manager"], row["customers"], row["complete"], row["completeness"]]
        for row in data
    ]
    return Figure(
        columns=[
            (str(_("Relationship manager")), TEXT),
            (str(_("Customers")), INT),
            (str(_("Complete profiles")), INT),
            (str(_("Mean completeness")), PERCENT),
        ],
        rows=rows,
        chart=_bar(
            [r[0] for r in rows],
            [{"label": _("Mean completeness"), "data": [r[3] for r in rows], "colour": "#0dcaf0"}],
            horizontal=True,
            unit="%",
        ),
    )


def _alerts_compute(user, filters):
    return selectors.alert_stats(user=user, filters=filters)


CHARTS: tuple[Chart, ...] = (
    _balance_chart(
        "industry",
        _("Loan balance by industry"),
        _("Where is our lending concentrated by industry?"),
    ),
    _balance_chart("region", _("Loan balance by region"), _("Which regions carry our exposure?")),
    _balance_chart("product", _("Loan balance by product"), _("Which products carry the book?")),
    Chart(
        key="classification",
        title=_("Five-tier classification and NPL ratio"),
        question=_("How much of the book is non-performing (次级 + 可疑 + 损失)?"),
        permission="loans.view_loan",
        compute=lambda user, filters: selectors.classification_mix(user=user, filters=filters),
        present=_classification_present,
        uses_product=True,
        uses_period=False,
    ),
    Chart(
        key="dpd",
        title=_("Days-past-due ageing"),
        question=_("How long overdue are the loans that are behind?"),
        permission="loans.view_loan",
        compute=lambda user, filters: selectors.dpd_ageing(user=user, filters=filters),
        present=_dpd_present,
        uses_product=True,
        uses_period=False,
    ),
    Chart(
        key="grades",
        title=_("Credit grade and risk level"),
        question=_("How are our customers graded, and how risky are they?"),
        permission="customers.view_customer",
        compute=lambda user, filters: selectors.grade_distribution(user=user, filters=filters),
        present=_grade_present,
        uses_period=False,
    ),
    Chart(
        key="grade-migration",
        title=_("Credit grade migration"),
        question=_("Which customers' grades moved during the period, and which way?"),
        permission="risk.view_riskscore",
        compute=lambda user, filters: selectors.grade_migration(user=user, filters=filters),
        present=_migration_present,
    ),
    Chart(
        key="alerts",
        title=_("Alerts by rule and severity"),
        question=_("Which warning rules fire, how severe, and how fast are they acknowledged?"),
        permission="risk.view_alert",
        compute=_alerts_compute,
        present=_alerts_present,
    ),
    Chart(
        key="alert-outcomes",
        title=_("Alert outcomes"),
        question=_("How were the closed alerts resolved?"),
        permission="risk.view_alert",
        compute=_alerts_compute,
        present=_outcomes_present,
        data_key="alerts",
    ),
    Chart(
        key="approvals",
        title=_("Approval cycle time and success rate"),
        question=_("Where do applications wait, and how many are approved?"),
        permission="loans.view_loanapplication",
        compute=lambda user, filters: selectors.approval_stats(user=user, filters=filters),
        present=_approvals_present,
        uses_product=True,
    ),
    Chart(
        key="surveys",
        title=_("Satisfaction trend (CSAT and NPS)"),
        question=_("Are customers more or less satisfied month by month?"),
        permission="interactions.view_surveyresponse",
        compute=lambda user, filters: selectors.survey_trend(user=user, filters=filters),
        present=_survey_present,
    ),
    Chart(
        key="service-sla",
        title=_("Service and complaint SLA compliance"),
        question=_("Do we handle, answer and resolve feedback in time (24 h / 48 h)?"),
        permission="interactions.view_servicerequest",
        compute=lambda user, filters: selectors.service_sla(user=user, filters=filters),
        present=_sla_present,
    ),
    Chart(
        key="contact-cadence",
        title=_("Contact cadence compliance per RM"),
        question=_("Which relationship managers keep in touch with their customers as planned?"),
        permission="interactions.view_interaction",
        compute=lambda user, filters: selectors.contact_cadence(user=user, filters=filters),
        present=_cadence_present,
    ),
    Chart(
        key="profile-completeness",
        title=_("Profile completeness per RM"),
        question=_("Whose customer files are incomplete (data quality)?"),
        permission="customers.view_customer",
        compute=lambda user, filters: selectors.profile_completeness(user=user, filters=filters),
        present=_completeness_present,
        uses_period=False,
    ),
)
CHARTS_BY_KEY = {chart.key: chart for chart in CHARTS}


def charts_for(user) -> list[Chart]:
    """The charts this user's role may see."""
    return [chart for chart in CHARTS if user.has_perm(chart.permission)]
