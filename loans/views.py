"""Browser pages of the loans app: applications, their workflow actions, loans and repayments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm.exceptions import DomainError
from crm.roles import Role, has_role
from crm.tables import valid_sort

from . import selectors, services
from .choices import EDITABLE, PENDING_DECISION, ApplicationStatus, Material, ProposalStatus
from .filters import LoanApplicationFilter, LoanFilter
from .forms import (
    ApplicationForm,
    ApproveForm,
    CollateralForm,
    CommentForm,
    DecisionForm,
    DisburseForm,
    GuarantorForm,
    MaterialsForm,
    ProposalForm,
    RepaymentForm,
    ReversalForm,
)
from .models import ClassificationChange, ClassificationProposal, Collateral, Guarantor

PAGE_SIZE = 25


def _apply(form, call) -> bool:
    """Run a service call; put its errors on the form (or as a message). True when it worked."""
    try:
        call()
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
        return False
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return False
    return True


@login_required
def application_list(request):
    """Applications by status, with the approver's queue."""
    base = selectors.application_queryset(user=request.user)
    params = valid_sort(request.GET, LoanApplicationFilter)
    filterset = LoanApplicationFilter(params or None, queryset=base, request=request)
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "statuses": ApplicationStatus.choices,
        "current_status": request.GET.getlist("status"),
        "queue": request.GET.get("queue") == "mine",
        "can_create": has_role(request.user, Role.RELATIONSHIP_MANAGER),
        "has_queue": has_role(request.user, Role.CREDIT_APPROVER, Role.RISK_OFFICER),
        "querystring": query.urlencode(),
    }
    return render(request, "loans/application_list.html", context)


@login_required
def loan_list(request):
    """Disbursed loans in the caller's scope: search, status, class and overdue filters, sorting."""
    params = valid_sort(request.GET, LoanFilter)
    base = selectors.loan_queryset(user=request.user).order_by("-disbursed_on", "-id")
    filterset = LoanFilter(params, queryset=base, request=request)
    queryset = filterset.qs if filterset.is_valid() else base
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    for field in filterset.form.fields.values():
        css = "form-select" if hasattr(field, "choices") else "form-control"
        field.widget.attrs["class"] = css
    return render(
        request,
        "loans/loan_list.html",
        {"filter": filterset, "page": page, "querystring": query.urlencode()},
    )


@login_required
def application_create(request):
    """Create a draft application (relationship managers)."""
    if not has_role(request.user, Role.RELATIONSHIP_MANAGER):
        messages.error(request, _("Only relationship managers create applications."))
        return redirect("loans:application-list")
    initial = {"customer": request.GET.get("customer")}
    form = ApplicationForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        customer = data.pop("customer")
        result = {}

        def create():
            result["app"] = services.application_create(
                user=request.user, customer=customer, **data
            )

        if _apply(form, create):
            messages.success(request, _("Draft application created."))
            return redirect("loans:application-detail", pk=result["app"].pk)
    return render(request, "loans/application_form.html", {"form": form, "application": None})


@login_required
def application_edit(request, pk):
    """Edit a draft or returned application (its relationship manager only)."""
    application = selectors.application_detail(user=request.user, pk=pk)
    # Only the maker's side edits (services.application_update); others must not even get
    # the form, whose save would be refused anyway.
    if not has_role(request.user, Role.RELATIONSHIP_MANAGER):
        raise PermissionDenied
    form = ApplicationForm(request.POST or None, instance=application, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "customer"}

        def update():
            services.application_update(application=application, user=request.user, **data)

        if _apply(form, update):
            messages.success(request, _("Application saved."))
            return redirect("loans:application-detail", pk=pk)
    return render(
        request, "loans/application_form.html", {"form": form, "application": application}
    )


def _available_actions(application, user) -> list[str]:
    """The action buttons this user may press on this application now."""
    actions = []
    is_rm = has_role(user, Role.RELATIONSHIP_MANAGER)
    status = application.status
    if is_rm and status in EDITABLE:
        actions.append("submit")
    if is_rm and status == ApplicationStatus.APPROVED:
        actions.append("sign-contract")
    if is_rm and status == ApplicationStatus.CONTRACT_SIGNED:
        actions.append("disburse")
    if status in PENDING_DECISION and not services.is_maker(application, user):
        round_records = [a for a in application.approvals.all() if a.round == application.round]
        if has_role(user, Role.CREDIT_APPROVER):
            approved_by_me = any(
                r.approver_id == user.pk and r.kind == "approval" for r in round_records
            )
            if not approved_by_me:
                actions += ["approve", "reject"]
            actions.append("return")
        if has_role(user, Role.RISK_OFFICER):
            signed = any(r.kind == "risk_sign_off" for r in round_records)
            if application.risk_sign_off_required and not signed:
                actions.append("risk-sign-off")
            actions.append("return")
    return list(dict.fromkeys(actions))


