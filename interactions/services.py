"""Writes of the interactions app: validate, lock, write the change and its event together."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.exceptions import ActionForbidden, DomainError, TransitionNotAllowed
from crm.roles import Role, has_role

from . import sla
from .choices import (
    ImprovementStatus,
    Level,
    RequestEventKind,
    RequestKind,
    RequestStatus,
    Satisfaction,
    SurveyDimension,
    TaskKind,
    TaskStatus,
    VisitStatus,
)
from .models import (
    ContactIntervalOverride,
    ImprovementAction,
    Interaction,
    ServiceRequest,
    ServiceRequestEvent,
    SlaPolicy,
    SurveyResponse,
    SurveyScore,
    Task,
    VisitPlan,
)

# Recording a contact slightly in the future (clock skew between a phone and the server) is
# fine; a day ahead is a typing mistake.
FUTURE_TOLERANCE = timedelta(minutes=10)

# --- Tasks ----------------------------------------------------------------------------------


@transaction.atomic
def task_create(
    *,
    owner,
    title: str,
    due_date: date,
    customer=None,
    kind: str = TaskKind.FOLLOW_UP,
    description: str = "",
    source_key: str | None = None,
    created_by=None,
) -> Task:
    """Create a follow-up task; with a `source_key`, a second call returns the first task."""
    fields = {
        "owner": owner,
        "title": title[:200],
        "due_date": due_date,
        "customer": customer,
        "kind": kind,
        "description": description,
        "created_by": created_by,
    }
    if source_key is None:
        return Task.objects.create(**fields)
    task, _created = Task.objects.get_or_create(source_key=source_key, defaults=fields)
    return task


def can_manage_task(task: Task, user) -> bool:
    """The owner, the owner's team lead and admins may complete or change a task."""
    if user.is_superuser or user.is_staff or task.owner_id == user.pk:
        return True
    team = getattr(task.owner, "team", None)
    return bool(has_role(user, Role.TEAM_LEAD) and team and team.lead_id == user.pk)


@transaction.atomic
def task_complete(*, task: Task, user) -> Task:
    """Mark a task done (idempotent); only its owner, their lead or an admin may."""
    task = (
        Task.objects.select_for_update(of=("self",)).select_related("owner__team").get(pk=task.pk)
    )
    if user is not None and not can_manage_task(task, user):
        raise ActionForbidden(_("Only the task's owner or their team lead can complete it."))
    if task.status == TaskStatus.CANCELLED:
        raise TransitionNotAllowed(_("A cancelled task cannot be completed."))
    if task.status != TaskStatus.DONE:
        task.status = TaskStatus.DONE
        task.completed_at = timezone.now()
        task.save(update_fields=["status", "completed_at"])
    return task


@transaction.atomic
def task_cancel(*, task: Task, user) -> Task:
    """Cancel an open task."""
    task = (
        Task.objects.select_for_update(of=("self",)).select_related("owner__team").get(pk=task.pk)
    )
    if not can_manage_task(task, user):
        raise ActionForbidden(_("Only the task's owner or their team lead can cancel it."))
    if task.status == TaskStatus.DONE:
        raise TransitionNotAllowed(_("A completed task cannot be cancelled."))
    task.status = TaskStatus.CANCELLED
    task.save(update_fields=["status"])
    return task


def _check_task_owner(*, owner, user):
    """A user creates tasks for themselves; a lead also for their team; admins for anyone."""
    if owner.pk == user.pk or user.is_superuser or user.is_staff:
        return
    if has_role(user, Role.TEAM_LEAD) and owner.team_id and owner.team.lead_id == user.pk:
        return
    raise DomainError(_("You can only assign tasks to yourself or your team."), field="owner")


def task_create_for(
    *, user, title: str, due_date: date, owner=None, customer=None, description: str = ""
) -> Task:
    """A task created by a person from a page or the API (checked, unlike job-created tasks)."""
    owner = owner or user
    _check_task_owner(owner=owner, user=user)
    return task_create(
        owner=owner,
        title=title,
        due_date=due_date,
        customer=customer,
        description=description,
        created_by=user,
    )


# --- Interactions ---------------------------------------------------------------------------


def _follow_up_owner(customer):
    return customer.relationship_manager


