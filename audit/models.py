"""Event models of the audit trail: one history table per tracked business model.

Each table is filled by PostgreSQL triggers (django-pghistory), not by Django signals, so
`queryset.update()`, `bulk_create()` and raw SQL from jobs are recorded as surely as a form
save. Every row stores the whole row after the change (before it, for deletes), the label
`insert` / `update` / `delete`, when, and the context (who: user id and URL for web and API
requests; `{"actor": "system", "job": ...}` for jobs and Celery tasks). See ADR 0301.

The tables live in this app, so the apps that own the data need no migrations of their own;
the triggers are installed on the tracked tables by `migrate` (PGTRIGGER_INSTALL_ON_MIGRATE).
When a tracked model gains a field, `makemigrations audit` adds it to its history table.
"""

import pghistory
from django.apps import apps
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# Business data whose every create, update and delete is kept. Rows that are themselves
# append-only events or logs (loan application events, approval records, alert events,
# classification changes, the customers' change log, notifications, job runs) are not tracked:
# they already say who did what and when. Computed daily snapshots (risk scores) are not
# either: the job that computes them is recorded in the job-run table.
TRACKED_MODELS = (
    "customers.Customer",
    "customers.CustomerGroup",
    "customers.Contact",
    "customers.FinancialStatement",
    "customers.CustomerRelation",
    "customers.Need",
    "customers.OnboardingStep",
    "customers.CriterionAssessment",
    "customers.SegmentationPolicy",
    "loans.LoanProduct",
    "loans.ApprovalTier",
    "loans.LoanApplication",
    "loans.Collateral",
    "loans.Guarantor",
    "loans.Loan",
    "loans.Installment",
    "loans.Repayment",
    "loans.ClassificationProposal",
    "risk.ScorecardVersion",
    "risk.ScorecardIndicator",
    "risk.RuleSetting",
    "risk.RiskEvent",
    "risk.Alert",
    "risk.WatchListEntry",
    "risk.PostLoanCheck",
    "interactions.Task",
    "interactions.Interaction",
    "interactions.ContactPolicy",
    "interactions.VisitPolicy",
    "interactions.ContactIntervalOverride",
    "interactions.VisitPlan",
    "interactions.SlaPolicy",
    "interactions.ServiceRequest",
    "interactions.SurveyResponse",
    "interactions.ImprovementAction",
    "crm.Team",
)

# Users: who holds which flags and team. The password hash is never copied into history, and a
# login (which only moves `last_login`) is not a change of the user: it is in the access log.
USER_EXCLUDED_FIELDS = ["password", "last_login"]


def _trackers(*, exclude_from_update=()):
    return (
        pghistory.InsertEvent(),
        # Only real changes: a save() that writes the same values records nothing.
        pghistory.UpdateEvent(
            condition=pghistory.AnyChange(exclude=list(exclude_from_update), exclude_auto=True)
        ),
        pghistory.DeleteEvent(),
    )


def _event_model_name(model) -> str:
    return f"{model._meta.app_label.capitalize()}{model.__name__}Event"


for _label in TRACKED_MODELS:
    # `audit` comes after every tracked app in INSTALLED_APPS: their models are registered.
    _model = apps.get_model(_label, require_ready=False)
    pghistory.create_event_model(
        _model,
        *_trackers(),
        abstract=False,
        app_label="audit",
        model_name=_event_model_name(_model),
        # `customer.audit_history`; the default name ("events") clashes with the apps' own.
        obj_field=pghistory.ObjForeignKey(related_name="audit_history"),
        meta={
            "verbose_name": format_lazy(_("{model} history"), model=_model._meta.verbose_name),
            "verbose_name_plural": format_lazy(
                _("{model} history"), model=_model._meta.verbose_name
            ),
        },
    )

_User = apps.get_model("crm.User", require_ready=False)
pghistory.create_event_model(
    _User,
    *_trackers(exclude_from_update=["password_changed_at"]),
    exclude=USER_EXCLUDED_FIELDS,
    abstract=False,
    app_label="audit",
    model_name="CrmUserEvent",
    obj_field=pghistory.ObjForeignKey(related_name="audit_history"),
    meta={"verbose_name": _("user history"), "verbose_name_plural": _("user history")},
)
# Role changes: membership of the role groups is a row of the user-groups table.
pghistory.create_event_model(
    _User.groups.through,
    pghistory.InsertEvent(),
    pghistory.DeleteEvent(),
    abstract=False,
    app_label="audit",
    model_name="CrmUserGroupsEvent",
    obj_field=None,
    meta={
        "verbose_name": _("role membership history"),
        "verbose_name_plural": _("role membership history"),
    },
)
pghistory.create_event_model(
    _User.user_permissions.through,
    pghistory.InsertEvent(),
    pghistory.DeleteEvent(),
    abstract=False,
    app_label="audit",
    model_name="CrmUserPermissionsEvent",
    obj_field=None,
    meta={
        "verbose_name": _("user permission history"),
        "verbose_name_plural": _("user permission history"),
    },
)
