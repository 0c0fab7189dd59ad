"""Satisfaction maths of DOMAIN.md §7, pure Python: NPS, CSAT means and the top-two-box share.

Results are `Decimal` rounded once, half-up, to one decimal place (what a report shows);
`None` when there is nothing to measure, so an empty group never reads as a score of 0.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ONE_PLACE = Decimal("0.1")
PROMOTER_MIN = 9  # 9–10
DETRACTOR_MAX = 6  # 0–6
TOP2_MIN = 4  # CSAT 4–5


def _round(value: Decimal) -> Decimal:
    return value.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class NpsCounts:
    """How many NPS answers fell in each band."""

    promoters: int = 0
    passives: int = 0
    detractors: int = 0

    @property
    def total(self) -> int:
        return self.promoters + self.passives + self.detractors


def nps_counts(answers: Iterable[int]) -> NpsCounts:
    """Band 0–10 answers into promoters (9–10), passives (7–8) and detractors (0–6)."""
    promoters = passives = detractors = 0
    for answer in answers:
        if not 0 <= answer <= 10:
            raise ValueError(f"NPS answers are 0–10, got {answer}")
        if answer >= PROMOTER_MIN:
            promoters += 1
        elif answer <= DETRACTOR_MAX:
            detractors += 1
        else:
            passives += 1
    return NpsCounts(promoters, passives, detractors)


def nps_from_counts(counts: NpsCounts) -> Decimal | None:
    """NPS = % promoters − % detractors, from −100 to 100."""
    if counts.total == 0:
        return None
    return _round(Decimal(100 * (counts.promoters - counts.detractors)) / counts.total)


def nps(answers: Iterable[int]) -> Decimal | None:
    """NPS of a list of 0–10 answers."""
    return nps_from_counts(nps_counts(answers))


def mean(total: int, count: int) -> Decimal | None:
    """The mean of `count` scores adding up to `total`."""
    if count == 0:
        return None
    return _round(Decimal(total) / count)


def csat_mean(scores: Iterable[int]) -> Decimal | None:
    """The mean of 1–5 CSAT scores."""
    scores = list(scores)
    for score in scores:
        if not 1 <= score <= 5:
            raise ValueError(f"CSAT scores are 1–5, got {score}")
    return mean(sum(scores), len(scores))


def share(part: int, whole: int) -> Decimal | None:
    """`part` as a percentage of `whole` (0–100)."""
    if whole == 0:
        return None
    return _round(Decimal(100 * part) / whole)


def top2_share(scores: Iterable[int]) -> Decimal | None:
    """The percentage of CSAT scores of 4 or 5."""
    scores = list(scores)
    return share(sum(1 for score in scores if score >= TOP2_MIN), len(scores))
