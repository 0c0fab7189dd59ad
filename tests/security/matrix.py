# ruff: noqa: E501  (a data table: one row per line reads better than wrapped rows)
"""The access policy as data: every page and API endpoint x every kind of caller.

Each row is one request (method + path) and the exact status each actor gets, in the order
of `ACTORS` (tests/security/world.py):

    anonymous  no_role  rm_owner  rm_same_team  rm_other_team  lead_own_team
    lead_other_team  approver  risk_officer  admin

The world's objects all hang off one customer owned by `rm_owner` (Team A), so the columns
cover in-scope and out-of-scope both ways: the owner and Team A's lead are in scope; the
other Team A RM, Team B's RM and Team B's lead are out of scope (404, the object's existence
must not leak); approvers, risk officers and admins see every customer. Anonymous callers get
401 from the API and a redirect to the login page (302) from pages. A role that may not do
the action gets 403. A code ending in "r" (e.g. "302r") is a
refusal without an error status: a page that redirects back and shows the reason as a
message. A denied write (any 4xx, or an "r" code, on a non-GET) must change nothing in the
database: tests/security/test_permission_matrix.py compares a snapshot of every table of the
project's apps before and after.

Paths and bodies are templates over the world's ids (`{customer}`, `{loan}`, ...).
Adding an endpoint = adding one `Row(...)` line here; tests/security/test_url_coverage.py
fails until every URL pattern (and every method of every API route) has a row or a reasoned
entry in `EXCLUDED`. docs/security.md's policy table is generated from this module
(`python manage.py security_matrix --markdown`).
"""

from dataclasses import dataclass, field

from tests.security.world import ACTORS

__all__ = ["ACTORS", "EXCLUDED", "ROWS", "Row"]


@dataclass(frozen=True)
class Row:
    """One request and the exact status each actor gets (ten codes, in `ACTORS` order)."""

    method: str
    path: str
    name: str
    expect: str
    data: dict | None = field(default=None, hash=False, compare=False)
    format: str = "json"  # "json" or "multipart" (API), "form" (pages)
    note: str = ""

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")

    @property
    def statuses(self) -> dict[str, int]:
        codes = [int(code.rstrip("r")) for code in self.expect.split()]
        if len(codes) != len(ACTORS):
            raise ValueError(f"{self.method} {self.path}: {len(codes)} statuses, not {len(ACTORS)}")
        return dict(zip(ACTORS, codes, strict=True))

    @property
    def refused(self) -> frozenset[str]:
        """Actors whose request is refused without an error status ("302r": a page that
        redirects back with the reason as a message); like a 4xx, nothing may change."""
        return frozenset(
            actor
            for actor, code in zip(ACTORS, self.expect.split(), strict=True)
            if code.endswith("r")
        )


# Common policies, named so a row reads as a sentence. Order as in ACTORS:
#                anon nobody owner same other leadA leadB approver risk admin
API_ANY_USER = (
    "  401 200    200   200  200   200   200   200      200  200"  # lists only visible rows
)
API_LIST = "      401 403    200   200  200   200   200   200      200  200"  # role-checked list
API_SCOPED = "    401 404    200   404  404   200   404   200      200  200"  # scoped object
API_ROLE_SCOPED = (
    "401 403    200   404  404   200   404   200      200  200"  # role check, then scope
)
API_OWNER_ONLY = "401 404    200   404  404   404   404   404      404  404"  # the caller's own
API_TEAM_OWN = (
    "  401 404    200   404  404   200   404   404      404  200"  # owner, their lead, admin
)
PAGE_ANY_USER = " 302 200    200   200  200   200   200   200      200  200"
PAGE_LIST = "     302 403    200   200  200   200   200   200      200  200"
PAGE_SCOPED = "   302 404    200   404  404   200   404   200      200  200"
PAGE_ROLE_SCOPED = "302 403  200   404  404   200   404   200      200  200"

