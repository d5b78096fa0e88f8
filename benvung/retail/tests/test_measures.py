"""Retail's indicators (T5 eco-friendly packaging, biodegradable bags) computed from surveys made
here, against shares worked out by hand (definitions in docs/indicators.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from benvung.directory.models import RetailOutlet
from benvung.indicators import registry, services
from benvung.indicators.models import IndicatorResult
from benvung.retail.models import PackagingSurvey

pytestmark = pytest.mark.django_db


def result(code: str, year: int, kind: str = "province", key: str = "") -> IndicatorResult:
    return IndicatorResult.objects.get(indicator=code, year=year, scope_kind=kind, scope_key=key)


def test_the_retail_share_counts_yes_among_surveyed_supermarkets_and_trade_centres(
    doit: Any,
) -> None:
    def outlet(name: str, kind: str) -> RetailOutlet:
        return RetailOutlet.objects.create(name=name, outlet_type=kind)

    answers = [
        (outlet("ST Một", "supermarket"), "yes", "80"),
        (outlet("ST Hai", "supermarket"), "yes", "60"),
        (outlet("TTTM Ba", "trade_centre"), "partly", None),
        (outlet("TTTM Bốn", "trade_centre"), "no", "10"),
        (outlet("CHTL Năm", "convenience_store"), "no", "30"),
    ]
    outlet("ST Sáu (chưa khảo sát)", "supermarket")
    for shop, answer, bags in answers:
        PackagingSurvey.objects.create(
            outlet=shop,
            year=2024,
            eco_packaging=answer,
            owner=doit,
            biodegradable_bag_share=None if bags is None else Decimal(bags),
        )
    services.recompute("retail_ecopackaging_share", 2024)
    services.recompute("retail_biodegradable_bags_share", 2024)
    share = result("retail_ecopackaging_share", 2024)
    # 2 "yes" of the 4 supermarkets and trade centres surveyed (the convenience store is not
    # in the target; the sixth outlet was not surveyed): 50 %.
    assert (share.numerator, share.denominator, share.value) == (2, 4, Decimal("50.000000"))
    assert result("retail_ecopackaging_share", 2024, "outlet_type", "trade_centre").value == 0
    bags = result("retail_biodegradable_bags_share", 2024)
    # (80 + 60 + 10 + 30) / 4 outlets that gave a share = 45 %.
    assert bags.value == Decimal("45.000000")
    assert bags.denominator == 4


def test_a_share_of_fewer_than_half_of_the_outlets_is_not_given(doit: Any) -> None:
    shops = [
        RetailOutlet.objects.create(name=f"Siêu thị số {i}", outlet_type="supermarket")
        for i in range(3)
    ]
    PackagingSurvey.objects.create(
        outlet=shops[0],
        year=2026,
        eco_packaging="yes",
        owner=doit,
        biodegradable_bag_share=Decimal("95"),
    )
    services.recompute("retail_ecopackaging_share", 2026)
    services.recompute("retail_biodegradable_bags_share", 2026)
    # 1 of 3 surveyed: "100 %" would say nothing about the province. The numerator goes too:
    # with the denominator it would give the share away.
    row = result("retail_ecopackaging_share", 2026)
    assert row.value is None and (row.numerator, row.denominator) == (None, 1)
    assert row.coverage == {"counted": 1, "expected": 3, "minimum": 0.5, "met": False}
    with translation.override("vi"):
        assert registry.note_text(row.notes[0]) == (
            "Chưa đủ số liệu: 1/3 cơ sở bán lẻ đang hoạt động được khảo sát."
        )
    assert result("retail_biodegradable_bags_share", 2026).value is None
    PackagingSurvey.objects.create(outlet=shops[1], year=2026, eco_packaging="no", owner=doit)
    services.recompute("retail_ecopackaging_share", 2026)
    assert result("retail_ecopackaging_share", 2026).value == Decimal("50.000000")  # 1 of 2
