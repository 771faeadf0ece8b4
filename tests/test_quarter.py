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


def test_the_command_runs_the_seeds_asked_for_and_explains_itself(capsys):
    assert quarter.main(["3"]) == 0
    said = capsys.readouterr().out
    assert said.startswith("seed 3: ") and "seed 4" not in said
    assert "seeds 3-3: 2 of 2 souring clients named 2 weeks ahead or more" in said
    with pytest.raises(SystemExit) as stopped:
        quarter.main(["5", "3"])
    assert stopped.value.code == 2 and "comes before the first" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stopped:
        quarter.main(["--help"])
    assert stopped.value.code == 0 and "the first seed" in capsys.readouterr().out
