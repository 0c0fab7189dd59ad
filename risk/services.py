"""Writes of the risk app: the alert lifecycle, the rule runner, scoring, events, watch list."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.bulk import bulk_update_values
from crm.exceptions import ActionForbidden, DomainError, TransitionNotAllowed
from customers.models import Customer

from . import indicators, permissions, scoring
from .choices import (
    ACTIVE_STATUSES,
    SEVERITY_RANK,
    AlertAction,
    AlertResponse,
    AlertStatus,
    ManualCategory,
    RuleCode,
    Severity,
)
from .models import (
    Alert,
    AlertComment,
    AlertEvent,
    PostLoanCheck,
    RiskEvent,
    RiskScore,
    RuleSetting,
    RuleSettingVersion,
    ScorecardIndicator,
    ScorecardVersion,
    WatchListEntry,
    WatchListReview,
)
from .rules import RULES, Hit, RuleParamError, params_to_json, parse_params

# A fixed key for pg_advisory_xact_lock: two nightly runs (a beat run and a manual
# `run_daily_jobs`) must not interleave, or both could raise the same alert.
RISK_JOB_LOCK = 7_341_020


def alert_due_at(severity: str, *, category: str = "", now=None):
    """When an alert must be acknowledged: by severity, fraud sooner (DOMAIN.md §10)."""
    now = now or timezone.now()
    if category == ManualCategory.FRAUD:
        return now + timedelta(hours=settings.RISK_FRAUD_DUE_HOURS)
    return now + timedelta(hours=settings.RISK_ALERT_DUE_HOURS[severity])


def _lock(alert: Alert) -> Alert:
    return Alert.objects.select_for_update().get(pk=alert.pk)


def _event(alert, action, actor, from_status, note="") -> AlertEvent:
    return AlertEvent.objects.create(
        alert=alert, action=action, actor=actor, from_status=from_status,
        to_status=alert.status, note=note,
    )  # fmt: skip


def _transition(alert, *, allowed_from, to, action, user, note="", extra=None) -> Alert:
    alert = _lock(alert)
    if alert.status not in allowed_from:
        raise TransitionNotAllowed(
            _("An alert that is %(status)s cannot be %(action)s.")
            % {"status": alert.get_status_display(), "action": AlertAction(action).label.lower()}
        )
    from_status = alert.status
    alert.status = to
    fields = ["status"]
    for name, value in (extra or {}).items():
        setattr(alert, name, value)
        fields.append(name)
    alert.save(update_fields=fields)
    _event(alert, action, user, from_status, note)
    return alert


@transaction.atomic
def alert_acknowledge(*, alert: Alert, user, note: str = "") -> Alert:
    """The RM (or the risk team) accepts the alert and takes it on."""
    if not permissions.can_work_alert(user):
        raise ActionForbidden(_("Your role may not acknowledge alerts."))
    now = timezone.now()
    return _transition(
        alert,
        allowed_from=(AlertStatus.OPEN,),
        to=AlertStatus.ACKNOWLEDGED,
        action=AlertAction.ACKNOWLEDGED,
        user=user,
        note=note,
        extra={"acknowledged_at": now, "acknowledged_by": user},
    )


@transaction.atomic
def alert_escalate(*, alert: Alert, user, note: str = "") -> Alert:
    """Hand the alert up (RM to the risk team, risk officer to management)."""
    if not permissions.can_work_alert(user):
        raise ActionForbidden(_("Your role may not escalate alerts."))
    return _transition(
        alert,
        allowed_from=(AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED),
        to=AlertStatus.ESCALATED,
        action=AlertAction.ESCALATED,
        user=user,
        note=note,
        extra={"escalated_at": timezone.now()},
    )


@transaction.atomic
def alert_resolve(*, alert: Alert, user, response: str, note: str = "") -> Alert:
    """Close the alert with the response strategy that was carried out."""
    if not permissions.can_work_alert(user):
        raise ActionForbidden(_("Your role may not resolve alerts."))
    if response not in AlertResponse.values:
        raise DomainError(
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(AlertResponse.values)},
            field="response",
        )
    return _transition(
        alert,
        allowed_from=ACTIVE_STATUSES,
        to=AlertStatus.RESOLVED,
        action=AlertAction.RESOLVED,
        user=user,
        note=note,
        extra={
            "response": response,
            "close_note": note,
            "closed_at": timezone.now(),
            "closed_by": user,
        },
    )


@transaction.atomic
def alert_dismiss(*, alert: Alert, user, note: str) -> Alert:
    """A risk officer judges the alert unfounded; the reason is required."""
    if not permissions.can_dismiss(user):
        raise ActionForbidden(_("Only risk officers may dismiss alerts."))
    if not (note or "").strip():
        raise DomainError(_("Give the reason for dismissing the alert."), field="note")
    return _transition(
        alert,
        allowed_from=ACTIVE_STATUSES,
        to=AlertStatus.DISMISSED,
        action=AlertAction.DISMISSED,
        user=user,
        note=note,
        extra={"close_note": note, "closed_at": timezone.now(), "closed_by": user},
    )


@transaction.atomic
def alert_assign(*, alert: Alert, user, assignee, note: str = "") -> Alert:
    """A risk officer gives the alert to a colleague."""
    if not permissions.can_assign(user):
        raise ActionForbidden(_("Only risk officers may assign alerts."))
    if assignee is not None and not assignee.is_active:
        raise DomainError(_("That user is not active."), field="assignee")
    alert = _lock(alert)
    if alert.status not in ACTIVE_STATUSES:
        raise TransitionNotAllowed(_("A closed alert cannot be assigned."))
    alert.assignee = assignee
    alert.save(update_fields=["assignee"])
    _event(alert, AlertAction.ASSIGNED, user, alert.status, note or str(assignee or "—"))
    return alert


def alerts_bulk(*, alerts: Iterable[Alert], user, action: str, assignee=None) -> Counter:
    """Acknowledge or assign many alerts; each in its own transaction, refusals counted."""
    outcome = Counter()
    for alert in alerts:
        try:
            if action == "acknowledge":
                alert_acknowledge(alert=alert, user=user)
            elif action == "assign":
                alert_assign(alert=alert, user=user, assignee=assignee)
            else:
                raise DomainError(_("Unknown bulk action."), field="action")
        except ActionForbidden:
            raise
        except DomainError:
            outcome["skipped"] += 1
        else:
            outcome["done"] += 1
    return outcome


@transaction.atomic
def alert_comment_add(*, alert: Alert, user, body: str) -> AlertComment:
    """A comment from the RM or the risk team on an alert (the feedback loop)."""
    if not permissions.can_comment(user):
        raise ActionForbidden(_("Your role may not comment on alerts."))
    body = (body or "").strip()
    if not body:
        raise DomainError(_("Write a comment."), field="body")
    return AlertComment.objects.create(alert=alert, author=user, body=body)


@transaction.atomic
def alert_raise_manual(
    *,
    user,
    customer: Customer,
    category: str,
    severity: str,
    message: str,
    details: dict | None = None,
    as_of: date | None = None,
    loan=None,
) -> Alert:
    """A risk officer raises an alert by hand (litigation, executive change, fraud ...)."""
    if not permissions.can_raise(user):
        raise ActionForbidden(_("Only risk officers may raise alerts."))
    if category not in ManualCategory.values:
        raise DomainError(_("Choose a category."), field="category")
    if severity not in Severity.values:
        raise DomainError(_("Choose a severity."), field="severity")
    if not (message or "").strip():
        raise DomainError(_("Describe what happened."), field="message")
    if loan is not None and loan.customer_id != customer.pk:
        raise DomainError(_("The loan is not one of this customer's loans."), field="loan")
    today = as_of or timezone.localdate()
    alert = Alert.objects.create(
        customer=customer,
        loan=loan,
        rule=RuleCode.MANUAL,
        category=category,
        severity=severity,
        message=message.strip()[:300],
        details={"category": category, "raised_by": user.get_username(), **(details or {})},
        raised_on=today,
        last_seen_on=today,
        raised_by=user,
        due_at=alert_due_at(severity, category=category),
    )
    _event(alert, AlertAction.RAISED, user, "", "")
    return alert


def _customers_affected(event: RiskEvent):
    """Customers in a tagged industry (or a finer code under it) or a tagged region."""
    from django.db.models import Q

    codes = list(event.industries.values_list("code", flat=True))
    q = Q(pk__in=[])
    if codes:
        q |= (
            Q(industry_id__in=codes)
            | Q(industry__parent_id__in=codes)
            | Q(industry__parent__parent_id__in=codes)
        )
    if event.regions:
        q |= Q(region__in=event.regions)
    return Customer.objects.filter(q)


@transaction.atomic
def risk_event_record(
    *,
    user,
    kind: str,
    title: str,
    severity: str,
    occurred_on: date,
    industries: Sequence = (),
    regions: Sequence[str] = (),
    description: str = "",
) -> RiskEvent:
    """Record a macro / policy event and alert every affected customer, in bulk."""
    if not permissions.can_raise(user):
        raise ActionForbidden(_("Only risk officers may record macro and policy events."))
    regions = sorted({r.strip() for r in regions if r and r.strip()})
    if not industries and not regions:
        raise DomainError(_("Tag at least one industry or region."), field="industries")
    event = RiskEvent.objects.create(
        kind=kind, title=title, description=description, severity=severity,
        occurred_on=occurred_on, regions=regions, recorded_by=user,
    )  # fmt: skip
    event.industries.set(industries)
    today = timezone.localdate()
    due = alert_due_at(severity)
    tags = {"industries": [i.code for i in industries], "regions": regions}
    customers = _customers_affected(event).values_list("pk", "industry_id", "region")
    alerts = Alert.objects.bulk_create(
        [
            Alert(
                customer_id=pk,
                rule=RuleCode.MACRO_POLICY,
                event=event,
                severity=severity,
                message=f"{event.get_kind_display()}: {title}"[:300],
                details={
                    "event_id": event.pk,
                    "event": title,
                    "kind": kind,
                    "occurred_on": occurred_on.isoformat(),
                    "description": description,
                    "customer_industry": industry,
                    "customer_region": region,
                    **tags,
                },
                raised_on=today,
                last_seen_on=today,
                raised_by=user,
                due_at=due,
            )  # fmt: skip
            for pk, industry, region in customers.iterator(chunk_size=2000)
        ],
        batch_size=1000,
    )
    AlertEvent.objects.bulk_create(
        [
            AlertEvent(alert=a, action=AlertAction.RAISED, actor=user, to_status=a.status)
            for a in alerts
        ],
        batch_size=1000,
    )
    event.alerts_raised = len(alerts)
    event.save(update_fields=["alerts_raised"])
    return event


# --- The rule runner --------------------------------------------------------------------------


def _worst(hits: Iterable[Hit]) -> dict[tuple, Hit]:
    """One hit per (customer, loan): the most severe."""
    by_key: dict[tuple, Hit] = {}
    for hit in hits:
        key = (hit.customer_id, hit.loan_id)
        if key not in by_key or SEVERITY_RANK[hit.severity] > SEVERITY_RANK[by_key[key].severity]:
            by_key[key] = hit
    return by_key


def _alert_key(alert: Alert) -> tuple:
    return (alert.customer_id, alert.loan_id)


def _latest_alerts(code: str, customer_ids: Sequence[int]) -> dict[tuple, Alert]:
    """The newest alert of a rule per (customer, loan), for customers with hits."""
    latest: dict[tuple, Alert] = {}
    for start in range(0, len(customer_ids), 1000):
        rows = Alert.objects.filter(rule=code, customer_id__in=customer_ids[start : start + 1000])
        for alert in rows.order_by("raised_on", "id"):
            latest[_alert_key(alert)] = alert
    return latest


def apply_hits(*, code: str, hits: Iterable[Hit], as_of: date, rule_version=None) -> Counter:
    """Open an alert per new finding, refresh the facts of open ones; idempotent per date.

    A closed (resolved or dismissed) alert is raised again only when its condition went away
    and came back: if the rule still saw it on the day before (or the same day), the closure
    stands and only `last_seen_on` moves on.
    """
    counts = Counter()
    by_key = _worst(hits)
    by_customer: dict[int, list[tuple]] = {}
    for key in by_key:
        by_customer.setdefault(key[0], []).append(key)
    customer_ids = sorted(by_customer)
    # A chunk of customers at a time: their alerts are loaded, updated and written, then let go.
    for start in range(0, len(customer_ids), APPLY_CHUNK):
        chunk = customer_ids[start : start + APPLY_CHUNK]
        keys = [key for pk in chunk for key in by_customer[pk]]
        counts.update(
            _apply_chunk(
                code=code,
                hits={key: by_key[key] for key in keys},
                latest=_latest_alerts(code, chunk),
                as_of=as_of,
                rule_version=rule_version,
            )
        )
    return counts


APPLY_CHUNK = 1000


def _apply_chunk(*, code, hits, latest, as_of, rule_version) -> Counter:
    """`apply_hits` for the hits of a chunk of customers."""
    counts = Counter()
    now = timezone.now()
    new_alerts, changed, upgraded = [], [], []
    for key, hit in hits.items():
        alert = latest.get(key)
        if alert is not None and alert.status in ACTIVE_STATUSES:
            worse = SEVERITY_RANK[hit.severity] > SEVERITY_RANK[alert.severity]
            fresh = as_of >= alert.last_seen_on
            if worse or (fresh and (alert.details != hit.details or alert.last_seen_on != as_of)):
                if worse:
                    upgraded.append((alert, alert.severity))
                    alert.severity = hit.severity
                if fresh:
                    alert.details, alert.message = hit.details, hit.message[:300]
                    alert.last_seen_on = as_of
                changed.append(alert)
            counts["kept_open"] += 1
            continue
        if alert is not None and alert.last_seen_on >= as_of - timedelta(days=1):
            if alert.last_seen_on < as_of:
                alert.last_seen_on = as_of
                changed.append(alert)
            counts["kept_closed"] += 1
            continue
        new_alerts.append(
            Alert(
                customer_id=hit.customer_id,
                rule=code,
                rule_version=rule_version,
                severity=hit.severity,
                message=hit.message[:300],
                details=hit.details,
                raised_on=as_of,
                last_seen_on=as_of,
                due_at=alert_due_at(hit.severity, now=now),
                loan_id=hit.loan_id,
            )  # fmt: skip
        )
    if changed:
        bulk_update_values(Alert, changed, ["severity", "details", "message", "last_seen_on"])
    created = Alert.objects.bulk_create(new_alerts, batch_size=1000)
    AlertEvent.objects.bulk_create(
        [AlertEvent(alert=a, action=AlertAction.RAISED, to_status=a.status) for a in created]
        + [
            AlertEvent(
                alert=a,
                action=AlertAction.SEVERITY_RAISED,
                to_status=a.status,
                from_status=a.status,
                note=f"{old} → {a.severity}",
            )  # fmt: skip
            for a, old in upgraded
        ],
        batch_size=1000,
    )
    counts["raised"] += len(created)
    counts["severity_raised"] += len(upgraded)
    return counts


@transaction.atomic
def rules_run(
    *, as_of: date, codes: Sequence[str] | None = None, exclude: Sequence[str] = ()
) -> Counter:
    """Run every enabled rule (or the given ones, less `exclude`) for a date; apply the hits."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RISK_JOB_LOCK])
    rule_settings = {s.code: s for s in RuleSetting.objects.all()}
    totals = Counter()
    for code, rule in RULES.items():
        if (codes is not None and code not in codes) or code in exclude:
            continue
        setting = rule_settings.get(code)
        if setting is not None and not setting.enabled:
            continue
        params = parse_params(code, setting.params if setting else None)
        hits = list(rule.func(as_of=as_of, params=params))
        counts = apply_hits(
            code=code, hits=hits, as_of=as_of, rule_version=setting.version if setting else None
        )
        totals.update(counts)
        totals[f"hits.{code}"] = len(hits)
    return totals


