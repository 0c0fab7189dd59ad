"""Set-based end-of-day update of installment statuses, days past due and classification.

One pair of SQL statements covers the whole portfolio (or the given loans), so the daily job's
cost does not grow with a Python loop over rows. Running it twice for one date changes nothing
the second time: rows are only written when a value differs.
"""

from datetime import date

from django.db import connection

from . import schedule

# Severity ranks as in schedule.CLASSIFICATION_ORDER (0 = normal … 4 = loss).
_ORDER_SQL = "ARRAY[" + ", ".join(f"'{c}'" for c in schedule.CLASSIFICATION_ORDER) + "]::text[]"

_INSTALLMENT_STATUS_SQL = """
    CASE
        WHEN i.principal_paid = i.principal AND i.interest_paid = i.interest THEN 'paid'
        WHEN i.due_date < %(as_of)s THEN 'overdue'
        WHEN i.principal_paid + i.interest_paid > 0 THEN 'partially_paid'
        ELSE 'due'
    END
"""

UPDATE_INSTALLMENTS_SQL = f"""
UPDATE loans_installment AS i
SET status = {_INSTALLMENT_STATUS_SQL}
FROM loans_loan AS l
WHERE l.id = i.loan_id
  AND l.status = 'active'
  AND (%(all)s OR l.id = ANY(%(loan_ids)s))
  AND i.status <> {_INSTALLMENT_STATUS_SQL}
"""

# The floor follows 商业银行金融资产风险分类办法 (2023) as schedule.classification_floor does:
# "more than N days" is strict, so exactly 90 days past due is still special mention.
UPDATE_LOANS_SQL = f"""
WITH dpd AS (
    SELECT l.id,
           GREATEST(0, COALESCE(%(as_of)s::date - MIN(i.due_date), 0)) AS days
    FROM loans_loan AS l
    LEFT JOIN loans_installment AS i
        ON i.loan_id = l.id
       AND (i.principal_paid < i.principal OR i.interest_paid < i.interest)
    WHERE l.status = 'active'
      AND (%(all)s OR l.id = ANY(%(loan_ids)s))
    GROUP BY l.id
),
target AS (
    SELECT l.id,
           d.days,
           l.classification AS old_class,
           ({_ORDER_SQL})[GREATEST(
               CASE
                   WHEN d.days > 360 THEN 4
                   WHEN d.days > 270 THEN 3
                   WHEN d.days > 90 THEN 2
                   WHEN d.days >= 1 THEN 1
                   ELSE 0
               END,
               COALESCE(array_position({_ORDER_SQL}, NULLIF(l.manual_classification, '')) - 1, 0)
           ) + 1] AS new_class
    FROM dpd AS d
    JOIN loans_loan AS l ON l.id = d.id
),
history AS (
    INSERT INTO loans_classificationchange
        (loan_id, from_classification, to_classification, days_past_due, as_of, source, reason, at)
    SELECT t.id, t.old_class, t.new_class, t.days, %(as_of)s, 'floor', '', now()
    FROM target AS t
    WHERE t.new_class <> t.old_class
    RETURNING 1
),
updated AS (
    UPDATE loans_loan AS l
    SET days_past_due = t.days, classification = t.new_class, status_as_of = %(as_of)s
    FROM target AS t
    WHERE l.id = t.id
      AND (l.days_past_due, l.classification, l.status_as_of)
          IS DISTINCT FROM (t.days, t.new_class, %(as_of)s::date)
    RETURNING 1
)
SELECT (SELECT count(*) FROM target), (SELECT count(*) FROM updated), (SELECT count(*) FROM history)
"""


def refresh_loans(*, as_of: date, loan_ids: list[int] | None = None) -> dict[str, int]:
    """Bring installment statuses, DPD and class of active loans up to `as_of`; return counts."""
    params = {"as_of": as_of, "all": loan_ids is None, "loan_ids": list(loan_ids or [])}
    with connection.cursor() as cursor:
        cursor.execute(UPDATE_INSTALLMENTS_SQL, params)
        installments = cursor.rowcount
        cursor.execute(UPDATE_LOANS_SQL, params)
        loans, updated, reclassified = cursor.fetchone()
    return {
        "loans": loans,
        "loans_updated": updated,
        "installments_updated": installments,
        "reclassified": reclassified,
    }