def _check_contacts(*, customer, contacts) -> list:
    """Participants must be the customer's own contacts (pages and the API check it too)."""
    contacts = list(contacts)
    if any(contact.customer_id != customer.pk for contact in contacts):
        raise DomainError(_("Choose contacts of this customer only."), field="contacts")
    return contacts


@transaction.atomic
def interaction_create(
    *,
    user,
    customer,
    channel: str,
    purpose: str,
    occurred_at: datetime,
    summary: str,
    loan_stage: str = "",
    situation: str = "",
    findings: str = "",
    contacts=(),
    contact_names: str = "",
    staff=(),
    next_action: str = "",
    next_action_due: date | None = None,
    visit_plan: VisitPlan | None = None,
) -> Interaction:
    """Log a contact; a next action with a due date becomes a follow-up task for the RM."""
    from .selectors import loan_stage_by_customer

    if occurred_at > timezone.now() + FUTURE_TOLERANCE:
        raise DomainError(_("A contact cannot be logged in the future."), field="occurred_at")
    if not summary.strip():
        raise DomainError(_("Say what was discussed."), field="summary")
    next_action = next_action.strip()
    if next_action and next_action_due is None:
        raise DomainError(_("A next action needs a due date."), field="next_action_due")
    if next_action_due is not None and not next_action:
        raise DomainError(_("Say what the next action is."), field="next_action")
    if next_action_due is not None and next_action_due < timezone.localdate(occurred_at):
        raise DomainError(
            _("The next action cannot be due before the contact."), field="next_action_due"
        )
    contacts = _check_contacts(customer=customer, contacts=contacts)
    interaction = Interaction.objects.create(
        customer=customer,
        channel=channel,
        purpose=purpose,
        occurred_at=occurred_at,
        loan_stage=loan_stage or loan_stage_by_customer([customer.pk])[customer.pk],
        summary=summary.strip(),
        situation=situation,
        findings=findings,
        contact_names=contact_names.strip(),
        next_action=next_action,
        next_action_due=next_action_due,
        created_by=user,
    )
    if contacts:
        interaction.contacts.set(contacts)
    if staff:
        interaction.staff.set(staff)
    if next_action:
        interaction.follow_up_task = task_create(
            owner=_follow_up_owner(customer),
            title=next_action,
            due_date=next_action_due,
            customer=customer,
            kind=TaskKind.FOLLOW_UP,
            description=summary.strip()[:1000],
            source_key=f"interaction:{interaction.pk}:next-action",
            created_by=user,
        )
        interaction.save(update_fields=["follow_up_task"])
    if visit_plan is not None:
        _visit_plan_close(visit_plan=visit_plan, interaction=interaction)
    return interaction


EDITABLE_INTERACTION_FIELDS = ("summary", "situation", "findings", "contact_names", "purpose")


@transaction.atomic
def interaction_update(*, interaction: Interaction, user, **fields) -> Interaction:
    """Correct the text of a logged contact; when and with whom it happened stay as logged."""
    interaction = Interaction.objects.select_for_update().get(pk=interaction.pk)
    unknown = set(fields) - set(EDITABLE_INTERACTION_FIELDS)
    if unknown:
        field = sorted(unknown)[0]
        raise DomainError(_("This field cannot be changed after logging."), field=field)
    if "summary" in fields and not fields["summary"].strip():
        raise DomainError(_("Say what was discussed."), field="summary")
    for name, value in fields.items():
        setattr(interaction, name, value)
    interaction.full_clean(exclude=["customer", "created_by", "follow_up_task"])
    interaction.save(update_fields=[*fields])
    return interaction


# --- Cadence and visits ---------------------------------------------------------------------


@transaction.atomic
def contact_override_remove(*, customer, user) -> int:
    """Put the customer back on the policy interval; returns how many overrides were removed."""
    deleted, _detail = ContactIntervalOverride.objects.filter(customer=customer).delete()
    return deleted


@transaction.atomic
def contact_override_set(*, customer, user, interval_days: int, reason: str):
    """Give one customer its own contact interval."""
    if interval_days is None or interval_days < 1:
        raise DomainError(_("The interval is at least one day."), field="interval_days")
    if not reason.strip():
        raise DomainError(_("Say why this customer needs its own interval."), field="reason")
    override, _created = ContactIntervalOverride.objects.update_or_create(
        customer=customer,
        defaults={"interval_days": interval_days, "reason": reason.strip(), "set_by": user},
    )
    return override