@transaction.atomic
def rule_setting_update(*, setting: RuleSetting, user, enabled: bool, params: dict) -> RuleSetting:
    """Change a rule's thresholds: validated, versioned, the old version kept."""
    try:
        parsed = parse_params(setting.code, params)
    except RuleParamError as exc:
        raise DomainError(str(exc), field="params") from exc
    setting = RuleSetting.objects.select_for_update().get(pk=setting.pk)
    new_params = params_to_json(parsed)
    if setting.enabled == enabled and setting.params == new_params:
        return setting
    setting.enabled, setting.params, setting.changed_by = enabled, new_params, user
    setting.version += 1
    setting.save()
    RuleSettingVersion.objects.create(
        setting=setting, version=setting.version, enabled=enabled, params=new_params,
        changed_by=user,
    )  # fmt: skip
    return setting


# --- Scoring ----------------------------------------------------------------------------------


def active_scorecard() -> ScorecardVersion:
    scorecard = ScorecardVersion.objects.filter(is_active=True).first()
    if scorecard is None:
        raise DomainError(_("No scorecard version is active."))
    return scorecard


def scorecard_specs(scorecard: ScorecardVersion) -> list[scoring.IndicatorSpec]:
    return [
        scoring.IndicatorSpec(
            code=i.indicator,
            dimension=i.dimension,
            weight=i.weight,
            bands=scoring.parse_bands(i.bands),
            missing_score=i.missing_score,
        )  # fmt: skip
        for i in scorecard.indicators.all()
    ]


