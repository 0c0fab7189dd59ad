"""The scorecard maths (DOMAIN.md §5 and §10), pure Python without Django.

An indicator's value falls in a band that gives it a band score (0–100). Its weight in the
total is its dimension's weight × its share of that dimension. The composite score is the
weighted sum rounded half-up to a whole number 0–100, and each factor's points are its weighted
contribution scaled by (score / exact sum) and apportioned in hundredths by largest remainder,
so the factors add up to the score exactly and a person can read *why* a customer scores 54.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

__all__ = [
    "Band",
    "BandError",
    "Factor",
    "IndicatorSpec",
    "ScoreResult",
    "grade_for",
    "level_for",
    "parse_bands",
    "score_customer",
]

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


class BandError(ValueError):
    """A band table is malformed."""


@dataclass(frozen=True)
class Band:
    """Values from `lower` (inclusive; None = minus infinity) up to the next band score `score`."""

    lower: Decimal | None
    score: int


@dataclass(frozen=True)
class IndicatorSpec:
    """One indicator of a scorecard version."""

    code: str
    dimension: str
    weight: Decimal  # share of its dimension, in percent
    bands: tuple[Band, ...]
    missing_score: int


@dataclass(frozen=True)
class Factor:
    """One line of the breakdown: the API's `{dimension, indicator, value, weight, points}`."""

    dimension: str
    indicator: str
    value: Decimal | None
    weight: Decimal  # effective weight in the total, percent
    band_score: int
    points: Decimal

    def as_dict(self) -> dict:
        return {
            "dimension": self.dimension,
            "indicator": self.indicator,
            "value": None if self.value is None else str(self.value),
            "weight": str(self.weight),
            "band_score": self.band_score,
            "points": str(self.points),
        }


@dataclass(frozen=True)
class ScoreResult:
    score: int
    factors: tuple[Factor, ...]


def parse_bands(raw: Sequence) -> tuple[Band, ...]:
    """Bands from `[[lower, score], ...]` (JSON); the first lower is null; lowers ascend."""
    if not isinstance(raw, (list, tuple)) or not raw:
        raise BandError("Bands must be a non-empty list of [lower bound, score] pairs.")
    bands = []
    for index, item in enumerate(raw):
        if not isinstance(item, (list, tuple)) or len(item) != 2:
            raise BandError(f"Band {index + 1} must be a [lower bound, score] pair.")
        lower_raw, score_raw = item
        if index == 0:
            if lower_raw is not None:
                raise BandError("The first band's lower bound must be null (no minimum).")
            lower = None
        else:
            try:
                lower = Decimal(str(lower_raw))
            except ArithmeticError as exc:
                raise BandError(
                    f"Band {index + 1} has a lower bound that is not a number."
                ) from exc
            if not lower.is_finite():
                raise BandError(f"Band {index + 1} has a lower bound that is not a number.")
            if bands[-1].lower is not None and lower <= bands[-1].lower:
                raise BandError("Band lower bounds must strictly ascend.")
        if isinstance(score_raw, bool) or not isinstance(score_raw, int):
            raise BandError(f"Band {index + 1} needs a whole-number score.")
        if not 0 <= score_raw <= 100:
            raise BandError(f"Band {index + 1} score must be between 0 and 100.")
        bands.append(Band(lower, score_raw))
    return tuple(bands)


def band_score(bands: Sequence[Band], value: Decimal | None, missing_score: int) -> int:
    """The score of the last band whose lower bound is at or below the value."""
    if value is None:
        return missing_score
    result = bands[0].score
    for band in bands[1:]:
        if value >= band.lower:
            result = band.score
        else:
            break
    return result


def _apportion(exact: Sequence[Decimal], total: Decimal) -> list[Decimal]:
    """Split `total` (in cents) over the parts in proportion to `exact`, largest remainder first."""
    exact_sum = sum(exact, Decimal(0))
    if exact_sum == 0:
        return [Decimal(0).quantize(CENT) for _ in exact]
    target_cents = int((total * HUNDRED).to_integral_value(ROUND_HALF_UP))
    scaled = [part * total / exact_sum * HUNDRED for part in exact]
    floors = [int(value.to_integral_value(ROUND_FLOOR)) for value in scaled]
    remaining = target_cents - sum(floors)
    # Stable: ties go to the earlier factor, so the same inputs always give the same split.
    order = sorted(range(len(scaled)), key=lambda i: (-(scaled[i] - floors[i]), i))
    for i in order[:remaining]:
        floors[i] += 1
    return [(Decimal(cents) / HUNDRED).quantize(CENT) for cents in floors]


def score_customer(
    *,
    dimension_weights: Mapping[str, Decimal],
    indicators: Sequence[IndicatorSpec],
    values: Mapping[str, Decimal | None],
) -> ScoreResult:
    """The composite score 0–100 and its factors for one customer's indicator values."""
    effective = []
    contributions = []
    scores = []
    for spec in indicators:
        weight = Decimal(dimension_weights.get(spec.dimension, 0)) * spec.weight / HUNDRED
        points = band_score(spec.bands, values.get(spec.code), spec.missing_score)
        effective.append(weight)
        scores.append(points)
        contributions.append(weight * points / HUNDRED)
    score = int(sum(contributions, Decimal(0)).to_integral_value(ROUND_HALF_UP))
    score = max(0, min(100, score))
    points = _apportion(contributions, Decimal(score))
    factors = tuple(
        Factor(
            dimension=spec.dimension,
            indicator=spec.code,
            value=values.get(spec.code),
            weight=weight.quantize(CENT, ROUND_HALF_UP),
            band_score=band,
            points=point,
        )
        for spec, weight, band, point in zip(indicators, effective, scores, points, strict=True)
    )
    return ScoreResult(score=score, factors=factors)


def grade_for(score: int, *, excellent_min: int = 80, good_min: int = 60) -> str:
    """Credit grade by bands: ≥80 excellent (优质), 60–79 good (良好), <60 watch (关注)."""
    if score >= excellent_min:
        return "excellent"
    if score >= good_min:
        return "good"
    return "watch"


def level_for(score: int, *, low_min: int = 70, medium_min: int = 50) -> str:
    """Risk level by bands: ≥70 low, 50–69 medium, <50 high (higher score is better)."""
    if score >= low_min:
        return "low"
    if score >= medium_min:
        return "medium"
    return "high"
