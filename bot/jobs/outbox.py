"""Deliver queued messages: claim each row with a conditional UPDATE, wait for the recipient's
working hours, draw it, send it, record the attempt, retry with back-off, and give up loudly,
never silently.

What a message is, is its kind's business: each kind registers how it is drawn (at send time, so
it shows things as they are then), how it is sent (a post, an edit of an earlier message, a file
upload) and what happens once Slack has it. This engine never changes when a kind is added.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.orm import Session

from bot.deps import Deps, NotInstalled
from bot.domain.hours import next_working_moment
from bot.jobs.job import Job
from bot.services.staff import needs_profile, refresh_profile, working_hours
from config.settings import Settings
from storage import queries
from storage.models import OutboxMessage, Staff

log = logging.getLogger(__name__)

CLAIM_TIMEOUT = timedelta(minutes=5)  # a claim older than this belonged to a worker that died
PERMANENT_ERRORS = {
    "channel_not_found",
    "user_not_found",
    "account_inactive",
    "invalid_auth",
    "not_authed",
    "token_revoked",
    "is_archived",
    "message_not_found",
    "cant_update_message",
    "invalid_blocks",
    "msg_too_long",
    "no_text",
    "invalid_arguments",
    "not_in_channel",
    "user_disabled",
}


@dataclass(frozen=True)
class Sent:
    """Where Slack put what was sent (an edit keeps its message; an upload has no timestamp)."""

    channel: str | None
    ts: str | None


# The message as Slack wants it (text and blocks; a file's name and content), or None when it no
# longer needs sending (the question was answered meanwhile).
Draw = Callable[[Session, OutboxMessage], dict[str, Any] | None]
Send = Callable[[WebClient, OutboxMessage, dict[str, Any]], Sent]
OnSent = Callable[[Session, Settings, OutboxMessage, datetime], None]


def post(client: WebClient, message: OutboxMessage, content: dict[str, Any]) -> Sent:
    """A new message in the channel (a DM when the channel is a user id)."""
    response = client.chat_postMessage(channel=message.channel, **content)
    return Sent(response.get("channel") or message.channel, response.get("ts"))


def update(client: WebClient, message: OutboxMessage, content: dict[str, Any]) -> Sent:
    """An edit of the message whose timestamp was queued with it (`payload["ts"]`)."""
    response = client.chat_update(channel=message.channel, ts=message.payload["ts"], **content)
    return Sent(response.get("channel") or message.channel, response.get("ts"))


def upload(client: WebClient, message: OutboxMessage, content: dict[str, Any]) -> Sent:
    """A file shared in the channel (`files_upload_v2`: filename, content, title, initial_comment...)."""
    client.files_upload_v2(channel=message.channel, **content)
    return Sent(message.channel, None)


@dataclass(frozen=True)
class Kind:
    name: str
    draw: Draw
    send: Send = post
    on_sent: OnSent | None = None


KINDS: dict[str, Kind] = {}


def register(*kinds: Kind) -> None:
    """Make kinds known to the engine (job modules do this when imported)."""
    for kind in kinds:
        KINDS[kind.name] = kind


@dataclass
class Delivery:
    sent: int = 0
    deferred: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


def deliver_due(deps: Deps, now: datetime, *, worker: str = "clock", limit: int = 100) -> Delivery:
    result = Delivery()
    stale_before = now - CLAIM_TIMEOUT
    with deps.db.session() as session:
        due = queries.due_outbox(session, now, stale_before, limit)
    for outbox_id in due:
        with deps.db.session() as session:
            if not queries.claim_outbox(session, outbox_id, worker, now, stale_before):
                continue  # another worker has it
        with deps.db.session() as session:
            message = session.get(OutboxMessage, outbox_id)
            if message is not None:
                _deliver_one(deps, session, message, now, result, worker)
    return result


class _Step:
    """What a row's delivery is doing, so a failure says where it happened and how long it took."""

    def __init__(self) -> None:
        self.name = "preparing"
        self.started = time.monotonic()

    def to(self, name: str) -> None:
        self.name, self.started = name, time.monotonic()


def _deliver_one(
    deps: Deps, session: Session, message: OutboxMessage, now: datetime, result: Delivery, worker: str
) -> None:
    """Deliver one claimed row. Whatever goes wrong is recorded on this row (and retried or failed as
    Slack's answer says), so one bad row never holds up the rest of the batch."""
    step = _Step()
    outbox_id = message.id
    try:
        _attempt(deps, session, message, now, result, step)
    except Exception as error:
        session.rollback()  # what this row's attempt left half done goes
        _failed(deps, session, outbox_id, worker, now, step, error, result)