def scorecard_validate(scorecard: ScorecardVersion) -> None:
    """Weights add up (dimensions to 100 %, indicators to 100 % of each weighted dimension)."""
    weights = scorecard.dimension_weights()
    if sum(weights.values()) != 100:
        raise DomainError(_("Dimension weights must add up to 100 %."), field="financial_weight")
    per_dimension = Counter()
    for indicator in scorecard.indicators.all():
        try:
            scoring.parse_bands(indicator.bands)
        except scoring.BandError as exc:
            raise DomainError(f"{indicator.indicator}: {exc}", field="bands") from exc
        per_dimension[indicator.dimension] += indicator.weight
    for dimension, weight in weights.items():
        if weight and per_dimension[dimension] != 100:
            raise DomainError(
                _("Indicator weights of %(dimension)s add up to %(sum)s %%, not 100 %%.")
                % {"dimension": dimension, "sum": per_dimension[dimension]},
                field="indicators",
            )


@transaction.atomic
def scorecard_activate(*, scorecard: ScorecardVersion, user) -> ScorecardVersion:
    """Make a validated version the one the nightly job scores with; it is frozen from now on."""
    if not permissions.is_risk_officer(user):
        raise ActionForbidden(_("Only risk officers may activate a scorecard."))
    scorecard = ScorecardVersion.objects.select_for_update().get(pk=scorecard.pk)
    scorecard_validate(scorecard)
    ScorecardVersion.objects.filter(is_active=True).exclude(pk=scorecard.pk).update(is_active=False)
    scorecard.is_active = True
    scorecard.activated_at = scorecard.activated_at or timezone.now()
    scorecard.save(update_fields=["is_active", "activated_at"])
    return scorecard


