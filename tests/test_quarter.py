"""The health score must earn trust: over a simulated quarter of the demo agency, the digest names
each souring client at risk at least two weeks before its weekly average feeling first falls below
2.5, and never names a steady client. Several seeds; each prints its lead times and false alarms."""

from __future__ import annotations

import pytest

from demo import quarter

SEEDS = range(1, 11)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_digest_warns_in_time_and_never_cries_wolf(seed, capsys):
    told = quarter.run(seed)
    with capsys.disabled():
        print(f"\nseed {seed}: " + "; ".join(told.lines()))
    souring = told.souring
    assert len(souring) == 2 and all(s.fell is not None for s in souring), told.lines()
    for story in souring:
        assert story.lead is not None and story.lead >= quarter.WARNING_WEEKS, told.lines()
    assert told.false_alarms == [], told.lines()