def _attempt(
    deps: Deps, session: Session, message: OutboxMessage, now: datetime, result: Delivery, step: _Step
) -> None:
    kind = KINDS.get(message.kind)
    if kind is None:  # queued by a version that knew a kind this one does not: say so, loudly
        _fail(session, message, now, f"unknown message kind {message.kind!r}", result, permanent=True)
        return
    try:
        client = deps.sender_for(message.team_id)
    except NotInstalled as error:
        _fail(session, message, now, str(error), result, permanent=True)
        return

    if message.respect_working_hours and message.recipient_staff_id is not None:
        staff = session.get(Staff, message.recipient_staff_id)
        if staff is not None:
            if needs_profile(staff, now):
                step.to("profile")
                refresh_profile(session, client, staff, now)
            opens = next_working_moment(now, staff.tz, working_hours(staff))
            if opens > now:
                # Nobody gets a nudge at 2 a.m.: back in the queue until their day starts.
                message.status, message.not_before, message.claimed_at = "pending", opens, None
                result.deferred += 1
                return

    step.to("drawing")
    content = kind.draw(session, message)
    if content is None:
        message.status = "cancelled"
        result.cancelled += 1
        return

    step.to("sending")
    sent = kind.send(client, message, content)

    step.to("recording")
    _record(session, message, now, True, None, step.started)
    message.status, message.sent_at = "sent", now
    message.attempts += 1
    message.response_channel, message.response_ts = sent.channel, sent.ts
    if kind.on_sent is not None:
        kind.on_sent(session, deps.settings, message, now)
    result.sent += 1


def _classify(error: Exception) -> tuple[str, bool, timedelta]:
    """What went wrong, in a few words; whether trying again can help; how long Slack asked us to wait."""
    if isinstance(error, SlackApiError):
        code = str(error.response.get("error") or error.response.status_code)
        status = error.response.status_code
        permanent = code in PERMANENT_ERRORS or (400 <= status < 500 and status != 429)
        return code, permanent, _retry_after(error)
    return f"{type(error).__name__}: {error}", False, timedelta(0)


def _retry_after(error: SlackApiError) -> timedelta:
    """A 429's Retry-After: the sending client waits out short ones itself and hands back the rest."""
    if error.response.status_code != 429:
        return timedelta(0)
    headers = error.response.headers or {}
    asked = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    value = asked[0] if isinstance(asked, list) and asked else asked
    try:
        return timedelta(seconds=int(str(value)))
    except ValueError:
        return timedelta(0)


def _failed(
    deps: Deps,
    session: Session,
    outbox_id: int,
    worker: str,
    now: datetime,
    step: _Step,
    error: Exception,
    result: Delivery,
) -> None:
    message = session.get(OutboxMessage, outbox_id)
    if message is None or message.status != "sending" or message.claimed_by != worker:
        log.warning("outbox %s: %s failed after the row left this worker: %r", outbox_id, step.name, error)
        return
    code, permanent, wait = _classify(error)
    if not isinstance(error, SlackClientError | OSError):  # not Slack or the network: a bug to see
        log.exception("outbox %s (%s): %s failed", message.id, message.kind, step.name)
    # A send failure keeps Slack's code as it was; any other step says which it was.
    what = code if step.name == "sending" else f"{step.name}: {code}"
    _record(session, message, now, False, what, step.started)
    _fail(session, message, now, what, result, permanent=permanent, deps=deps, wait=wait)


def _record(
    session: Session, message: OutboxMessage, now: datetime, ok: bool, error: str | None, started: float
) -> None:
    queries.record_attempt(session, message, now, ok, error, int((time.monotonic() - started) * 1000))


def _fail(
    session: Session,
    message: OutboxMessage,
    now: datetime,
    error: str,
    result: Delivery,
    *,
    permanent: bool,
    deps: Deps | None = None,
    wait: timedelta = timedelta(0),
) -> None:
    message.attempts += 1
    message.last_error = error
    message.claimed_at = None
    max_attempts = deps.settings.outbox_max_attempts if deps else 1
    if permanent or message.attempts >= max_attempts:
        message.status = "failed"
        result.failed += 1
        log.error(
            "outbox %s (%s to %s) failed for good after %s attempt(s): %s",
            message.id,
            message.kind,
            message.channel,
            message.attempts,
            error,
        )
    else:
        message.status = "pending"
        message.not_before = now + max(backoff(message.attempts), wait)
        result.retried += 1
        log.warning("outbox %s failed (%s); retrying at %s", message.id, error, message.not_before)


def run(deps: Deps, now: datetime, worker: str) -> dict[str, int]:
    return deliver_due(deps, now, worker=worker).as_dict()


JOB = Job("outbox", run)