@transaction.atomic
def scorecard_copy(*, scorecard: ScorecardVersion, user) -> ScorecardVersion:
    """A new draft version with the same weights, bands and indicators, to edit."""
    if not permissions.is_risk_officer(user):
        raise ActionForbidden(_("Only risk officers may create scorecard versions."))
    top = ScorecardVersion.objects.select_for_update().aggregate(m=Max("version"))["m"] or 0
    copy = ScorecardVersion.objects.create(
        version=top + 1,
        name=scorecard.name,
        notes=_("Copied from version %(v)s.") % {"v": scorecard.version},
        created_by=user,
        **{
            f: getattr(scorecard, f)
            for f in (
                "financial_weight",
                "operating_weight",
                "market_weight",
                "industry_weight",
                "grade_excellent_min",
                "grade_good_min",
                "level_low_min",
                "level_medium_min",
            )
        },  # fmt: skip
    )
    ScorecardIndicator.objects.bulk_create(
        [
            ScorecardIndicator(
                scorecard=copy,
                indicator=i.indicator,
                dimension=i.dimension,
                weight=i.weight,
                bands=i.bands,
                missing_score=i.missing_score,
            )  # fmt: skip
            for i in scorecard.indicators.all()
        ]
    )
    return copy


def _score_batch(ids, *, as_of, scorecard, specs, weights) -> Counter:
    counts = Counter()
    values = indicators.collect(ids, as_of=as_of)
    existing = {
        s.customer_id: s for s in RiskScore.objects.filter(customer_id__in=ids, as_of=as_of)
    }
    later = set(
        RiskScore.objects.filter(customer_id__in=ids, as_of__gt=as_of).values_list(
            "customer_id", flat=True
        )
    )
    to_write = []
    results = {}
    for pk in ids:
        result = scoring.score_customer(
            dimension_weights=weights, indicators=specs, values=values[pk]
        )
        grade = scoring.grade_for(
            result.score,
            excellent_min=scorecard.grade_excellent_min,
            good_min=scorecard.grade_good_min,
        )
        level = scoring.level_for(
            result.score, low_min=scorecard.level_low_min, medium_min=scorecard.level_medium_min
        )
        factors = [f.as_dict() for f in result.factors]
        results[pk] = (result.score, grade, level)
        old = existing.get(pk)
        if (
            old is not None
            and old.score == result.score
            and old.factors == factors
            and old.scorecard_id == scorecard.pk
        ):
            continue
        to_write.append(
            RiskScore(
                customer_id=pk,
                as_of=as_of,
                scorecard=scorecard,
                model_version=scorecard.model_version,
                score=result.score,
                grade=grade,
                risk_level=level,
                factors=factors,
            )  # fmt: skip
        )
    if to_write:
        RiskScore.objects.bulk_create(
            to_write,
            update_conflicts=True,
            unique_fields=["customer", "as_of"],
            update_fields=[
                "scorecard",
                "model_version",
                "score",
                "grade",
                "risk_level",
                "factors",
                "computed_at",
            ],  # fmt: skip
        )
    counts["scored"] += len(ids)
    counts["score_written"] += len(to_write)
    # The customer row shows the latest score; re-scoring a past date leaves it alone.
    customers = Customer.objects.filter(pk__in=[pk for pk in ids if pk not in later]).only(
        "pk", "risk_score", "credit_grade", "risk_level"
    )
    stale = []
    for customer in customers:
        score, grade, level = results[customer.pk]
        if (customer.risk_score, customer.credit_grade, customer.risk_level) != (
            score,
            grade,
            level,
        ):
            customer.risk_score, customer.credit_grade, customer.risk_level = score, grade, level
            stale.append(customer)
    bulk_update_values(Customer, stale, ["risk_score", "credit_grade", "risk_level"])
    counts["customers_updated"] += len(stale)
    return counts


