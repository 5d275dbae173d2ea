"""The feed's low-water mark: late commits below the newest event."""

from __future__ import annotations

from viax.events.feed import Gaps


def test_all_seen_moves_the_position_to_the_newest() -> None:
    gaps = Gaps(grace_seconds=60)

    assert gaps.settle(0, 3, {1, 2, 3}) == 3
    assert gaps.missing == {}


def test_a_sequence_not_yet_committed_holds_the_position_below_it() -> None:
    gaps = Gaps(grace_seconds=60)

    assert gaps.settle(0, 3, {1, 3}) == 1
    assert set(gaps.missing) == {2}


def test_the_late_commit_releases_the_position_once_seen() -> None:
    gaps = Gaps(grace_seconds=60)
    gaps.settle(0, 3, {1, 3})

    assert gaps.settle(1, 4, {2, 3, 4}) == 4
    assert gaps.missing == {}


def test_a_sequence_missing_past_the_grace_is_given_up() -> None:
    # a rolled-back transaction burnt sequence 2; nothing will ever fill it
    gaps = Gaps(grace_seconds=-1)

    assert gaps.settle(0, 3, {1, 3}) == 3
    assert gaps.missing == {}
