"""Pausing the cycle collector while clients are scored in bulk: it runs again when the last pause
ends, in whichever thread, and one that was off before stays off."""

from __future__ import annotations

import gc
import threading

import pytest

from bot import collector


@pytest.fixture(autouse=True)
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_a_pause_stops_the_collector_until_it_ends_even_on_an_error():
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector.paused():
        raise RuntimeError("scoring failed")
    assert gc.isenabled()


def test_nested_and_overlapping_pauses_resume_only_at_the_last_end():
    inside, leave = threading.Event(), threading.Event()

    def other() -> None:
        with collector.paused():
            inside.set()
            leave.wait(5)

    with collector.paused():
        thread = threading.Thread(target=other)
        thread.start()
        assert inside.wait(5)
    assert not gc.isenabled()  # the other thread is still scoring
    leave.set()
    thread.join(5)
    assert gc.isenabled()


def test_as_a_decorator():
    @collector.paused()
    def score() -> bool:
        return gc.isenabled()

    assert score() is False and gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    with collector.paused():
        pass
    assert not gc.isenabled()
