"""The small-count rule (pilotage.privacy): < 5, secondary masking, statistics on few people."""

from __future__ import annotations

from pilotage.privacy import (
    SECONDARY_LABEL,
    SMALL_LABEL,
    protect_count,
    protect_series,
    protect_share,
    protect_stat,
)


def labels(values: list[int]) -> list[str]:
    return [c.label for c in protect_series(values)]


def test_counts_from_one_to_four_read_less_than_five_and_zero_stays_zero() -> None:
    assert [protect_count(v).label for v in (0, 1, 4, 5, 12)] == ["0", "< 5", "< 5", "5", "12"]
    assert SMALL_LABEL == "< 5"


def test_a_lone_masked_cell_hides_the_smallest_other_so_the_total_does_not_reveal_it() -> None:
    # total 20 is published elsewhere: without the secondary mask, 20 - 6 - 11 = 3
    assert labels([6, 3, 11]) == [SECONDARY_LABEL, "< 5", "11"]


def test_two_masked_cells_need_no_secondary_mask() -> None:
    assert labels([1, 2, 9]) == ["< 5", "< 5", "9"]


def test_a_masked_cell_alone_with_zeros_has_nothing_else_to_hide() -> None:
    assert labels([0, 3, 0]) == ["0", "< 5", "0"]


def test_masked_cells_are_not_drawn_and_export_their_label() -> None:
    small, big, largest = protect_series([2, 7, 8])
    assert small.shown is None and small.cell == "< 5"
    assert big.shown is None and big.cell == SECONDARY_LABEL  # 7, the smallest other
    assert largest.shown == 8 and largest.cell == 8


def test_shares_and_statistics_on_fewer_than_five_people_are_not_shown() -> None:
    assert protect_share(protect_count(5), 14) == 35.7
    assert protect_share(protect_count(3), 14) is None
    assert protect_share(protect_count(4), 4) is None
    assert protect_stat(7.0, 4) is None
    assert protect_stat(7.0, 5) == 7.0
