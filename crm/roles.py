"""The four roles of API.md as Django groups, and the model permissions each one holds.

Roles answer "may this kind of user do this kind of thing"; object scope (whose customers)
is answered separately by `visible_to(user)` (crm/scoping.py).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Group names fixed by the public contract."""

    RELATIONSHIP_MANAGER = "relationship_manager", _("Relationship manager (客户经理)")
    TEAM_LEAD = "team_lead", _("Team lead (团队负责人)")
    CREDIT_APPROVER = "credit_approver", _("Credit approver (信贷审批人员)")
    RISK_OFFICER = "risk_officer", _("Risk officer (风险管理人员)")


# Model permissions per role, as "app_label.codename". Permissions of models that do not
# exist yet are skipped, so each app adds its lines here when its models land.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.RELATIONSHIP_MANAGER: (
        "customers.view_customer",
        "customers.add_customer",
        "customers.change_customer",
        "customers.view_contact",
        "customers.add_contact",
        "customers.change_contact",
        "customers.delete_contact",
        "customers.view_financialstatement",
        "customers.add_financialstatement",
        "customers.change_financialstatement",
        "customers.view_need",
        "customers.add_need",
        "customers.change_need",
        "customers.import_customers",
        "customers.export_customers",
        "loans.view_loanproduct",
        # The owner collected these numbers and calls these people: may reveal them (logged).
        "customers.view_sensitive",
        "loans.view_loanapplication",
        "loans.add_loanapplication",
        "loans.change_loanapplication",
        "loans.view_loanapplicationevent",
        "loans.view_approvalrecord",
        "loans.view_collateral",
        "loans.add_collateral",
        "loans.change_collateral",
        "loans.delete_collateral",
        "loans.view_guarantor",
        "loans.add_guarantor",
        "loans.change_guarantor",
        "loans.delete_guarantor",
        "loans.view_loan",
        "loans.view_installment",
        "loans.view_repayment",
        "loans.add_repayment",
        "loans.change_repayment",
        "loans.view_classificationproposal",
        "loans.add_classificationproposal",
        "interactions.view_interaction",
        "interactions.add_interaction",
        "interactions.change_interaction",
        "interactions.view_visitplan",
        "interactions.add_visitplan",
        "interactions.change_visitplan",
        "interactions.view_contactintervaloverride",
        "interactions.view_servicerequest",
        "interactions.add_servicerequest",
        "interactions.change_servicerequest",
        "interactions.view_surveyresponse",
        "interactions.add_surveyresponse",
        "interactions.change_surveyresponse",
        "interactions.view_improvementaction",
        "interactions.add_improvementaction",
        "interactions.change_improvementaction",
        "risk.view_alert",
        "risk.change_alert",
        "risk.view_riskscore",
        "risk.view_postloancheck",
        "risk.add_postloancheck",
        # Consent is collected by the owner, who meets the people (DOMAIN.md §8).
        "privacy.view_consent",
        "privacy.add_consent",
        "privacy.change_consent",
        # The owner answers for what leaves the bank about their customers (own scope only).
        "privacy.view_sharerecord",
        "privacy.add_sharerecord",
    ),
    Role.TEAM_LEAD: (
        "customers.view_customer",
        "customers.change_customer",
        "customers.reassign_customer",
        # Supervision: the History tab (who changed what) of the team's customers.
        "crm.view_audit",
        "customers.view_contact",
        "customers.view_financialstatement",
        "customers.view_need",
        "customers.export_customers",
        "loans.view_loanproduct",
        "loans.view_loanapplication",
        "loans.view_loanapplicationevent",
        "loans.view_approvalrecord",
        "loans.view_collateral",
        "loans.view_guarantor",
        "loans.view_loan",
        "loans.view_installment",
        "loans.view_repayment",
        "loans.view_classificationproposal",
        "interactions.view_interaction",
        "interactions.view_visitplan",
        "interactions.view_contactintervaloverride",
        "interactions.add_contactintervaloverride",
        "interactions.change_contactintervaloverride",
        "interactions.view_servicerequest",
        "interactions.add_servicerequest",
        "interactions.change_servicerequest",
        "interactions.view_surveyresponse",
        "interactions.change_surveyresponse",
        "interactions.view_improvementaction",
        "interactions.add_improvementaction",
        "interactions.change_improvementaction",
        "risk.view_alert",
        "risk.change_alert",
        "risk.view_riskscore",
        "privacy.view_consent",
        "privacy.view_sharerecord",
    ),
    Role.CREDIT_APPROVER: (
        "customers.view_customer",
        "customers.view_contact",
        "customers.view_financialstatement",
        "loans.view_loanproduct",
        "loans.view_loanapplication",
        "loans.approve_loanapplication",
        "loans.view_loanapplicationevent",
        "loans.view_approvalrecord",
        "loans.view_collateral",
        "loans.view_guarantor",
        "loans.view_loan",
        "loans.view_installment",
        "loans.view_repayment",
        "loans.view_classificationproposal",
        "loans.add_classificationproposal",
        "interactions.view_interaction",
        "risk.view_alert",
        "risk.view_riskscore",
        # Approvers check that a credit-report query had consent (征信业管理条例 art. 18).
        "privacy.view_consent",
    ),
    Role.RISK_OFFICER: (
        "customers.view_customer",
        "customers.view_contact",
        "customers.view_financialstatement",
        "loans.view_loanproduct",
        "loans.view_loanapplication",
        "loans.risk_sign_off_loanapplication",
        "loans.view_loanapplicationevent",
        "loans.view_approvalrecord",
        "loans.view_collateral",
        "loans.view_guarantor",
        "loans.view_loan",
        "loans.view_installment",
        "loans.view_repayment",
        "loans.view_classificationchange",
        "loans.view_classificationproposal",
        "loans.add_classificationproposal",
        "loans.approve_classificationproposal",
        "interactions.view_interaction",
        "interactions.view_servicerequest",
        "interactions.view_surveyresponse",
        "risk.view_alert",
        "risk.change_alert",
        "risk.add_alert",
        "risk.dismiss_alert",
        "risk.view_riskscore",
        "risk.view_riskevent",
        "risk.add_riskevent",
        "risk.view_watchlistentry",
        "risk.add_watchlistentry",
        "risk.change_watchlistentry",
        "risk.view_rulesetting",
        "risk.change_rulesetting",
        "risk.view_scorecardversion",
        "risk.add_scorecardversion",
        "risk.change_scorecardversion",
        "risk.view_scorecardindicator",
        "risk.add_scorecardindicator",
        "risk.change_scorecardindicator",
        "risk.view_postloancheck",
        "risk.add_postloancheck",
        # Regulator requests and legal disclosures go through risk and compliance.
        "privacy.view_consent",
        "privacy.view_sharerecord",
        "privacy.add_sharerecord",
    ),
}


