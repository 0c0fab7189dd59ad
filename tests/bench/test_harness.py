"""The benchmark harness runs end to end and reports what it measured (numbers, not timings)."""

import io

import pytest
from rest_framework.throttling import SimpleRateThrottle

from bench import harness
from bench.portfolio import seed_bank
from crm.demo import seed_people
from loans.defaults import seed_approval_tiers, seed_products
from loans.models import ApprovalTier, LoanProduct


def test_percentile_is_nearest_rank():
    assert harness._percentile([float(v) for v in range(1, 21)], 95) == 19.0
    assert harness._percentile([7.0], 95) == 7.0
    assert harness._percentile([3.0, 1.0, 2.0], 50) == 2.0


def test_rewriting_the_report_keeps_the_analysis(tmp_path):
    report = tmp_path / "benchmarks.md"
    report.write_text(f"# old numbers\n\n{harness.ANALYSIS_MARKER}\n\nWhy page X is slow.\n")
    assert harness._kept_analysis(str(report)) == (
        f"\n{harness.ANALYSIS_MARKER}\n\nWhy page X is slow."
    )
    assert harness._kept_analysis(str(tmp_path / "missing.md")) == ""


@pytest.fixture
def tiny_bank(db, settings, monkeypatch):
    # main() changes DEBUG, ALLOWED_HOSTS and the throttle rates: keep them test-local.
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", dict(SimpleRateThrottle.THROTTLE_RATES)
    )
    seed_people(password="pw-2026-bench")
    seed_products(LoanProduct)
    seed_approval_tiers(ApprovalTier)
    seed_bank(fraction=0.001, password="pw-2026-bench", stdout=io.StringIO())


def test_harness_measures_pages_and_writes_the_report(tiny_bank, tmp_path, capsys):
    output = tmp_path / "benchmarks.md"
    code = harness.main(
        ["--no-jobs", "--repeat", "2", "--warmup", "1", "--only", "list", "--output", str(output)]
    )
    assert code == 0
    text = output.read_text()
    assert "## Pages and API list endpoints" in text
    assert "python -m bench --no-jobs --repeat 2" in text
    rows = [line for line in text.splitlines() if line.startswith("| customer list, page 1 ")]
    assert len(rows) == 1
    cells = [cell.strip() for cell in rows[0].strip("|").split("|")]
    assert cells[1:3] == ["risk officer", "200"]
    assert int(cells[3]) > 0  # queries were counted
    assert "Daily jobs" not in text
    assert "customer page" not in text  # --only kept the list pages
