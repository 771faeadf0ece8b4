"""Helpers the listeners share: the acting staff member, the Home refresh, quiet Slack calls."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from slack_sdk.webhook import WebhookClient

from bot.deps import Deps
from bot.services import home as home_service
from bot.services.staff import ensure_staff, needs_profile, refresh_profile
from bot.views import home as home_view

log = logging.getLogger(__name__)

Handler = TypeVar("Handler", bound=Callable[..., Any])

# What a handler run after the ack may ask for, by parameter name, as Bolt would give it.
AFTER_ACK_ARGS = ("body", "action", "event", "payload", "client", "context")


def run_logged(work: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Work after the ack has no Bolt error handler around it: log its failure with the traceback."""
    try:
        work(*args, **kwargs)
    except Exception:
        log.exception("work after the ack failed in %s", getattr(work, "__name__", work))


def after_ack(listen: Callable[..., Any], deps: Deps) -> Callable[[Handler], Handler]:
    """Ack at once with nothing, then run the handler on the background pool.

    For buttons and events whose answer is a Slack call (redraw a message, open a form, publish
    the Home tab): Slack gets its ack in milliseconds whatever the Web API's latency. (Bolt's lazy
    listeners do the same but copy and re-parse the whole request for each one.)
    """

    def register(handler: Handler) -> Handler:
        wanted = [name for name in inspect.signature(handler).parameters if name in AFTER_ACK_ARGS]

        def listener(
            ack: Ack, body: Any, action: Any, event: Any, payload: Any, client: WebClient, context: Any
        ) -> None:
            ack()
            given = {
                "body": body,
                "action": action,
                "event": event,
                "payload": payload,
                "client": client,
                "context": context,
            }
            deps.background.submit(run_logged, handler, **{name: given[name] for name in wanted})

        listener.__name__ = handler.__name__
        listen(listener)
        return handler

    return register


def publish_home(deps: Deps, client: WebClient, team_id: str, user_id: str) -> None:
    now = deps.now()
    with deps.db.session() as session:
        staff = ensure_staff(session, team_id, user_id)
        if needs_profile(staff, now):
            refresh_profile(session, client, staff, now)
        view = home_view.home(home_service.build(session, team_id, staff, now))
    try:
        client.views_publish(user_id=user_id, view=view)
    except SlackApiError as error:
        log.warning("views.publish failed for %s: %s", user_id, error.response.get("error"))


def reply(response_url: str | None, payload: dict[str, Any], *, replace_original: bool = False) -> None:
    """Answer through a response_url (works 5 times in 30 minutes); failures are logged, not raised."""
    if not response_url:
        return
    body = {"response_type": "ephemeral", **payload}
    if replace_original:
        body["replace_original"] = True
    try:
        response = WebhookClient(response_url, timeout=5).send_dict(body)
        if response.status_code >= 400:
            log.warning("response_url answered %s", response.status_code)
    except OSError as error:
        log.warning("response_url failed: %s", error)


def update_message(client: WebClient, body: dict[str, Any], payload: dict[str, Any]) -> None:
    """Replace the message a button sits on (a DM prompt), in place."""
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    if not channel or not ts:
        return
    try:
        client.chat_update(channel=channel, ts=ts, **payload)
    except SlackApiError as error:
        log.warning("chat.update failed: %s", error.response.get("error"))


def open_view(client: WebClient, trigger_id: str | None, view: View | dict[str, Any]) -> bool:
    if not trigger_id:
        return False
    try:
        client.views_open(trigger_id=trigger_id, view=view)
        return True
    except SlackApiError as error:
        log.warning("views.open failed: %s", error.response.get("error"))
        return False


def int_value(action: dict[str, Any], part: int = 0) -> int | None:
    raw = str(action.get("value") or (action.get("selected_option") or {}).get("value") or "")
    pieces = raw.split(":")
    try:
        return int(pieces[part])
    except (ValueError, IndexError):
        return None