@login_required
def application_detail(request, pk):
    """Customer, terms, collateral, guarantors, materials, approval timeline, action buttons."""
    application = selectors.application_detail(user=request.user, pk=pk)
    received = set(application.materials)
    required = set(application.product.materials_required_for(application.guarantee_method))
    actions = _available_actions(application, request.user)
    context = {
        "application": application,
        "actions": actions,
        "editable": application.status in EDITABLE
        and has_role(request.user, Role.RELATIONSHIP_MANAGER),
        "materials": [
            {
                "code": code,
                "label": label,
                "received": code in received,
                "required": code in required,
            }
            for code, label in Material.choices
        ],
        "missing_count": len(required - received),
        # One form per action tab, each with its own ids so every label points at its own field.
        "action_forms": [
            (action, ACTIONS[action][0](auto_id=f"id_{action}_%s")) for action in actions
        ],
        "collateral_form": CollateralForm(),
        "guarantor_form": GuarantorForm(user=request.user),
        "loan": getattr(application, "loan", None)
        if application.status == ApplicationStatus.DISBURSED
        else None,
    }
    return render(request, "loans/application_detail.html", context)


ACTIONS = {
    "submit": (CommentForm, services.application_submit, _("Application submitted.")),
    "approve": (ApproveForm, services.application_approve, _("Approval recorded.")),
    "reject": (CommentForm, services.application_reject, _("Application rejected.")),
    "return": (CommentForm, services.application_return, _("Application returned to the maker.")),
    "risk-sign-off": (
        CommentForm,
        services.application_risk_sign_off,
        _("Risk sign-off recorded."),
    ),
    "sign-contract": (CommentForm, services.application_sign_contract, _("Contract signed.")),
    "disburse": (DisburseForm, services.application_disburse, _("Loan disbursed.")),
}


@login_required
@require_POST
def application_action(request, pk, action):
    """Run one workflow action; refusals come back as a message on the application page."""
    application = selectors.application_detail(user=request.user, pk=pk)
    if action not in ACTIONS:
        messages.error(request, _("Unknown action."))
        return redirect("loans:application-detail", pk=pk)
    form_class, service, done = ACTIONS[action]
    form = form_class(request.POST)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "") or k == "comment"}
        result = {}

        def run():
            result["value"] = service(application=application, user=request.user, **data)

        if _apply(form, run):
            messages.success(request, done)
            if action == "disburse":
                return redirect("loans:loan-detail", pk=result["value"].pk)
            return redirect("loans:application-detail", pk=pk)
    for error in form.non_field_errors():
        messages.error(request, error)
    for field in form:
        for error in field.errors:
            messages.error(request, f"{field.label}: {error}")
    return redirect("loans:application-detail", pk=pk)


@login_required
@require_POST
def materials_update(request, pk):
    """Tick the materials received on a draft or returned application."""
    application = selectors.application_detail(user=request.user, pk=pk)
    form = MaterialsForm(request.POST)
    if form.is_valid() and _apply(
        form,
        lambda: services.application_materials_update(
            application=application, user=request.user, materials=form.cleaned_data["materials"]
        ),
    ):
        messages.success(request, _("Materials checklist saved."))
    else:
        _errors_to_messages(request, form)
    return redirect("loans:application-detail", pk=pk)


@login_required
@require_POST
def collateral_add(request, pk):
    application = selectors.application_detail(user=request.user, pk=pk)
    form = CollateralForm(request.POST)
    if form.is_valid() and _apply(
        form,
        lambda: services.collateral_add(
            application=application, user=request.user, **form.cleaned_data
        ),
    ):
        messages.success(request, _("Collateral added."))
    else:
        _errors_to_messages(request, form)
    return redirect("loans:application-detail", pk=pk)