@transaction.atomic
def visit_plan_create(
    *,
    user,
    customer,
    planned_for: date,
    agenda: str,
    preparation: str = "",
    itinerary: str = "",
    contacts=(),
    contact_names: str = "",
    staff=(),
) -> VisitPlan:
    """Plan a visit and put it on the RM's task list for its day."""
    if not agenda.strip():
        raise DomainError(_("A visit needs an agenda."), field="agenda")
    contacts = _check_contacts(customer=customer, contacts=contacts)
    plan = VisitPlan.objects.create(
        customer=customer,
        planned_for=planned_for,
        agenda=agenda.strip(),
        preparation=preparation,
        itinerary=itinerary,
        contact_names=contact_names.strip(),
        created_by=user,
    )
    if contacts:
        plan.contacts.set(contacts)
    if staff:
        plan.staff.set(staff)
    task_create(
        owner=customer.relationship_manager,
        title=_("Visit %(customer)s") % {"customer": customer.name},
        due_date=planned_for,
        customer=customer,
        kind=TaskKind.VISIT,
        description=plan.agenda[:1000],
        source_key=f"visit-plan:{plan.pk}",
        created_by=user,
    )
    return plan


def _visit_plan_close(*, visit_plan: VisitPlan, interaction: Interaction):
    plan = VisitPlan.objects.select_for_update().get(pk=visit_plan.pk)
    if plan.customer_id != interaction.customer_id:
        raise DomainError(_("The visit plan is for another customer."), field="visit_plan")
    if plan.status != VisitStatus.PLANNED and plan.status != VisitStatus.MISSED:
        raise TransitionNotAllowed(_("This visit is already closed."))
    plan.status = VisitStatus.DONE
    plan.outcome = interaction.summary
    plan.interaction = interaction
    plan.save(update_fields=["status", "outcome", "interaction"])
    Task.objects.filter(source_key=f"visit-plan:{plan.pk}", status=TaskStatus.OPEN).update(
        status=TaskStatus.DONE, completed_at=timezone.now()
    )


@transaction.atomic
def visit_plan_cancel(*, visit_plan: VisitPlan, user) -> VisitPlan:
    """Cancel a planned visit and its task."""
    plan = VisitPlan.objects.select_for_update().get(pk=visit_plan.pk)
    if plan.status != VisitStatus.PLANNED:
        raise TransitionNotAllowed(_("Only a planned visit can be cancelled."))
    plan.status = VisitStatus.CANCELLED
    plan.save(update_fields=["status"])
    Task.objects.filter(source_key=f"visit-plan:{plan.pk}", status=TaskStatus.OPEN).update(
        status=TaskStatus.CANCELLED
    )
    return plan


# --- Service requests -----------------------------------------------------------------------

FLOW = list(RequestStatus.values)


def sla_targets(kind: str) -> sla.SlaTargets:
    """The admin-edited targets of a kind, or the complaint defaults."""
    policy = SlaPolicy.objects.filter(kind=kind).first()
    if policy is None:
        return sla.DEFAULT_TARGETS
    return sla.SlaTargets(
        policy.first_handling_hours, policy.reply_hours, policy.urgent_first_handling_hours
    )


def is_urgent(request: ServiceRequest) -> bool:
    """Urgent or major (重大) items trigger the emergency response (DOMAIN.md §7)."""
    return request.urgency == Level.HIGH or request.importance == Level.HIGH


def _team_lead_of(user):
    team = getattr(user, "team", None)
    return team.lead if team is not None and team.lead_id else None


def _notify_urgent(request: ServiceRequest, *, created_by):
    """Owner and supervisor get an immediate task at creation (即时响应)."""
    recipients = [request.owner]
    lead = _team_lead_of(request.owner) or _team_lead_of(request.customer.relationship_manager)
    if lead is not None and lead.pk != request.owner_id:
        recipients.append(lead)
    for recipient in recipients:
        task_create(
            owner=recipient,
            title=_("Urgent %(kind)s from %(customer)s")
            % {"kind": request.get_kind_display(), "customer": request.customer.name},
            due_date=timezone.localdate(request.first_handling_due_at),
            customer=request.customer,
            kind=TaskKind.SERVICE_REQUEST,
            description=request.summary[:1000],
            source_key=f"service-request:{request.pk}:urgent:{recipient.pk}",
            created_by=created_by,
        )


