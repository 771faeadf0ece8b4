"""What runs before every listener: the app's collaborators in the context, each event handled once.

Middleware classes rather than functions: Bolt then skips working out their arguments on every
request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import BoltRequest
from slack_bolt.middleware import Middleware
from slack_bolt.response import BoltResponse

from bot.deps import Deps
from storage import queries

log = logging.getLogger(__name__)


class ProvideDeps(Middleware):
    """Puts the app's collaborators in every request's context, where `deps_of(context)` finds them."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        req.context["deps"] = self.deps
        return next()


class HandleEachEventOnce(Middleware):
    """Slack retries an event it thinks failed (X-Slack-Retry-Num), and any process may get the retry,
    so the record of what was handled lives in the database, keyed by Slack's event id."""

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        body = req.body
        if body.get("type") == "event_callback" and body.get("event_id"):
            deps: Deps = req.context["deps"]
            event_type = (body.get("event") or {}).get("type")
            with deps.db.session() as session:
                first = queries.first_sighting(
                    session, body["event_id"], body.get("team_id") or "", event_type, deps.now()
                )
            if not first:
                log.info("skipping repeated event %s (%s)", body["event_id"], event_type)
                return BoltResponse(status=200, body="")
        return next()
