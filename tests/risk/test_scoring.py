"""The scorecard maths (risk/scoring.py), without the database."""

from decimal import Decimal

import pytest

from risk.scoring import (
    Band,
    BandError,
    IndicatorSpec,
    band_score,
    grade_for,
    level_for,
    parse_bands,
    score_customer,
)

D = Decimal
DEBT_BANDS = parse_bands([[None, 100], ["0.50", 80], ["0.60", 60], ["0.70", 35], ["0.80", 10]])


def test_parse_bands_reads_the_json_table():
    assert parse_bands([[None, 0], ["1.5", 60], [2, 100]]) == (
        Band(None, 0),
        Band(D("1.5"), 60),
        Band(D("2"), 100),
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "non-empty"),
        ([["0", 10]], "first band"),
        ([[None, 10], ["2", 20], ["1", 30]], "ascend"),
        ([[None, 10], ["2", 20], ["2", 30]], "ascend"),
        ([[None, 101]], "between 0 and 100"),
        ([[None, 5.5]], "whole-number"),
        ([[None, 5], ["x", 6]], "not a number"),
        ([[None]], "pair"),
    ],
)
def test_parse_bands_refuses_malformed_tables(raw, message):
    with pytest.raises(BandError, match=message):
        parse_bands(raw)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("0.10"), 100),
        (D("0.4999"), 100),
        (D("0.50"), 80),  # a band starts exactly at its lower bound
        (D("0.6999"), 60),
        (D("0.70"), 35),
        (D("0.80"), 10),
        (D("3"), 10),
        (None, 42),
    ],
)
def test_band_score_takes_the_last_band_at_or_below_the_value(value, expected):
    assert band_score(DEBT_BANDS, value, missing_score=42) == expected


@pytest.mark.parametrize(
    ("score", "grade", "level"),
    [
        (100, "excellent", "low"),
        (80, "excellent", "low"),
        (79, "good", "low"),
        (70, "good", "low"),
        (69, "good", "medium"),
        (60, "good", "medium"),
        (59, "watch", "medium"),
        (50, "watch", "medium"),
        (49, "watch", "high"),
        (0, "watch", "high"),
    ],
)
def test_grade_and_level_follow_the_default_bands_of_domain_section_10(score, grade, level):
    assert grade_for(score) == grade
    assert level_for(score) == level


def _spec(code, dimension, weight, bands, missing=50):
    return IndicatorSpec(code, dimension, D(weight), parse_bands(bands), missing)


SPECS = [
    _spec("debt_to_asset", "financial", 60, [[None, 100], ["0.5", 80], ["0.8", 10]]),
    _spec("current_ratio", "financial", 40, [[None, 0], ["1", 60], ["2", 100]]),
    _spec("max_days_past_due", "operating", 100, [[None, 100], ["1", 60], ["90", 0]]),
    _spec("complaints_90d", "market", 100, [[None, 100], ["1", 60]]),
    _spec("industry_risk", "industry", 100, [[None, 100], ["3", 60], ["5", 0]]),
]
WEIGHTS = {"financial": D(40), "operating": D(30), "market": D(15), "industry": D(15)}


def test_score_is_the_weighted_sum_and_the_factors_explain_it():
    # given: 0.55 → 80 (×24 %), 1.2 → 60 (×16 %), DPD 0 → 100 (×30 %), 1 complaint → 60
    # (×15 %), industry risk 3 → 60 (×15 %): 19.2 + 9.6 + 30 + 9 + 9 = 76.8
    values = {
        "debt_to_asset": D("0.55"),
        "current_ratio": D("1.2"),
        "max_days_past_due": D(0),
        "complaints_90d": D(1),
        "industry_risk": D(3),
    }

    result = score_customer(dimension_weights=WEIGHTS, indicators=SPECS, values=values)

    assert result.score == 77
    assert [f.weight for f in result.factors] == [
        D("24.00"),
        D("16.00"),
        D("30.00"),
        D("15.00"),
        D("15.00"),
    ]
    assert [f.band_score for f in result.factors] == [80, 60, 100, 60, 60]
    # 76.8 scaled to 77 and apportioned in hundredths, largest remainder first.
    assert [f.points for f in result.factors] == [
        D("19.25"),
        D("9.63"),
        D("30.08"),
        D("9.02"),
        D("9.02"),
    ]
    assert sum(f.points for f in result.factors) == D(77)


def test_missing_values_score_the_indicators_missing_score():
    result = score_customer(dimension_weights=WEIGHTS, indicators=SPECS, values={})

    assert [f.band_score for f in result.factors] == [50, 50, 50, 50, 50]
    assert result.score == 50
    assert [f.value for f in result.factors] == [None] * 5
    assert sum(f.points for f in result.factors) == D(50)


@pytest.mark.parametrize("seed", range(40))
def test_factor_points_always_sum_exactly_to_the_score(seed):
    import random

    rng = random.Random(seed)
    values = {
        "debt_to_asset": D(rng.randint(0, 120)) / 100,
        "current_ratio": D(rng.randint(0, 300)) / 100,
        "max_days_past_due": D(rng.choice([0, 1, 15, 89, 90, 400])),
        "complaints_90d": D(rng.randint(0, 3)),
        "industry_risk": D(rng.randint(1, 5)),
    }

    result = score_customer(dimension_weights=WEIGHTS, indicators=SPECS, values=values)

    assert 0 <= result.score <= 100
    assert sum(f.points for f in result.factors) == D(result.score)


def test_all_zero_band_scores_give_zero_points():
    values = {"debt_to_asset": D("0.9"), "current_ratio": D("0.5"), "max_days_past_due": D(90)}
    specs = SPECS[:3]

    result = score_customer(
        dimension_weights={"financial": D(50), "operating": D(50)}, indicators=specs, values=values
    )

    # 0.9 → 10 points ×30 % = 3; the rest 0.
    assert result.score == 3
    assert [f.points for f in result.factors] == [D("3.00"), D("0.00"), D("0.00")]


def test_factor_as_dict_is_the_api_shape():
    result = score_customer(
        dimension_weights=WEIGHTS, indicators=SPECS[:1], values={"debt_to_asset": D("0.55")}
    )

    assert result.factors[0].as_dict() == {
        "dimension": "financial",
        "indicator": "debt_to_asset",
        "value": "0.55",
        "weight": "24.00",
        "band_score": 80,
        "points": "19.00",
    }