def _refresh_breach(request: ServiceRequest, *, now: datetime) -> None:
    breached = sla.is_breached(
        first_handling_due_at=request.first_handling_due_at,
        reply_due_at=request.reply_due_at,
        first_handled_at=request.first_handled_at,
        replied_at=request.replied_at,
        now=now,
    )
    # Once breached, always breached: a late reply does not undo a missed deadline.
    request.sla_breached = request.sla_breached or breached


@transaction.atomic
def service_request_create(
    *,
    user,
    customer,
    kind: str,
    summary: str,
    owner=None,
    received_at: datetime | None = None,
    urgency: str = Level.MEDIUM,
    importance: str = Level.MEDIUM,
    polarity: str = "",
    channel: str = "",
    business_line: str = "",
    product_type: str = "",
    service_stage: str = "",
    cause_category: str = "",
) -> ServiceRequest:
    """Receive a request: start its SLA clocks; urgent items notify owner and lead at once."""
    now = timezone.now()
    received_at = received_at or now
    if received_at > now + FUTURE_TOLERANCE:
        raise DomainError(_("A request cannot be received in the future."), field="received_at")
    if not summary.strip():
        raise DomainError(_("Describe the request."), field="summary")
    owner = owner or customer.relationship_manager
    request = ServiceRequest(
        customer=customer,
        kind=kind,
        summary=summary.strip(),
        owner=owner,
        received_at=received_at,
        urgency=urgency,
        importance=importance,
        business_line=business_line,
        product_type=product_type,
        service_stage=service_stage,
        cause_category=cause_category,
        created_by=user,
    )
    if polarity:
        request.polarity = polarity
    elif kind == RequestKind.COMPLAINT:
        request.polarity = "negative"
    if channel:
        request.channel = channel
    due = sla.due_times(received_at, sla_targets(kind), urgent=is_urgent(request))
    request.first_handling_due_at = due.first_handling_due_at
    request.reply_due_at = due.reply_due_at
    _refresh_breach(request, now=now)
    request.save()
    ServiceRequestEvent.objects.create(
        request=request,
        kind=RequestEventKind.TRANSITION,
        actor=user,
        to_status=RequestStatus.RECEIVED,
        at=received_at,
    )
    if is_urgent(request):
        _notify_urgent(request, created_by=user)
    return request


_STATUS_STAMPS = {
    RequestStatus.CLASSIFIED: "classified_at",
    RequestStatus.ANALYSED: "analysed_at",
    RequestStatus.ASSIGNED: "assigned_at",
    RequestStatus.IN_PROGRESS: "in_progress_at",
    RequestStatus.REPLIED: "replied_at",
    RequestStatus.CLOSED: "closed_at",
}


@transaction.atomic
def service_request_advance(
    *,
    request: ServiceRequest,
    user,
    to_status: str,
    note: str = "",
    owner=None,
    department: str | None = None,
    action_plan: str | None = None,
    due_date: date | None = None,
    resolution: str | None = None,
    customer_satisfaction: str | None = None,
    effect_evaluation: str | None = None,
) -> ServiceRequest:
    """Move a request forward through the flow, stamping every step it passes.

    Steps may be skipped forward (an inquiry answered on the spot) but never backwards.
    Assignment needs an owner, an action plan and a due date; closing needs a resolution
    and the customer's satisfaction with it.
    """
    request = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    if to_status not in FLOW:
        raise DomainError(_("Unknown status."), field="to_status")
    current, target = FLOW.index(request.status), FLOW.index(to_status)
    if target <= current:
        raise TransitionNotAllowed(
            _("A request moves forward only: it is already %(status)s.")
            % {"status": request.get_status_display()}
        )
    now = timezone.now()
    if owner is not None:
        request.owner = owner
    for name, value in (
        ("department", department),
        ("action_plan", action_plan),
        ("resolution", resolution),
        ("customer_satisfaction", customer_satisfaction),
        ("effect_evaluation", effect_evaluation),
    ):
        if value is not None:
            setattr(request, name, value.strip())
    if due_date is not None:
        request.due_date = due_date
    if target >= FLOW.index(RequestStatus.ASSIGNED):
        if not request.action_plan:
            raise DomainError(_("Assigning needs an action plan."), field="action_plan")
        if request.due_date is None:
            raise DomainError(_("Assigning needs a due date."), field="due_date")
    if to_status == RequestStatus.CLOSED:
        if not request.resolution:
            raise DomainError(_("Closing needs the resolution."), field="resolution")
        if request.customer_satisfaction not in Satisfaction.values:
            raise DomainError(
                _("Closing needs the customer's satisfaction with the result."),
                field="customer_satisfaction",
            )
    from_status = request.status
    for status in FLOW[current + 1 : target + 1]:
        stamp = _STATUS_STAMPS[status]
        if getattr(request, stamp) is None:
            setattr(request, stamp, now)
    if request.first_handled_at is None:
        request.first_handled_at = now
    request.status = to_status
    _refresh_breach(request, now=now)
    request.save()
    ServiceRequestEvent.objects.create(
        request=request,
        kind=RequestEventKind.TRANSITION,
        actor=user,
        from_status=from_status,
        to_status=to_status,
        note=note,
        at=now,
    )
    return request