def scores_compute(*, as_of: date, customer_ids: Sequence[int] | None = None) -> Counter:
    """Score every customer (or the given ones) for a date, in batches, writing only changes."""
    scorecard = active_scorecard()
    specs = scorecard_specs(scorecard)
    weights = scorecard.dimension_weights()
    if customer_ids is None:
        customer_ids = list(Customer.objects.order_by("pk").values_list("pk", flat=True))
    counts = Counter()
    size = settings.RISK_SCORING_BATCH_SIZE
    for start in range(0, len(customer_ids), size):
        with transaction.atomic():
            counts.update(
                _score_batch(
                    customer_ids[start : start + size],
                    as_of=as_of,
                    scorecard=scorecard,
                    specs=specs,
                    weights=weights,
                )  # fmt: skip
            )
    return counts


# --- Watch list -------------------------------------------------------------------------------

WATCH_LIST_INTERVAL_DAYS = 90  # DOMAIN.md §10: risk review every 365 d, watch list every 90 d.


@transaction.atomic
def watchlist_add(
    *, customer: Customer, user, reason: str, review_interval_days: int = WATCH_LIST_INTERVAL_DAYS,
    as_of: date | None = None,
) -> WatchListEntry:  # fmt: skip
    """Put a customer on the watch list (risk officers)."""
    if not permissions.can_manage_watch_list(user):
        raise ActionForbidden(_("Only risk officers may change the watch list."))
    if not (reason or "").strip():
        raise DomainError(_("Give the reason."), field="reason")
    if review_interval_days < 1:
        raise DomainError(_("The interval must be at least one day."), field="review_interval_days")
    Customer.objects.select_for_update().filter(pk=customer.pk).first()
    if WatchListEntry.objects.current().filter(customer=customer).exists():
        raise DomainError(_("The customer is already on the watch list."), field="customer")
    today = as_of or timezone.localdate()
    return WatchListEntry.objects.create(
        customer=customer, reason=reason.strip(), added_on=today, added_by=user,
        review_interval_days=review_interval_days,
        next_review_on=today + timedelta(days=review_interval_days),
    )  # fmt: skip