# Groups beyond the four roles of API.md, kept in sync the same way. Give a member of staff a
# group here to grant its duties (docs/security.md, "Access log").
EXTRA_GROUP_PERMISSIONS: dict[str, tuple[str, ...]] = {
    # Compliance staff (DOMAIN.md §1, §8, inferred): search and export the data-access log, and
    # confirm the anonymisation of customers past retention.
    "compliance": ("crm.view_accesslog", "customers.anonymise_customer"),
}


def user_roles(user) -> frozenset[str]:
    """The role names a user holds, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_crm_roles", None)
    if cached is None:
        from .auth_backends import load_access

        # With the permissions in the same query: most pages check both.
        load_access(user)
        cached = user._crm_roles
    return cached


def role_grants(user, permission: str) -> bool:
    """True when a superuser, or one of the user's groups holds `permission` by the tables above.

    Costs no query beyond `user_roles` (cached): for menus, shown on every page. Views check
    `user.has_perm`, which also sees permissions an admin gave a user directly.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    tables = (ROLE_PERMISSIONS, EXTRA_GROUP_PERMISSIONS)
    return any(permission in table.get(role, ()) for role in user_roles(user) for table in tables)


def has_role(user, *roles: str) -> bool:
    """True when the user holds any of the given roles."""
    return bool(user_roles(user) & set(roles))


def sees_everything(user) -> bool:
    """Approvers, risk officers and admins (staff) see every customer (API.md, Roles)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and (
            user.is_superuser
            or user.is_staff
            or has_role(user, Role.CREDIT_APPROVER, Role.RISK_OFFICER)
        )
    )


def sync_role_groups(sender=None, using="default", **kwargs):
    """Create the four role groups and the extra groups with their permissions (every migrate)."""
    from django.contrib.auth.models import Group, Permission

    for role, perms in {**ROLE_PERMISSIONS, **EXTRA_GROUP_PERMISSIONS}.items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        wanted = set()
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.add((app_label, codename))
        found = (
            Permission.objects.using(using)
            .select_related("content_type")
            .filter(
                content_type__app_label__in={a for a, _ in wanted},
                codename__in={c for _, c in wanted},
            )
        )
        group.permissions.set(
            [p for p in found if (p.content_type.app_label, p.codename) in wanted]
        )
