"""What every listener uses: the app's collaborators, work after the ack, quiet Slack calls."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.services.staff import StaffRef, ensure_staff
from bot.views import nudges as nudge_views

log = logging.getLogger(__name__)


def deps_of(context: BoltContext) -> Deps:
    """The app's collaborators: settings, database, clock, background pool (set by `ProvideDeps`)."""
    deps: Deps = context["deps"]
    return deps


def who(context: BoltContext) -> tuple[str, str]:
    """The workspace and the person a request comes from."""
    return context.team_id or "", context.user_id or ""


@contextmanager
def acting(context: BoltContext) -> Iterator[tuple[Session, StaffRef]]:
    """One unit of work for the person a request comes from: a session, and their staff row (made
    the first time they use Rapport)."""
    team_id, user_id = who(context)
    with deps_of(context).db.session() as session:
        yield session, ensure_staff(session, team_id, user_id)


# What a handler run after the ack may ask for, by parameter name, as Bolt would give it.
AFTER_ACK_ARGS = ("body", "action", "event", "payload", "client", "context")


def run_logged(work: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Work after the ack has no Bolt error handler around it: log its failure with the traceback."""
    try:
        work(*args, **kwargs)
    except Exception:
        log.exception("work after the ack failed in %s", getattr(work, "__name__", work))


def after_ack(work: Callable[..., None]) -> Callable[..., None]:
    """A listener that acks at once with nothing, then runs `work` on the background pool.

    For buttons and events whose answer is a Slack call (redraw a message, open a form, publish
    the Home tab): Slack gets its ack in milliseconds whatever the Web API's latency. (Bolt's lazy
    listeners do the same but copy and re-parse the whole request for each one.) `work` takes any of
    `AFTER_ACK_ARGS` by name, as a Bolt listener would.
    """
    wanted = [name for name in inspect.signature(work).parameters if name in AFTER_ACK_ARGS]

    def listener(
        ack: Ack, body: Any, action: Any, event: Any, payload: Any, client: WebClient, context: BoltContext
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
        deps_of(context).background.submit(run_logged, work, **{name: given[name] for name in wanted})

    listener.__name__ = work.__name__
    listener.__doc__ = work.__doc__
    return listener


# Where Slack's response_urls point: its own hosts (slack.com, and slack-gov.com for GovSlack).
SLACK_DOMAINS = ("slack.com", "slack-gov.com")


def is_slacks(url: str, api_url: str | None) -> bool:
    """A response_url Rapport may follow: https on one of Slack's own hosts, or the host of the
    configured Slack API (the stand-in that tests and the demo use). Anything else is never called,
    whatever a request says."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return False
    if api_url:
        api = urlsplit(api_url)
        if (parts.scheme, host, parts.port) == (api.scheme, (api.hostname or "").lower(), api.port):
            return True
    return parts.scheme == "https" and any(host == d or host.endswith("." + d) for d in SLACK_DOMAINS)


def reply(
    deps: Deps, response_url: str | None, payload: dict[str, Any], *, replace_original: bool = False
) -> None:
    """Answer through a response_url (works 5 times in 30 minutes); failures are logged, not raised."""
    if not response_url:
        return
    if not is_slacks(response_url, deps.settings.slack_api_url):
        log.warning("not following a response_url outside Slack (host %s)", urlsplit(response_url).hostname)
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


def update_message(client: WebClient, channel: str | None, ts: str | None, payload: dict[str, Any]) -> None:
    """Replace a message (a DM prompt) in place."""
    if not channel or not ts:
        return
    try:
        client.chat_update(channel=channel, ts=ts, **payload)
    except SlackApiError as error:
        log.warning("chat.update failed: %s", error.response.get("error"))


def redraw_clicked(body: dict[str, Any], action: dict[str, Any], redrawn: dict[str, Any]) -> dict[str, Any]:
    """What a message whose button was used becomes: `redrawn`; or, when the message carries several
    nudges, that message with only the nudge the button sat on redrawn, the others left as they are."""
    _, part = nudge_views.part_of(action.get("block_id"))
    if part is None:
        return redrawn
    return nudge_views.replace_part(body.get("message") or {}, part, redrawn)


def redraw_part(
    client: WebClient, channel: str | None, ts: str | None, part: int, redrawn: dict[str, Any]
) -> None:
    """After a form opened from one nudge of several in a message: that nudge redrawn in the message
    as it is now in Slack (read back, since the others may have changed since)."""
    if not channel or not ts:
        return
    try:
        found = client.conversations_history(channel=channel, latest=ts, inclusive=True, limit=1)
    except SlackApiError as error:
        log.warning("conversations.history failed: %s", error.response.get("error"))
        return
    message = next((m for m in found.get("messages") or [] if m.get("ts") == ts), None)
    if message is None:
        return
    update_message(client, channel, ts, nudge_views.replace_part(message, part, redrawn))


def clicked_message(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """The channel and timestamp of the message a button sits on (None, None from a modal or Home)."""
    container = body.get("container") or {}
    if container.get("type") not in (None, "message"):
        return None, None
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    return channel, ts


def open_view(client: WebClient, trigger_id: str | None, view: dict[str, Any]) -> bool:
    if not trigger_id:
        return False
    try:
        client.views_open(trigger_id=trigger_id, view=view)
        return True
    except SlackApiError as error:
        log.warning("views.open failed: %s", error.response.get("error"))
        return False


def open_form(
    deps: Deps,
    client: WebClient,
    command: dict[str, Any],
    draw: Callable[[], dict[str, Any]],
    fallback: str,
) -> None:
    """After a command's ack: draw its form and open it (drawing costs more than everything else a
    command does, so it waits until Slack has its answer); when Slack will not open it (the trigger
    expired), say so in the channel, giving back what was typed so nothing is lost."""
    if not open_view(client, command.get("trigger_id"), draw()):
        reply(deps, command.get("response_url"), {"text": fallback})


def button_value(action: dict[str, Any]) -> tuple[int | None, str]:
    """A button's (or menu option's) value as the id it starts with and what follows a colon:
    "12:4" is (12, "4"); anything without a leading id is (None, "")."""
    raw = str(action.get("value") or (action.get("selected_option") or {}).get("value") or "")
    head, _, rest = raw.partition(":")
    if head.isascii() and head.isdigit() and len(head) <= 18:  # ids fit in 64 bits; no huge numbers
        return int(head), rest
    return None, ""
