"""KPIs on the hand-worked March 2026 of the small practice (see tests/services/test_ar.py).

March: charges 175.00 (E1) + 220.00 (E2) + 18.50 (E4) = 413.50, all with March dates of service.
Medicare pays 88.00 on E1 (contractual 65.00, 22.00 to the secondary); Commercial denies E2 (CO-16).
A/R on 03-31 = 413.50 − 88.00 − 65.00 = 260.50."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from app.services.container import Services
from tests.factories import bill
from tests.services.test_ar import _dana_pays, _deny_commercial, _pay_medicare

D = Decimal
day = dt.date


def test_march_kpis_match_the_numbers_worked_by_hand(loaded: Services) -> None:
    bill(loaded, on=day(2026, 3, 10))
    _pay_medicare(loaded)
    _deny_commercial(loaded)
    report = loaded.kpi.kpis(day(2026, 3, 1), day(2026, 3, 31))
    assert (report.charges_cents, report.payments_cents, report.contractual_cents) == (41350, 8800, 6500)
    assert report.ar_cents == 26050
    # days in A/R = 260.50 ÷ (413.50 ÷ 31) = 19.53
    assert report.value("days_in_ar") == D("19.5")
    # net collection rate = 88.00 ÷ (413.50 − 65.00) = 25.25%
    assert report.value("net_collection_rate") == D("25.25")
    # two claims adjudicated in March, one denied
    assert report.value("denial_rate") == D("50.00")
    # E1 was paid on its first submission, E2 was not
    assert report.value("clean_claim_rate") == D("50.00")
    assert report.value("first_pass_resolution_rate") == D("50.00")
    assert report.value("ar_over_90_pct") == D("0.00") and report.value("ar_over_120_pct") == D("0.00")
    # DOS 03-02 and 03-03, both first billed 03-10: (8 + 7) ÷ 2
    assert report.value("submission_lag_days") == D("7.5")
    assert report.kpis["net_collection_rate"].benchmark == "95% or more"
    assert "contractual" in report.kpis["net_collection_rate"].formula


def test_write_offs_do_not_lower_the_denominator_of_the_net_collection_rate(loaded: Services) -> None:
    bill(loaded, on=day(2026, 3, 10))
    _pay_medicare(loaded)
    _dana_pays(loaded, 1000, day(2026, 3, 31))
    report = loaded.kpi.kpis(day(2026, 3, 1), day(2026, 3, 31))
    # (88.00 + 10.00) ÷ (413.50 − 65.00) = 28.12%
    assert report.value("net_collection_rate") == D("28.12")
    assert report.write_off_cents == 0


def test_ar_over_90_and_120_and_the_monthly_trend(loaded: Services) -> None:
    bill(loaded, on=day(2026, 3, 10))
    # on 07-01: E1 (DOS 03-02) is 121 days old, E2 (03-03) 120, E4 (03-05) 118
    report = loaded.kpi.kpis(day(2026, 6, 1), day(2026, 7, 1))
    assert report.value("ar_over_90_pct") == D("100.00")
    assert report.value("ar_over_120_pct") == D("42.32")  # 175.00 ÷ 413.50
    assert report.value("days_in_ar") is None, "no charges in the period"
    trend = loaded.kpi.trend(months=3, until=day(2026, 4, 30))
    assert [(t.date_from, t.date_to) for t in trend] == [
        (day(2026, 2, 1), day(2026, 2, 28)),
        (day(2026, 3, 1), day(2026, 3, 31)),
        (day(2026, 4, 1), day(2026, 4, 30)),
    ]
    assert trend[1].value("days_in_ar") == D("31.0")  # nothing paid: A/R = charges, 31 days


def test_posting_lag_counts_from_check_date_to_the_day_it_was_posted(loaded: Services) -> None:
    bill(loaded, on=day(2026, 3, 10))
    _pay_medicare(loaded)
    today = dt.datetime.now(dt.UTC).date()
    report = loaded.kpi.kpis(day(2026, 3, 1), today)
    assert report.value("posting_lag_days") == D((today - day(2026, 3, 20)).days).quantize(D("0.1"))
