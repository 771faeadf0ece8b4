"""FakeSlack: a spec-checked fake Slack Web API over loopback HTTP, plus a Block Kit text renderer.

Used by the tests, the offline demo (`python -m bot demo`) and the benchmark.
"""

from fakeslack.render import render_message, render_view
from fakeslack.server import ApiError, Call, FakeSlack

__all__ = ["ApiError", "Call", "FakeSlack", "render_message", "render_view"]