ROWS: list[Row] = [
    # ---------------------------------------------------------------- shell, auth, health
    Row("GET", "/", "worklist", PAGE_ANY_USER),
    Row("GET", "/healthz", "healthz", "200 200 200 200 200 200 200 200 200 200",
        note="public liveness probe: no data"),
    Row("GET", "/accounts/login/", "login", "200 200 200 200 200 200 200 200 200 200"),
    Row("POST", "/accounts/logout/", "logout", "302 302 302 302 302 302 302 302 302 302",
        format="form"),
    Row("GET", "/accounts/password/", "password_change", PAGE_ANY_USER),
    Row("GET", "/accounts/password/done/", "password_change_done", PAGE_ANY_USER),
    Row("POST", "/i18n/setlang/", "set_language", "302 302 302 302 302 302 302 302 302 302",
        data={"language": "zh-hans", "next": "/"}, format="form"),
    Row("POST", "/api/v1/auth/token/", "api:token", "400 400 400 400 400 400 400 400 400 400",
        data={"username": "m_rm_owner", "password": "wrong"},
        note="wrong password: 400 for everyone"),
    Row("GET", "/api/v1/schema/", "api:schema", API_ANY_USER),
    Row("GET", "/api/v1/docs/", "api:docs", API_ANY_USER),
    # ---------------------------------------------------------------- customers API
    Row("GET", "/api/v1/customers/", "api:customer-list", API_LIST),
    Row("POST", "/api/v1/customers/", "api:customer-list",
        "401 403 201 201 201 403 403 403 403 400",
        data={"name": "New Co., Ltd.", "uscc": "913100000000009994", "legal_form": "enterprise",
              "industry": "C", "size": "small", "region": "Shanghai"},
        note="admin: 400, must name the relationship manager (defaults to the creating RM)"),
    Row("GET", "/api/v1/customers/export/", "api:customer-export",
        "401 403 200 200 200 200 200 403 403 200"),
    Row("POST", "/api/v1/customers/import/", "api:customer-import",
        "401 403 400 400 400 403 403 403 403 400", data={}, format="multipart",
        note="no file: 400 for roles that may import"),
    Row("GET", "/api/v1/customers/{customer}/", "api:customer-detail", API_ROLE_SCOPED),
    Row("PATCH", "/api/v1/customers/{customer}/", "api:customer-detail",
        "401 403 200 404 404 200 404 403 403 200", data={"region": "Suzhou"}),
    Row("PUT", "/api/v1/customers/{customer}/", "api:customer-detail",
        "401 403 405 405 405 405 405 403 403 405", data={"region": "Suzhou"}),
    Row("GET", "/api/v1/customers/{customer}/contacts/", "api:customer-contact-list", API_SCOPED),
    Row("POST", "/api/v1/customers/{customer}/contacts/", "api:customer-contact-list",
        "401 404 201 404 404 403 404 403 403 201",
        data={"name": "Li Wei", "role": "finance", "position": "CFO"}),
    Row("GET", "/api/v1/customers/{customer}/contacts/{contact}/", "api:customer-contact-detail",
        API_SCOPED),
    Row("PATCH", "/api/v1/customers/{customer}/contacts/{contact}/", "api:customer-contact-detail",
        "401 404 200 404 404 403 404 403 403 200", data={"position": "CEO"}),
    Row("DELETE", "/api/v1/customers/{customer}/contacts/{contact}/",
        "api:customer-contact-detail", "401 404 204 404 404 403 404 403 403 204"),
    Row("GET", "/api/v1/customers/{customer}/financial-statements/",
        "api:customer-statement-list", API_SCOPED),
    Row("POST", "/api/v1/customers/{customer}/financial-statements/",
        "api:customer-statement-list", "401 404 201 404 404 403 404 403 403 201",
        data={"period_end": "2024-12-31", "revenue": "900000.00", "total_assets": "1800000.00",
              "total_liabilities": "900000.00"}),
    Row("GET", "/api/v1/customers/{customer}/financial-statements/{statement}/",
        "api:customer-statement-detail", API_SCOPED),
    Row("PATCH", "/api/v1/customers/{customer}/financial-statements/{statement}/",
        "api:customer-statement-detail", "401 404 200 404 404 403 404 403 403 200",
        data={"revenue": "1100000.00"}),
    Row("GET", "/api/v1/customers/{customer}/risk-scores/", "api:customer-risk-scores",
        API_SCOPED),
    # ---------------------------------------------------------------- loans API
    Row("GET", "/api/v1/loan-products/", "api:loan-product-list", API_ANY_USER),
    Row("GET", "/api/v1/loan-products/1/", "api:loan-product-detail", API_ANY_USER),
    Row("GET", "/api/v1/loan-applications/", "api:loan-application-list", API_ANY_USER),
    Row("POST", "/api/v1/loan-applications/", "api:loan-application-list",
        "401 403 201 400 400 403 403 403 403 403",
        data={"customer": "{customer}", "product": "WCL", "amount": "500000.00",
              "term_months": 12, "annual_rate": "4.3500", "repayment_method": "bullet",
              "purpose": "Stock", "guarantee_method": "credit"}),
    Row("GET", "/api/v1/loan-applications/{draft}/", "api:loan-application-detail", API_SCOPED),
    Row("PATCH", "/api/v1/loan-applications/{draft}/", "api:loan-application-detail",
        "401 404 200 404 404 403 404 403 403 403", data={"purpose": "Stock and wages"}),
    Row("PUT", "/api/v1/loan-applications/{draft}/", "api:loan-application-detail",
        "401 405 405 405 405 405 405 405 405 405", data={"purpose": "Stock and wages"}),
    Row("POST", "/api/v1/loan-applications/{draft}/collateral/",
        "api:loan-application-add-collateral", "401 404 201 404 404 403 404 403 403 403",
        data={"kind": "equipment", "owner_name": "Matrix", "value": "300000.00",
              "valuation_date": "2026-01-05", "security_interest": "mortgage"}),
    Row("DELETE", "/api/v1/loan-applications/{draft}/collateral/{collateral}/",
        "api:loan-application-remove-collateral", "401 404 204 404 404 403 404 403 403 403"),
    Row("POST", "/api/v1/loan-applications/{draft}/guarantors/",
        "api:loan-application-add-guarantor", "401 404 201 404 404 403 404 403 403 403",
        data={"kind": "institution", "customer": "{related}", "amount": "100000.00"}),
    Row("DELETE", "/api/v1/loan-applications/{draft}/guarantors/{guarantor}/",
        "api:loan-application-remove-guarantor", "401 404 204 404 404 403 404 403 403 403"),
    Row("GET", "/api/v1/loan-applications/{submitted}/approvals/",
        "api:loan-application-approvals", API_SCOPED),
    Row("GET", "/api/v1/loan-applications/{submitted}/events/", "api:loan-application-events",
        API_SCOPED),
    Row("POST", "/api/v1/loan-applications/{draft}/submit/", "api:loan-application-submit",
        "401 404 200 404 404 403 404 403 403 403", data={"comment": "ready"}),
    Row("POST", "/api/v1/loan-applications/{submitted}/approve/", "api:loan-application-approve",
        "401 404 403 404 404 403 404 200 403 403", data={"comment": "ok"}),
    Row("POST", "/api/v1/loan-applications/{submitted}/reject/", "api:loan-application-reject",
        "401 404 403 404 404 403 404 200 403 403", data={"comment": "no"}),
    Row("POST", "/api/v1/loan-applications/{submitted}/return/", "api:loan-application-return-",
        "401 404 403 404 404 403 404 200 200 403", data={"comment": "fix it"}),
    Row("POST", "/api/v1/loan-applications/{submitted}/risk-sign-off/",
        "api:loan-application-risk-sign-off", "401 404 403 404 404 403 404 403 409 403",
        data={"comment": "fine"}),
    Row("POST", "/api/v1/loan-applications/{approved}/sign-contract/",
        "api:loan-application-sign-contract", "401 404 200 404 404 403 404 403 403 403",
        data={"comment": ""}),
    Row("POST", "/api/v1/loan-applications/{signed}/disburse/", "api:loan-application-disburse",
        "401 404 200 404 404 403 404 403 403 403", data={"disbursed_on": "{today}"}),
    Row("GET", "/api/v1/loans/", "api:loan-list", API_ANY_USER),
    Row("GET", "/api/v1/loans/{loan}/", "api:loan-detail", API_SCOPED),
    Row("GET", "/api/v1/loans/{loan}/schedule/", "api:loan-schedule", API_SCOPED),
    Row("GET", "/api/v1/loans/{loan}/classification-history/",
        "api:loan-classification-history", API_SCOPED),
    Row("GET", "/api/v1/loans/{loan}/repayments/", "api:loan-repayments", API_SCOPED),
    Row("POST", "/api/v1/loans/{loan}/repayments/", "api:loan-repayments",
        "401 404 201 404 404 403 404 403 403 403",
        data={"paid_on": "{today}", "amount": "100.00"}),
    Row("POST", "/api/v1/loans/{loan}/repayments/{repayment}/reverse/",
        "api:loan-reverse-repayment", "401 404 200 404 404 403 404 403 403 403",
        data={"reason": "posted twice"}),
    Row("POST", "/api/v1/loans/{loan}/propose-classification/",
        "api:loan-propose-classification", "401 404 409 404 404 403 404 409 409 403",
        data={"classification": "substandard", "reason": "Sales fell"},
        note="a proposal is already pending: 409 for roles that may propose"),
    Row("GET", "/api/v1/classification-proposals/", "api:classification-proposal-list",
        API_ANY_USER),
    Row("GET", "/api/v1/classification-proposals/{proposal}/",
        "api:classification-proposal-detail", API_SCOPED),
    Row("POST", "/api/v1/classification-proposals/{proposal}/approve/",
        "api:classification-proposal-approve", "401 404 403 404 404 403 404 403 200 403",
        data={"note": "agreed"}),
    Row("POST", "/api/v1/classification-proposals/{proposal}/reject/",
        "api:classification-proposal-reject", "401 404 403 404 404 403 404 403 200 403",
        data={"note": "no"}),
    # ---------------------------------------------------------------- risk API
    Row("GET", "/api/v1/alerts/", "api:alert-list", API_ANY_USER),
    Row("POST", "/api/v1/alerts/", "api:alert-list", "401 404 403 404 404 403 404 403 201 201",
        data={"customer": "{customer}", "category": "litigation", "severity": "red",
              "message": "Lawsuit filed"}),
    Row("GET", "/api/v1/alerts/{alert}/", "api:alert-detail", API_SCOPED),
    Row("GET", "/api/v1/alerts/{alert}/events/", "api:alert-events", API_SCOPED),
    Row("GET", "/api/v1/alerts/{alert}/comments/", "api:alert-comments", API_SCOPED),
    Row("POST", "/api/v1/alerts/{alert}/comments/", "api:alert-comments",
        "401 404 201 404 404 201 404 201 201 201", data={"body": "Called the CFO"}),
    Row("POST", "/api/v1/alerts/{alert}/acknowledge/", "api:alert-acknowledge",
        "401 404 200 404 404 200 404 403 200 200", data={"note": "seen"}),
    Row("POST", "/api/v1/alerts/{alert}/escalate/", "api:alert-escalate",
        "401 404 200 404 404 200 404 403 200 200", data={"note": "serious"}),
    Row("POST", "/api/v1/alerts/{alert}/resolve/", "api:alert-resolve",
        "401 404 200 404 404 200 404 403 200 200",
        data={"response": "adjust_terms", "note": "new terms"}),
    Row("POST", "/api/v1/alerts/{alert}/dismiss/", "api:alert-dismiss",
        "401 404 403 404 404 403 404 403 200 200", data={"note": "false positive"}),
    Row("POST", "/api/v1/alerts/{alert}/assign/", "api:alert-assign",
        "401 404 403 404 404 403 404 403 200 200", data={"assignee": "{owner}"}),
    # ---------------------------------------------------------------- interactions API
    Row("GET", "/api/v1/interactions/", "api:interaction-list", API_LIST),
    Row("POST", "/api/v1/interactions/", "api:interaction-list",
        "401 403 201 400 400 403 403 403 403 201",
        data={"customer": "{customer}", "channel": "phone", "purpose": "regular_visit",
              "occurred_at": "2026-01-05T10:00:00+08:00", "summary": "Talked about Q3"}),
    Row("GET", "/api/v1/interactions/{interaction}/", "api:interaction-detail", API_ROLE_SCOPED),
    Row("PATCH", "/api/v1/interactions/{interaction}/", "api:interaction-detail",
        "401 403 200 404 404 403 403 403 403 200", data={"summary": "Talked about Q4"}),
    Row("PUT", "/api/v1/interactions/{interaction}/", "api:interaction-detail",
        "401 403 405 405 405 403 403 403 403 405", data={"summary": "Talked about Q4"}),
    Row("GET", "/api/v1/tasks/", "api:task-list", API_ANY_USER),
    Row("POST", "/api/v1/tasks/", "api:task-list", "401 201 201 201 201 201 201 201 201 201",
        data={"title": "Prepare the visit", "due_date": "{today}"}),
    Row("GET", "/api/v1/tasks/{task}/", "api:task-detail", API_TEAM_OWN),
    Row("POST", "/api/v1/tasks/{task}/complete/", "api:task-complete", API_TEAM_OWN),
    Row("POST", "/api/v1/tasks/{task}/cancel/", "api:task-cancel", API_TEAM_OWN),
    Row("GET", "/api/v1/service-requests/", "api:service-request-list", "401 403 200 200 200 200 200 403 200 200"),
    Row("POST", "/api/v1/service-requests/", "api:service-request-list",
        "401 403 201 400 400 201 400 403 403 201",
        data={"customer": "{customer}", "kind": "complaint", "urgency": "medium",
              "summary": "Late statement"}),
    Row("GET", "/api/v1/service-requests/{service_request}/", "api:service-request-detail",
        "401 403 200 404 404 200 404 403 200 200"),
    Row("PATCH", "/api/v1/service-requests/{service_request}/", "api:service-request-detail",
        "401 403 200 404 404 200 404 403 403 200", data={"summary": "Late statements"}),
    Row("PUT", "/api/v1/service-requests/{service_request}/", "api:service-request-detail",
        "401 403 405 405 405 405 405 403 403 405", data={"summary": "Late statements"}),
    Row("GET", "/api/v1/service-requests/{service_request}/events/",
        "api:service-request-events", "401 403 200 404 404 200 404 403 200 200"),
    Row("POST", "/api/v1/service-requests/{service_request}/progress/",
        "api:service-request-progress", "401 403 201 404 404 201 404 403 403 201",
        data={"note": "Called back"}),
    Row("POST", "/api/v1/service-requests/{service_request}/advance/",
        "api:service-request-advance", "401 403 200 404 404 200 404 403 403 200",
        data={"to_status": "assigned", "note": "On it", "action_plan": "Call back today",
              "due_date": "{today}"}),
    Row("GET", "/api/v1/surveys/summary/", "api:survey-summary", "401 403 200 200 200 200 200 403 200 200"),
    Row("GET", "/api/v1/surveys/responses/", "api:survey-response-list", "401 403 200 200 200 200 200 403 200 200"),
    Row("POST", "/api/v1/surveys/responses/", "api:survey-response-list",
        "401 403 201 400 400 403 403 403 403 201",
        data={"customer": "{customer}", "responded_on": "{today}",
              "csat": {"staff_attitude": 5}, "nps": 10}),
    Row("POST", "/api/v1/surveys/responses/import/", "api:survey-response-import-file",
        "401 403 400 400 400 403 403 403 403 400", data={}, format="multipart"),
    Row("GET", "/api/v1/surveys/responses/{survey}/", "api:survey-response-detail", "401 403 200 404 404 200 404 403 200 200"),
    Row("POST", "/api/v1/surveys/responses/{survey}/validity/", "api:survey-response-validity",
        "401 403 200 404 404 200 404 403 403 200",
        data={"is_valid": False, "invalid_reason": "Duplicate"}),
    Row("GET", "/api/v1/visit-plans/", "api:visit-plan-list", "401 403 200 200 200 200 200 403 403 200"),
    Row("POST", "/api/v1/visit-plans/", "api:visit-plan-list",
        "401 403 201 400 400 403 403 403 403 201",
        data={"customer": "{customer}", "planned_for": "{today}", "agenda": "Annual review"}),
    Row("GET", "/api/v1/visit-plans/{visit_plan}/", "api:visit-plan-detail", "401 403 200 404 404 200 404 403 403 200"),
    Row("POST", "/api/v1/visit-plans/{visit_plan}/cancel/", "api:visit-plan-cancel",
        "401 403 200 404 404 403 403 403 403 200"),
    Row("GET", "/api/v1/improvement-actions/", "api:improvement-action-list", "401 403 200 200 200 200 200 403 403 200"),
    Row("POST", "/api/v1/improvement-actions/", "api:improvement-action-list",
        "401 403 201 201 201 201 201 403 403 201",
        data={"title": "Shorter queues", "finding": "Waits", "owner": "{owner}",
              "due_date": "{today}"}),
    Row("GET", "/api/v1/improvement-actions/{improvement}/", "api:improvement-action-detail",
        "401 403 200 404 404 200 404 403 403 200"),
    Row("POST", "/api/v1/improvement-actions/{improvement}/advance/",
        "api:improvement-action-advance", "401 403 200 404 404 200 404 403 403 200",
        data={"status": "implementing"}),
    # ---------------------------------------------------------------- notifications API
    Row("GET", "/api/v1/notifications/", "api:notification-list", API_ANY_USER),
    Row("GET", "/api/v1/notifications/unread-count/", "api:notification-unread-count", API_ANY_USER),
    Row("POST", "/api/v1/notifications/mark-all-read/", "api:notification-mark-all-read",
        API_ANY_USER),
    Row("GET", "/api/v1/notifications/{notification}/", "api:notification-detail",
        API_OWNER_ONLY),
    Row("POST", "/api/v1/notifications/{notification}/mark-read/",
        "api:notification-mark-read", API_OWNER_ONLY),
    Row("POST", "/api/v1/notifications/{notification}/acknowledge/",
        "api:notification-acknowledge", "401 404 400 404 404 404 404 404 404 404"),
    # ---------------------------------------------------------------- customer pages
    Row("GET", "/customers/", "customers:customer-list", PAGE_LIST),
    Row("GET", "/customers/new/", "customers:customer-create",
        "302 403 200 200 200 403 403 403 403 200"),
    Row("GET", "/customers/import/", "customers:customer-import",
        "302 403 200 200 200 403 403 403 403 200"),
    Row("GET", "/customers/import/template.csv", "customers:import-template",
        "302 403 200 200 200 403 403 403 403 200"),
    Row("GET", "/customers/export/", "customers:customer-export",
        "302 403 200 200 200 200 200 403 403 200"),
    Row("GET", "/customers/reviews/", "customers:review-list", PAGE_LIST),
    Row("GET", "/customers/{customer}/", "customers:customer-detail", PAGE_SCOPED),
    Row("GET", "/customers/{customer}/edit/", "customers:customer-edit",
        "302 404 200 404 404 200 404 403 403 200"),
    Row("POST", "/customers/{customer}/classification/", "customers:customer-classify",
        "302 404 200 404 404 200 404 403 403 200", data={"reason": "x"}, format="form"),
    Row("POST", "/customers/{customer}/review/", "customers:customer-review",
        "302 404 302 404 404 302 404 403 403 302", data={"reason": "x"}, format="form"),
    Row("GET", "/customers/{customer}/reassign/", "customers:customer-reassign",
        "302 404 403 404 404 200 404 403 403 200"),
    Row("GET", "/customers/{customer}/contacts/new/", "customers:contact-create",
        "302 404 200 404 404 403 404 403 403 200"),
    Row("GET", "/customers/{customer}/contacts/{contact}/", "customers:contact-edit",
        "302 404 200 404 404 403 404 403 403 200"),
    Row("POST", "/customers/{customer}/contacts/{contact}/delete/", "customers:contact-delete",
        "302 404 302 404 404 403 404 403 403 302", format="form"),
    Row("POST", "/customers/{customer}/contacts/{contact}/reveal/", "customers:contact-reveal",
        "302 404 200 404 404 403 404 403 403 200", format="form"),
    Row("GET", "/customers/{customer}/statements/new/", "customers:statement-create",
        "302 404 200 404 404 403 404 403 403 200"),
    Row("GET", "/customers/{customer}/statements/{statement}/", "customers:statement-edit",
        "302 404 200 404 404 403 404 403 403 200"),
    Row("GET", "/customers/{customer}/needs/new/", "customers:need-create",
        "302 404 200 404 404 403 404 403 403 200"),
    Row("GET", "/customers/{customer}/needs/{need}/", "customers:need-edit",
        "302 404 200 404 404 403 404 403 403 200"),
    Row("GET", "/customers/{customer}/relations/new/", "customers:relation-create",
        "302 404 200 404 404 200 404 403 403 200"),
    Row("POST", "/customers/{customer}/relations/{relation}/delete/",
        "customers:relation-delete", "302 404 302 404 404 302 404 403 403 302", format="form"),
    Row("POST", "/customers/{customer}/onboarding/", "customers:onboarding-record",
        "302 404 200 404 404 200 404 403 403 200", data={}, format="form"),
    Row("POST", "/customers/{customer}/criteria/", "customers:criterion-record",
        "302 404 200 404 404 200 404 403 403 200", data={}, format="form"),
    # ---------------------------------------------------------------- loan pages
    Row("GET", "/loans/applications/", "loans:application-list", PAGE_ANY_USER),
    Row("GET", "/loans/applications/new/", "loans:application-create",
        "302 302r 200 200 200 302r 302r 302r 302r 302r"),
    Row("GET", "/loans/applications/{draft}/", "loans:application-detail", PAGE_SCOPED),
    Row("GET", "/loans/applications/{draft}/edit/", "loans:application-edit",
        "302 404 200 404 404 403 404 403 403 403"),
    Row("POST", "/loans/applications/{draft}/actions/submit/", "loans:application-action",
        "302 404 302 404 404 302r 404 302r 302r 302r", data={"comment": "ready"}, format="form"),
    Row("POST", "/loans/applications/{draft}/materials/", "loans:materials-update",
        "302 404 302 404 404 302r 404 302r 302r 302r", data={}, format="form"),
    Row("POST", "/loans/applications/{draft}/collateral/", "loans:collateral-add",
        "302 404 302 404 404 302r 404 302r 302r 302r",
        data={"kind": "equipment", "owner_name": "Matrix", "value": "300000.00",
              "valuation_date": "2026-01-05", "security_interest": "mortgage"}, format="form"),
    Row("POST", "/loans/applications/{draft}/collateral/{collateral}/remove/",
        "loans:collateral-remove", "302 404 302 404 404 302r 404 302r 302r 302r", format="form"),
    Row("POST", "/loans/applications/{draft}/guarantors/", "loans:guarantor-add",
        "302 404 302 404 404 302r 404 302r 302r 302r",
        data={"kind": "institution", "customer": "{related}", "amount": "100000.00"},
        format="form"),
    Row("POST", "/loans/applications/{draft}/guarantors/{guarantor}/remove/",
        "loans:guarantor-remove", "302 404 302 404 404 302r 404 302r 302r 302r", format="form"),
    Row("GET", "/loans/{loan}/", "loans:loan-detail", PAGE_SCOPED),
    Row("POST", "/loans/{loan}/repayments/", "loans:repayment-create",
        "302 404 302 404 404 302r 404 302r 302r 302r",
        data={"paid_on": "{today}", "amount": "100.00"}, format="form"),
    Row("POST", "/loans/{loan}/repayments/{repayment}/reverse/", "loans:repayment-reverse",
        "302 404 302 404 404 302r 404 302r 302r 302r", data={"reason": "posted twice"},
        format="form"),
    Row("POST", "/loans/{loan}/propose-classification/", "loans:propose",
        "302 404 302 404 404 302r 404 302 302 302r",
        data={"classification": "substandard", "reason": "Sales fell"}, format="form"),
    Row("POST", "/loans/{loan}/proposals/{proposal}/approve/", "loans:proposal-decide",
        "302 404 302r 404 404 302r 404 302r 302 302r", data={"note": "agreed"}, format="form"),
    # ---------------------------------------------------------------- risk pages
    Row("GET", "/risk/alerts/", "risk:alert-list", PAGE_ANY_USER),
    Row("POST", "/risk/alerts/bulk/", "risk:alert-bulk", "302 302 302 302 302 302 302 302 302 302",
        data={"action": "acknowledge", "alerts": ["{alert}"]}, format="form"),
    Row("GET", "/risk/alerts/new/", "risk:alert-create", "302 403 403 403 403 403 403 403 200 200"),
    Row("GET", "/risk/alerts/{alert}/", "risk:alert-detail", PAGE_SCOPED),
    Row("POST", "/risk/alerts/{alert}/acknowledge/", "risk:alert-action",
        "302 404 302 404 404 302 404 403 302 302", data={"note": "seen"}, format="form"),
    Row("GET", "/risk/events/", "risk:event-list", PAGE_ANY_USER),
    Row("GET", "/risk/post-loan-checks/", "risk:post-loan-checks", PAGE_ANY_USER),
    Row("GET", "/risk/watch-list/", "risk:watch-list", PAGE_ANY_USER),
    Row("POST", "/risk/watch-list/{watch}/review/", "risk:watch-list-action",
        "302 404 302r 404 404 302r 404 302r 302 302", data={"note": "still"}, format="form"),
    # ---------------------------------------------------------------- interaction pages
    Row("GET", "/interactions/", "interactions:interaction-list", PAGE_LIST),
    Row("GET", "/interactions/{interaction}/", "interactions:interaction-detail", PAGE_ROLE_SCOPED),
    Row("GET", "/interactions/customers/{customer}/timeline/", "interactions:customer-timeline",
        PAGE_SCOPED),
    Row("GET", "/interactions/contact-choices/?customer={customer}",
        "interactions:contact-choices", "302 403 200 200 200 403 403 403 403 200"),
    Row("GET", "/interactions/visits/", "interactions:visit-plan-list", "302 403 200 200 200 200 200 403 403 200"),
    Row("GET", "/interactions/tasks/", "interactions:task-list", PAGE_ANY_USER),
    Row("POST", "/interactions/tasks/{task}/complete/", "interactions:task-complete",
        "302 404 302 404 404 302 404 404 404 302", format="form"),
    Row("GET", "/interactions/service-requests/", "interactions:service-request-list", "302 403 200 200 200 200 200 403 200 200"),
    Row("GET", "/interactions/service-requests/new/", "interactions:service-request-create",
        "302 403 200 200 200 200 200 403 403 200"),
    Row("GET", "/interactions/service-requests/{service_request}/",
        "interactions:service-request-detail", "302 403 200 404 404 200 404 403 200 200"),
    Row("GET", "/interactions/surveys/", "interactions:survey-results", "302 403 200 200 200 200 200 403 200 200"),
    Row("GET", "/interactions/surveys/new/", "interactions:survey-create",
        "302 403 200 200 200 403 403 403 403 200"),
    # ---------------------------------------------------------------- notification pages
    Row("GET", "/notifications/", "notifications:notification-list", PAGE_ANY_USER),
    Row("GET", "/notifications/bell/", "notifications:bell", PAGE_ANY_USER),
    Row("POST", "/notifications/read-all/", "notifications:notification-mark-all-read",
        "302 302 302 302 302 302 302 302 302 302", format="form"),
    Row("POST", "/notifications/{notification}/read/", "notifications:notification-mark-read",
        "302 404 302 404 404 404 404 404 404 404", format="form"),
    Row("POST", "/notifications/{notification}/acknowledge/",
        "notifications:notification-acknowledge", "302 404 302 404 404 404 404 404 404 404",
        format="form"),
    Row("GET", "/notifications/ops/", "notifications:ops", "302 403 403 403 403 403 403 403 403 200"),
    # ---------------------------------------------------------------- privacy API
    Row("GET", "/api/v1/customers/{customer}/consents/", "api:customer-consent-list",
        API_SCOPED,
        note="nested under the customer: its scope is checked first, so no role gets 404 (as for its contacts)"),
    Row("POST", "/api/v1/customers/{customer}/consents/", "api:customer-consent-list",
        "401 404 201 404 404 403 404 403 403 201",
        data={"contact": "{consenting}", "purpose": "marketing", "scope": ["basic"],
              "retention_months": 12, "notice_version": "2026-01",
              "given_at": "2026-01-05T09:00:00+08:00", "evidence": "Signed form"},
        note="only the owner (and admin) records consents; the collector meets the people"),
    Row("GET", "/api/v1/customers/{customer}/consents/{consent}/", "api:customer-consent-detail",
        API_SCOPED),
    Row("POST", "/api/v1/customers/{customer}/consents/{consent}/withdraw/",
        "api:customer-consent-withdraw", "401 403 200 404 404 403 403 403 403 200",
        data={"note": "by phone"},
        note="the role check (privacy.change_consent) comes before the scope: 403 reveals nothing"),
    Row("GET", "/api/v1/customers/{customer}/contacts/{consenting}/consents/",
        "api:contact-consent-list", API_SCOPED),
    Row("POST", "/api/v1/customers/{customer}/contacts/{consenting}/consents/",
        "api:contact-consent-list", "401 404 201 404 404 403 404 403 403 201",
        data={"purpose": "marketing", "scope": ["basic"], "retention_months": 12,
              "notice_version": "2026-01", "given_at": "2026-01-05T09:00:00+08:00",
              "evidence": "Signed form"}),
    Row("GET", "/api/v1/customers/{customer}/contacts/{consenting}/consents/{consent}/",
        "api:contact-consent-detail", API_SCOPED),
    Row("POST", "/api/v1/customers/{customer}/contacts/{consenting}/consents/{consent}/withdraw/",
        "api:contact-consent-withdraw", "401 403 200 404 404 403 403 403 403 200",
        data={"note": "by phone"}),
    Row("GET", "/api/v1/customers/{customer}/shares/", "api:customer-share-list",
        "401 404 200 404 404 200 404 403 200 200",
        note="the customer's scope first (no role: 404, like its contacts); approvers check consents, not the share log"),
    Row("POST", "/api/v1/customers/{customer}/shares/", "api:customer-share-list",
        "401 404 201 404 404 403 404 403 201 201",
        data={"ground": "regulator", "purpose": "third_party", "basis_reference": "NFRA letter 12",
              "recipient": "Regulator", "scope": ["basic"], "fields": "name", "method": "paper",
              "shared_on": "{today}"},
        note="the owner and risk officers (regulator requests, legal disclosures) record shares"),
    Row("GET", "/api/v1/customers/{customer}/shares/{share}/", "api:customer-share-detail",
        "401 404 200 404 404 200 404 403 200 200"),
    # ---------------------------------------------------------------- privacy pages
    Row("GET", "/privacy/customers/{customer}/consents/new/", "privacy:consent-create",
        "302 404 200 404 404 403 404 403 403 200"),
    Row("GET", "/privacy/customers/{customer}/consents/{consent}/withdraw/",
        "privacy:consent-withdraw", "302 404 200 404 404 403 404 403 403 200"),
    Row("POST", "/privacy/customers/{customer}/consents/{consent}/withdraw/",
        "privacy:consent-withdraw", "302 404 302 404 404 403 404 403 403 302",
        data={"note": "by phone"}, format="form"),
    Row("GET", "/privacy/customers/{customer}/shares/new/", "privacy:share-create",
        "302 404 200 404 404 403 404 403 200 200"),
    Row("GET", "/privacy/retention/", "privacy:retention-list",
        "302 403 403 403 403 403 403 403 403 200",
        note="admins and the compliance group (customers.anonymise_customer)"),
    Row("GET", "/privacy/retention/{retention_flag}/anonymise/", "privacy:retention-anonymise",
        "302 403 403 403 403 403 403 403 403 200"),
    Row("POST", "/privacy/retention/{retention_flag}/anonymise/", "privacy:retention-anonymise",
        "302 403 403 403 403 403 403 403 403 200r", data={"confirm": "on"}, format="form",
        note="admin: the form again with the reason (the customer is not past retention any more); nothing changes"),
    # ---------------------------------------------------------------- audit, dashboard, tabs
    Row("GET", "/compliance/access-log/", "audit:access-log",
        "302 403 403 403 403 403 403 403 403 200",
        note="admins and the compliance group (crm.view_accesslog)"),
    Row("GET", "/compliance/access-log/export/", "audit:access-log-export",
        "302 403 403 403 403 403 403 403 403 200"),
    Row("GET", "/customers/{customer}/audit-trail/", "audit:customer-history",
        "302 403 403 403 403 200 404 403 403 200",
        note="team leads supervise (crm.view_audit); the role check comes before the scope"),
    Row("GET", "/customers/{customer}/tab/profile/", "customers:customer-tab", PAGE_SCOPED),
    Row("GET", "/customers/{customer}/tab/privacy/", "customers:customer-tab", PAGE_SCOPED),
    Row("GET", "/customers/{customer}/tab/audit_trail/", "customers:customer-tab",
        "302 404 403 404 404 200 404 403 403 200"),
    Row("GET", "/customers/{customer}/tab/no-such-tab/", "customers:customer-tab",
        "302 404 404 404 404 404 404 404 404 404"),
    Row("POST", "/customers/{customer}/soft-information/reveal/",
        "customers:soft-information-reveal", "302 404 200 404 404 403 404 403 403 200",
        format="form"),
    Row("GET", "/dashboard/", "dashboard", PAGE_ANY_USER,
        note="every user; each chart only for the roles with its permission, over their scope"),
    Row("GET", "/dashboard/balance-industry.csv", "dashboard-csv",
        "302 403 200 200 200 200 200 200 200 200"),
    Row("GET", "/dashboard/surveys.csv", "dashboard-csv",
        "302 403 200 200 200 200 200 403 200 200"),
    Row("GET", "/dashboard/no-such-chart.csv", "dashboard-csv",
        "302 404 404 404 404 404 404 404 404 404"),
    Row("GET", "/loans/", "loans:loan-list", PAGE_ANY_USER,
        note="lists only the loans in the caller's scope (empty without a role), like the applications"),
    # ---------------------------------------------------------------- two-factor
    Row("GET", "/accounts/two-factor/", "two-factor", PAGE_ANY_USER,
        note="the caller's own device only"),
    Row("POST", "/accounts/two-factor/disable/", "two-factor-disable",
        "302 302r 302r 302r 302r 302r 302r 302r 302r 302r", data={"otp_token": "000000"},
        format="form", note="no enrolled device / wrong code: back with a message, nothing changes"),
]  # fmt: skip


# URL patterns deliberately without a row, each with the reason. A key is a URL name
# (namespace:name) or a route prefix ending in "*" (matched against the route and the name).
EXCLUDED: dict[str, str] = {
    # Django admin: staff only, with Django's own permission checks per model; its
    # changelists are scoped and tested in tests/crm.
    "admin/*": "Django admin (staff only; Django's own model-permission checks)",
}