@transaction.atomic
def watchlist_review(
    *, entry: WatchListEntry, user, conclusion: str, reviewed_on: date | None = None
) -> WatchListEntry:
    """Record a periodic review and schedule the next one."""
    if not permissions.can_manage_watch_list(user):
        raise ActionForbidden(_("Only risk officers may review watch-list customers."))
    if not (conclusion or "").strip():
        raise DomainError(_("Write the conclusion."), field="conclusion")
    entry = WatchListEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.removed_on is not None:
        raise TransitionNotAllowed(_("The customer is no longer on the watch list."))
    reviewed_on = reviewed_on or timezone.localdate()
    WatchListReview.objects.create(
        entry=entry, reviewed_on=reviewed_on, reviewer=user, conclusion=conclusion.strip()
    )
    entry.last_reviewed_on = reviewed_on
    entry.next_review_on = reviewed_on + timedelta(days=entry.review_interval_days)
    entry.save(update_fields=["last_reviewed_on", "next_review_on"])
    return entry


@transaction.atomic
def watchlist_remove(*, entry: WatchListEntry, user, reason: str) -> WatchListEntry:
    """Take a customer off the watch list, with the reason."""
    if not permissions.can_manage_watch_list(user):
        raise ActionForbidden(_("Only risk officers may change the watch list."))
    if not (reason or "").strip():
        raise DomainError(_("Give the reason."), field="removal_reason")
    entry = WatchListEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.removed_on is not None:
        raise TransitionNotAllowed(_("The customer is no longer on the watch list."))
    entry.removed_on, entry.removed_by, entry.removal_reason = (
        timezone.localdate(), user, reason.strip(),
    )  # fmt: skip
    entry.save(update_fields=["removed_on", "removed_by", "removal_reason"])
    return entry