CLASSIFICATION_FIELDS = (
    "summary",
    "polarity",
    "channel",
    "business_line",
    "product_type",
    "service_stage",
    "cause_category",
    "importance",
    "urgency",
)


@transaction.atomic
def service_request_update(*, request: ServiceRequest, user, **fields) -> ServiceRequest:
    """Correct the classification of an open request; becoming urgent shortens its clock."""
    request = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    if request.status == RequestStatus.CLOSED:
        raise TransitionNotAllowed(_("The request is closed."))
    unknown = sorted(set(fields) - set(CLASSIFICATION_FIELDS))
    if unknown:
        raise DomainError(_("This field cannot be changed here."), field=unknown[0])
    was_urgent = is_urgent(request)
    changed = [name for name, value in fields.items() if getattr(request, name) != value]
    for name in changed:
        setattr(request, name, fields[name])
    request.full_clean(exclude=["customer", "owner", "created_by"])
    became_urgent = is_urgent(request) and not was_urgent
    if became_urgent and request.first_handled_at is None:
        due = sla.due_times(request.received_at, sla_targets(request.kind), urgent=True)
        request.first_handling_due_at = due.first_handling_due_at
        changed.append("first_handling_due_at")
    _refresh_breach(request, now=timezone.now())
    request.save()
    if changed:
        ServiceRequestEvent.objects.create(
            request=request,
            kind=RequestEventKind.UPDATE,
            actor=user,
            note=", ".join(changed),
            at=timezone.now(),
        )
    if became_urgent:
        _notify_urgent(request, created_by=user)
    return request


@transaction.atomic
def service_request_log_progress(*, request: ServiceRequest, user, note: str):
    """Record a progress update sent to the customer while the request is in progress."""
    request = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    if request.status == RequestStatus.CLOSED:
        raise TransitionNotAllowed(_("The request is closed."))
    if not note.strip():
        raise DomainError(_("Say what the customer was told."), field="note")
    return ServiceRequestEvent.objects.create(
        request=request,
        kind=RequestEventKind.PROGRESS,
        actor=user,
        note=note.strip(),
        at=timezone.now(),
    )


# --- Surveys and improvement ----------------------------------------------------------------


def _validate_scores(csat: dict) -> dict[str, int]:
    if not isinstance(csat, dict):
        raise DomainError(_("Give scores as {dimension: 1–5}."), field="csat")
    scores = {}
    for code, score in csat.items():
        if code not in SurveyDimension.values:
            raise DomainError(_("Unknown dimension %(code)s.") % {"code": code}, field="csat")
        if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
            raise DomainError(_("%(code)s must be scored 1 to 5.") % {"code": code}, field="csat")
        scores[code] = score
    return scores


