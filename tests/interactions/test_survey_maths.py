"""NPS and CSAT maths on known samples (DOMAIN.md §7)."""

from decimal import Decimal

import pytest

from interactions import survey_maths as m


def test_nps_of_ten_answers_five_promoters_three_passives_two_detractors_is_30():
    answers = [9, 10, 9, 10, 10, 7, 8, 7, 0, 6]

    assert m.nps_counts(answers) == m.NpsCounts(promoters=5, passives=3, detractors=2)
    assert m.nps(answers) == Decimal("30.0")


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ([10, 10, 10], Decimal("100.0")),
        ([0, 3, 6], Decimal("-100.0")),
        ([7, 8], Decimal("0.0")),
        # 1 promoter, 2 detractors out of 3: 33.33 − 66.67 = −33.3
        ([9, 6, 5], Decimal("-33.3")),
        # 2 of 3 promoters: 66.666… rounds half-up to 66.7
        ([9, 9, 8], Decimal("66.7")),
    ],
)
def test_nps_bands_and_rounding(answers, expected):
    assert m.nps(answers) == expected


def test_band_edges_six_is_detractor_seven_and_eight_passive_nine_promoter():
    assert m.nps_counts([6]) == m.NpsCounts(detractors=1)
    assert m.nps_counts([7, 8]) == m.NpsCounts(passives=2)
    assert m.nps_counts([9]) == m.NpsCounts(promoters=1)


def test_nothing_to_measure_is_none_not_zero():
    assert m.nps([]) is None
    assert m.csat_mean([]) is None
    assert m.top2_share([]) is None


def test_csat_mean_and_top_two_share():
    scores = [5, 4, 4, 3, 2, 5, 1, 4]  # sum 28 over 8; 5 scores of 4–5

    assert m.csat_mean(scores) == Decimal("3.5")
    assert m.top2_share(scores) == Decimal("62.5")


def test_out_of_range_answers_are_refused():
    with pytest.raises(ValueError, match="0–10"):
        m.nps([11])
    with pytest.raises(ValueError, match="1–5"):
        m.csat_mean([0])
