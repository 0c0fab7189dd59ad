"""Who may do what to an alert (API.md "Risk"). Object scope is `visible_to`; this is the role.

Risk officers (and admins) work every alert; a relationship manager or team lead acknowledges,
escalates and resolves the alerts of customers in their scope and comments on them; credit
approvers read alerts and comment; only risk officers dismiss, assign and raise alerts by hand.
"""

from crm.roles import Role, has_role


def is_risk_officer(user) -> bool:
    return bool(user.is_superuser or user.is_staff or has_role(user, Role.RISK_OFFICER))


def can_work_alert(user) -> bool:
    """Acknowledge, escalate and resolve (within the user's scope)."""
    return is_risk_officer(user) or has_role(user, Role.RELATIONSHIP_MANAGER, Role.TEAM_LEAD)


def can_comment(user) -> bool:
    return can_work_alert(user) or has_role(user, Role.CREDIT_APPROVER)


can_dismiss = is_risk_officer
can_assign = is_risk_officer
can_raise = is_risk_officer
can_manage_watch_list = is_risk_officer