@transaction.atomic
def survey_response_create(
    *,
    user,
    customer,
    responded_on: date,
    csat: dict,
    nps: int | None = None,
    channel: str = "",
    respondent: str = "",
    comment: str = "",
    service_request=None,
) -> SurveyResponse:
    """Enter one survey response; it is invalid when a mandatory dimension is missing."""
    scores = _validate_scores(csat)
    if nps is not None and (isinstance(nps, bool) or not 0 <= nps <= 10):
        raise DomainError(_("NPS answers are 0 to 10."), field="nps")
    if responded_on > timezone.localdate():
        raise DomainError(_("A response cannot come from the future."), field="responded_on")
    if not scores and nps is None:
        raise DomainError(_("Enter at least one score."), field="csat")
    missing = [d for d in settings.INTERACTIONS_SURVEY_MANDATORY_DIMENSIONS if d not in scores]
    response = SurveyResponse(
        customer=customer,
        responded_on=responded_on,
        nps=nps,
        respondent=respondent,
        comment=comment,
        service_request=service_request,
        entered_by=user,
        is_valid=not missing,
        invalid_reason=(_("Unanswered: %(dims)s") % {"dims": ", ".join(missing)})[:200]
        if missing
        else "",
    )
    if channel:
        response.channel = channel
    response.save()
    SurveyScore.objects.bulk_create(
        SurveyScore(response=response, dimension=code, score=score)
        for code, score in scores.items()
    )
    return response


@transaction.atomic
def survey_response_mark(*, response: SurveyResponse, user, is_valid: bool, reason: str = ""):
    """Mark a response valid or invalid (with a reason)."""
    response = SurveyResponse.objects.select_for_update().get(pk=response.pk)
    if not is_valid and not reason.strip():
        raise DomainError(_("Say why the response is invalid."), field="invalid_reason")
    response.is_valid = is_valid
    response.invalid_reason = "" if is_valid else reason.strip()[:200]
    response.save(update_fields=["is_valid", "invalid_reason"])
    return response


_IMPROVEMENT_NEXT = {
    ImprovementStatus.PLANNED: {ImprovementStatus.IMPLEMENTING, ImprovementStatus.CANCELLED},
    ImprovementStatus.IMPLEMENTING: {ImprovementStatus.VERIFIED, ImprovementStatus.CANCELLED},
}


@transaction.atomic
def improvement_action_advance(
    *,
    action: ImprovementAction,
    user,
    status: str,
    verification: str = "",
    score_after=None,
) -> ImprovementAction:
    """Move a measure on: implementing, then verified by a follow-up (with the after score)."""
    action = (
        ImprovementAction.objects.select_for_update(of=("self",))
        .select_related("owner__team")
        .get(pk=action.pk)
    )
    owner_team = action.owner.team
    allowed = (
        user.is_superuser
        or user.is_staff
        or action.owner_id == user.pk
        or (owner_team is not None and owner_team.lead_id == user.pk)
    )
    if not allowed:
        raise ActionForbidden(_("Only the owner or their team lead can move this measure."))
    if status not in _IMPROVEMENT_NEXT.get(action.status, set()):
        raise TransitionNotAllowed(
            _("A %(from)s measure cannot become %(to)s.") % {"from": action.status, "to": status}
        )
    if status == ImprovementStatus.VERIFIED and not verification.strip():
        raise DomainError(_("Say how the follow-up verified the effect."), field="verification")
    action.status = status
    if verification.strip():
        action.verification = verification.strip()
    if score_after is not None:
        action.score_after = score_after
    action.save(update_fields=["status", "verification", "score_after"])
    if status in (ImprovementStatus.VERIFIED, ImprovementStatus.CANCELLED):
        Task.objects.filter(source_key=f"improvement:{action.pk}", status=TaskStatus.OPEN).update(
            status=TaskStatus.DONE, completed_at=timezone.now()
        )
    return action


@transaction.atomic
def improvement_action_create(
    *,
    user,
    title: str,
    finding: str,
    owner,
    due_date: date,
    dimension: str = "",
    survey_response=None,
    service_request=None,
    score_before=None,
) -> ImprovementAction:
    """Open an improvement measure on a finding, and give its owner a task for the due date."""
    if not title.strip():
        raise DomainError(_("Name the measure."), field="title")
    if not finding.strip():
        raise DomainError(_("Describe the finding."), field="finding")
    action = ImprovementAction.objects.create(
        title=title.strip(),
        finding=finding.strip(),
        owner=owner,
        due_date=due_date,
        dimension=dimension,
        survey_response=survey_response,
        service_request=service_request,
        score_before=score_before,
    )
    task_create(
        owner=owner,
        title=_("Improvement: %(title)s") % {"title": action.title},
        due_date=due_date,
        kind=TaskKind.REVIEW,
        description=action.finding[:1000],
        source_key=f"improvement:{action.pk}",
        created_by=user,
    )
    return action
