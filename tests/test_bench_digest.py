"""The digest benchmark runs end to end on a small agency and prints its one JSON line (the figures
themselves are for `python -m bench.digest` on the full sizes; see bench/README.md)."""

from __future__ import annotations

import json

from bench import digest as bench


def test_the_digest_benchmark_prints_both_times_and_their_ratio(capsys):
    sizes = ["--clients", "30", "--staff", "6", "--checkins", "3000", "--touchpoints", "1000"]
    assert bench.main([*sizes, "--followups", "200", "--runs", "1", "--years", "1"]) == 0
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["database"] == "sqlite" and line["checkins"] == 3000 and line["doubled_checkins"] == 6000
    assert line["digest"]["clients"] == 30 - 1  # one in 97 churned: client 0
    assert line["digest"]["scored"] > 0 and line["digest"]["message_blocks"] <= 50
    assert line["digest_ms"]["p50_ms"] > 0 and line["ratio"] > 0
    assert set(line["targets"]) == {"under_500ms", "doubling_at_most_1_2x"}