@login_required
@require_POST
def collateral_remove(request, pk, item_id):
    application = selectors.application_detail(user=request.user, pk=pk)
    item = get_object_or_404(Collateral, pk=item_id, application=application)
    try:
        services.collateral_remove(item=item, user=request.user)
        messages.success(request, _("Collateral removed."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("loans:application-detail", pk=pk)


@login_required
@require_POST
def guarantor_add(request, pk):
    application = selectors.application_detail(user=request.user, pk=pk)
    form = GuarantorForm(request.POST, user=request.user)
    if form.is_valid() and _apply(
        form,
        lambda: services.guarantor_add(
            application=application, user=request.user, **form.cleaned_data
        ),
    ):
        messages.success(request, _("Guarantor added."))
    else:
        _errors_to_messages(request, form)
    return redirect("loans:application-detail", pk=pk)


@login_required
@require_POST
def guarantor_remove(request, pk, guarantor_id):
    application = selectors.application_detail(user=request.user, pk=pk)
    guarantor = get_object_or_404(Guarantor, pk=guarantor_id, application=application)
    try:
        services.guarantor_remove(guarantor=guarantor, user=request.user)
        messages.success(request, _("Guarantor removed."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("loans:application-detail", pk=pk)


def _errors_to_messages(request, form):
    for error in form.non_field_errors():
        messages.error(request, error)
    for field in form:
        for error in field.errors:
            messages.error(request, f"{field.label}: {error}")


def _loan(request, pk):
    return get_object_or_404(selectors.loan_queryset(user=request.user), pk=pk)


@login_required
def loan_detail(request, pk):
    """Schedule table, repayments, DPD and class, and the forms the user may use."""
    loan = _loan(request, pk)
    proposals = ClassificationProposal.objects.filter(loan=loan).select_related(
        "proposed_by", "decided_by"
    )
    context = {
        "loan": loan,
        "installments": selectors.loan_schedule(loan=loan),
        "repayments": selectors.loan_repayments(loan=loan),
        "history": ClassificationChange.objects.filter(loan=loan).select_related("changed_by"),
        "proposals": proposals,
        "pending_proposal": next(
            (p for p in proposals if p.status == ProposalStatus.PENDING), None
        ),
        "can_repay": has_role(request.user, Role.RELATIONSHIP_MANAGER) and loan.status == "active",
        "can_propose": has_role(
            request.user, Role.RELATIONSHIP_MANAGER, Role.CREDIT_APPROVER, Role.RISK_OFFICER
        ),
        "can_decide": has_role(request.user, Role.RISK_OFFICER),
        "repayment_form": RepaymentForm(),
        "reversal_form": ReversalForm(),
        "proposal_form": ProposalForm(),
        "decision_form": DecisionForm(),
    }
    return render(request, "loans/loan_detail.html", context)


@login_required
@require_POST
def repayment_create(request, pk):
    loan = _loan(request, pk)
    form = RepaymentForm(request.POST)
    if form.is_valid() and _apply(
        form, lambda: services.repayment_post(loan=loan, user=request.user, **form.cleaned_data)
    ):
        messages.success(request, _("Repayment posted."))
    else:
        _errors_to_messages(request, form)
    return redirect("loans:loan-detail", pk=pk)


@login_required
@require_POST
def repayment_reverse(request, pk, repayment_id):
    loan = _loan(request, pk)
    repayment = get_object_or_404(selectors.loan_repayments(loan=loan), pk=repayment_id)
    form = ReversalForm(request.POST)
    if form.is_valid() and _apply(
        form,
        lambda: services.repayment_reverse(
            repayment=repayment, user=request.user, reason=form.cleaned_data["reason"]
        ),
    ):
        messages.success(request, _("Repayment reversed."))
    else:
        _errors_to_messages(request, form)
    return redirect("loans:loan-detail", pk=pk)


@login_required
@require_POST
def classification_propose(request, pk):
    loan = _loan(request, pk)
    form = ProposalForm(request.POST)
    if form.is_valid() and _apply(
        form,
        lambda: services.classification_propose(loan=loan, user=request.user, **form.cleaned_data),
    ):
        messages.success(request, _("Proposal sent to a risk officer."))
    else:
        _errors_to_messages(request, form)
    return redirect("loans:loan-detail", pk=pk)


@login_required
@require_POST
def proposal_decide(request, pk, proposal_id, decision):
    if decision not in ("approve", "reject"):
        raise Http404
    loan = _loan(request, pk)
    proposal = get_object_or_404(ClassificationProposal, pk=proposal_id, loan=loan)
    form = DecisionForm(request.POST)
    service = (
        services.classification_proposal_approve
        if decision == "approve"
        else services.classification_proposal_reject
    )
    if form.is_valid() and _apply(
        form, lambda: service(proposal=proposal, user=request.user, note=form.cleaned_data["note"])
    ):
        messages.success(request, _("Decision recorded."))
    else:
        _errors_to_messages(request, form)
    return redirect("loans:loan-detail", pk=pk)