def watchlist_sync_high_risk(*, as_of: date) -> int:
    """Put every high-risk customer not yet on the watch list on it (set-based; idempotent)."""
    from django.db.models import Exists, OuterRef

    on_list = WatchListEntry.objects.current().filter(customer_id=OuterRef("pk"))
    ids = list(
        Customer.objects.filter(risk_level="high")
        .exclude(Exists(on_list))
        .values_list("pk", flat=True)
    )
    entries = WatchListEntry.objects.bulk_create(
        [
            WatchListEntry(
                customer_id=pk,
                reason=_("Risk level high (nightly scoring)."),
                added_on=as_of,
                review_interval_days=WATCH_LIST_INTERVAL_DAYS,
                next_review_on=as_of + timedelta(days=WATCH_LIST_INTERVAL_DAYS),
            )  # fmt: skip
            for pk in ids
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    return len(entries)


# --- Post-loan checks -------------------------------------------------------------------------


def post_loan_check_interval(loan) -> int:
    """Days to the next check: shorter for high-risk customers and loans not `normal`."""
    params = parse_params(
        RuleCode.POST_LOAN_CHECK_OVERDUE,
        RuleSetting.objects.filter(code=RuleCode.POST_LOAN_CHECK_OVERDUE)
        .values_list("params", flat=True)
        .first(),
    )
    if loan.customer.risk_level == "high" or loan.classification != "normal":
        return params["high_risk_interval_days"]
    return params["interval_days"]


@transaction.atomic
def post_loan_check_record(
    *, loan, user, checked_on: date, method: str, loan_usage: str, purpose_compliant: bool,
    findings: str = "", next_check_on: date | None = None,
) -> PostLoanCheck:  # fmt: skip
    """Record a post-loan check; funds used against their purpose raise a red alert at once."""
    from loans.models import Loan

    if not permissions.can_work_alert(user):
        raise ActionForbidden(_("Your role may not record post-loan checks."))
    loan = Loan.objects.select_for_update().select_related("customer").get(pk=loan.pk)
    if checked_on > timezone.localdate():
        raise DomainError(_("A check cannot be in the future."), field="checked_on")
    if checked_on < loan.disbursed_on:
        raise DomainError(_("The check is before the disbursement."), field="checked_on")
    if not (loan_usage or "").strip():
        raise DomainError(_("Describe how the funds were used."), field="loan_usage")
    next_check_on = next_check_on or checked_on + timedelta(days=post_loan_check_interval(loan))
    if next_check_on <= checked_on:
        raise DomainError(_("The next check must be after this one."), field="next_check_on")
    check = PostLoanCheck.objects.create(
        loan=loan, checked_on=checked_on, method=method, loan_usage=loan_usage.strip(),
        purpose_compliant=purpose_compliant, findings=findings.strip(),
        next_check_on=next_check_on, checked_by=user,
    )  # fmt: skip
    if not purpose_compliant:
        rules_run(as_of=timezone.localdate(), codes=[RuleCode.FUND_MISUSE])
    return check
