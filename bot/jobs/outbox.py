"""Deliver queued messages: claim each row with a conditional UPDATE, wait for the recipient's
working hours, draw it, send it, record the attempt, retry with back-off, and give up loudly,
never silently.

What a message is, is its kind's business: each kind registers how it is drawn (at send time, so
it shows things as they are then), how it is sent (a post, an edit of an earlier message, a file
upload) and what happens once Slack has it. This engine never changes when a kind is added.

Exactly once, even when a worker dies mid-send:

- A claim lasts as long as the row's send can take (`lease`: the longest Slack call of the sending
  client, from its timeout and retry handlers, times the calls a send makes), and is renewed just
  before the send. A claim that has run out belonged to a worker that died: nobody is still sending.
- From that renewal until Slack's answer is recorded, the row is in doubt (`in_doubt_since`): the
  worker may die, the answer may never come, Slack may answer 5xx. Before a row in doubt is sent
  again, its kind looks for it in Slack (a post carries its outbox id in its message metadata and
  is found in the conversation's history); a message Slack already has is recorded as sent.
- A look-up that fails is recorded and retried like a failed send; it never turns into a send.
- One row's failure, wherever it happens, is recorded on that row and the batch goes on.

At Slack's pace: every send waits for its moment in its channel and workspace, shared by all clock
processes through the database (bot.jobs.pacing); a 429 that comes back holds the whole workspace for
its Retry-After. Nudges (kinds with `nudge=True`) go to a person at most once per turn, several in one
message (see "nudges" below); prompts and every other kind go as they come.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.orm import Session

from bot.deps import SLACK_TIMEOUT, Deps, NotInstalled, sending_retry_handlers
from bot.domain.hours import next_working_moment
from bot.jobs import pacing
from bot.jobs.job import Job
from bot.services.staff import needs_profile, refresh_profile, working_hours
from bot.views import nudges as views_nudges
from bot.webclient import longest_call
from config.settings import Settings
from storage import queries
from storage.models import OutboxMessage, Staff

log = logging.getLogger(__name__)

# The longest one call of the sending client can take (three attempts of 10 s connecting and 10 s
# answering, two pauses of up to 11 s for a 429 between them: 82 s).
LONGEST_CALL = timedelta(seconds=longest_call(SLACK_TIMEOUT, sending_retry_handlers()))
# A claim outlasts its send by this much: the commit after it, and clocks of two clock processes that
# differ by a few seconds.
CLAIM_MARGIN = timedelta(seconds=5)
# Slack's clock and ours may differ a little: look for a message from a while before its send began.
SLACK_CLOCK_MARGIN = timedelta(minutes=1)
# A look-up reads the conversation's history since the send in doubt, in pages of this many messages,
# and gives up (a failed attempt) rather than read without end.
HISTORY_PAGE = 200
HISTORY_PAGES = 25
EVENT_TYPE = "rapport_outbox"  # the metadata event type of every post, with the outbox row's key
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
    # Nothing that trying again changes either: the person turned off messages from apps, the token
    # lacks a scope or a right, the message or its metadata is one Slack will never take.
    "messages_tab_disabled",
    "cannot_dm_bot",
    "missing_scope",
    "no_permission",
    "access_denied",
    "restricted_action",
    "team_access_not_granted",
    "ekm_access_denied",
    "not_allowed_token_type",
    "token_expired",
    "too_many_attachments",
    "invalid_metadata_format",
    "invalid_metadata_schema",
    "metadata_too_large",
}
FOUND = "found in Slack: an earlier send got there without its outcome being recorded"
RESENT = "sent again: an earlier send's outcome is unknown and this kind cannot be looked up in Slack"


@dataclass(frozen=True)
class Sent:
    """Where Slack put what was sent (an edit keeps its message; an upload has no timestamp)."""

    channel: str | None
    ts: str | None


# The message as Slack wants it (text and blocks; a file's name and content), or None when it no
# longer needs sending (the question was answered meanwhile).
Draw = Callable[[Session, OutboxMessage], dict[str, Any] | None]
Send = Callable[[WebClient, OutboxMessage, dict[str, Any]], Sent]
# Where Slack has the row's message, sent since the given moment; None when it does not have it.
Find = Callable[[WebClient, OutboxMessage, datetime], Sent | None]
OnSent = Callable[[Session, Settings, OutboxMessage, datetime], None]


@dataclass(frozen=True)
class Sender:
    """How a kind's message goes to Slack, and what to do when an earlier send's outcome is unknown:
    look for it (`find`), or send it again (`repeatable` when that is harmless)."""

    send: Send
    find: Find | None = None
    repeatable: bool = False
    slack_calls: int = 1  # the most Web API calls one send makes: its claim outlasts them all

    def __call__(self, client: WebClient, message: OutboxMessage, content: dict[str, Any]) -> Sent:
        return self.send(client, message, content)


def outbox_key(message: OutboxMessage, bundle: Sequence[int] = ()) -> dict[str, Any]:
    """The message metadata a post carries, by which it is found in Slack again: its row's id, and
    when it carries several nudges, every one of their rows' ids (`bundle`)."""
    payload: dict[str, Any] = {"outbox_id": message.id, "team": message.team_id}
    if len(bundle) > 1:
        payload["bundle"] = list(bundle)
    return {"event_type": EVENT_TYPE, "event_payload": payload}


def carried(metadata: Any, team_id: str) -> set[int]:
    """The outbox rows a message in Slack carries, by its metadata (none when it is not ours)."""
    if not isinstance(metadata, dict) or metadata.get("event_type") != EVENT_TYPE:
        return set()
    payload = metadata.get("event_payload")
    if not isinstance(payload, dict) or payload.get("team") != team_id:
        return set()
    bundle = payload.get("bundle")
    ids = [payload.get("outbox_id"), *(bundle if isinstance(bundle, list) else [])]
    return {n for n in ids if isinstance(n, int) and not isinstance(n, bool)}


def _post(client: WebClient, message: OutboxMessage, content: dict[str, Any]) -> Sent:
    """A new message in the channel (a DM when the channel is a user id), carrying its outbox key."""
    return _post_carrying(client, message, content, ())


def _post_carrying(
    client: WebClient, message: OutboxMessage, content: dict[str, Any], bundle: Sequence[int]
) -> Sent:
    response = client.chat_postMessage(
        channel=message.channel, **{**content, "metadata": outbox_key(message, bundle)}
    )
    return Sent(response.get("channel") or message.channel, response.get("ts"))


def _find_post(client: WebClient, message: OutboxMessage, since: datetime) -> Sent | None:
    """The post carrying this row's key in the conversation's history since `since`, if Slack has it."""
    return _find_posts(client, message, {message.id}, since).get(message.id)


def _find_posts(client: WebClient, message: OutboxMessage, ids: set[int], since: datetime) -> dict[int, Sent]:
    """Where Slack has the posts carrying these rows (of `message`'s conversation and workspace), read
    from the conversation's history since `since`; a row Slack does not have is not in the answer."""
    channel = message.channel
    if channel.startswith(("U", "W")):  # a DM addressed to a person: its id comes from opening it
        channel = client.conversations_open(users=channel)["channel"]["id"]
    found: dict[int, Sent] = {}
    cursor = None
    for _ in range(HISTORY_PAGES):
        page = client.conversations_history(
            channel=channel,
            oldest=f"{since.timestamp():.6f}",
            include_all_metadata=True,
            limit=HISTORY_PAGE,
            cursor=cursor,
        )
        for posted in page.get("messages") or []:
            for outbox_id in carried(posted.get("metadata"), message.team_id) & ids:
                found.setdefault(outbox_id, Sent(channel, posted.get("ts")))
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if len(found) == len(ids) or not page.get("has_more") or not cursor:
            return found
    raise LookupError(
        f"over {HISTORY_PAGES * HISTORY_PAGE} messages in {channel} since {since}; not all read"
    )


def _update(client: WebClient, message: OutboxMessage, content: dict[str, Any]) -> Sent:
    """An edit of the message whose timestamp was queued with it (`payload["ts"]`)."""
    response = client.chat_update(channel=message.channel, ts=message.payload["ts"], **content)
    return Sent(response.get("channel") or message.channel, response.get("ts"))


def _upload(client: WebClient, message: OutboxMessage, content: dict[str, Any]) -> Sent:
    """A file shared in the channel (`files_upload_v2`: filename, content, title, initial_comment...).
    Slack shares files in conversations only (files.completeUploadExternal refuses a user id): a DM
    addressed to a person is opened first, and the file goes to its id."""
    channel = message.channel
    if channel.startswith(("U", "W")):
        channel = client.conversations_open(users=channel)["channel"]["id"]
    client.files_upload_v2(channel=channel, **content)
    return Sent(channel, None)


post = Sender(_post, find=_find_post)
# An edit sets the message to what it shows now: sending it twice changes nothing, so an edit whose
# outcome is unknown is simply sent again.
update = Sender(_update, repeatable=True)
# files_upload_v2 makes three calls (four with a DM to open first), and the message sharing the file
# takes no metadata, so an upload whose outcome is unknown cannot be looked up: it is sent again, and
# its attempt's note says so.
upload = Sender(_upload, slack_calls=4)


@dataclass(frozen=True)
class Kind:
    name: str
    draw: Draw
    send: Sender = post
    on_sent: OnSent | None = None
    # A nudge (a follow-up due, a reminder, a contact gone quiet...): a post to a person that waits for
    # their next turn, at most one nudge message per `nudge_gap_seconds`, and goes with their other
    # nudges due by then, one section each (its `draw` gives that section: text and blocks).
    nudge: bool = False


KINDS: dict[str, Kind] = {}


def register(*kinds: Kind) -> None:
    """Make kinds known to the engine (job modules do this when imported)."""
    for kind in kinds:
        if kind.nudge and kind.send is not post:
            raise ValueError(f"nudge kind {kind.name!r} must be sent as a post: it may share one")
        KINDS[kind.name] = kind


def nudge_kinds() -> list[str]:
    return sorted(name for name, kind in KINDS.items() if kind.nudge)


def lease(kind: Kind | None) -> timedelta:
    """How long a claim on a row of this kind lasts: a little more than the longest its send can take."""
    return (kind.send.slack_calls if kind else 1) * LONGEST_CALL + CLAIM_MARGIN


@dataclass
class Delivery:
    sent: int = 0
    found: int = 0  # in doubt, and Slack had it already: recorded as sent, not sent again
    deferred: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    paced: int = 0  # back in the queue for a moment: Slack's pace for its channel or workspace was full
    bundles: int = 0  # messages that carried several nudges (their rows count in `sent`)
    soonest: datetime | None = None  # the earliest moment a message was paced to, in this pass

    def as_dict(self) -> dict[str, int]:
        return {name: value for name, value in asdict(self).items() if isinstance(value, int)}

    def paced_until(self, at: datetime) -> None:
        self.paced += 1
        self.soonest = at if self.soonest is None else min(self.soonest, at)


def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(60, 2 ** max(0, attempts - 1)))


@dataclass(frozen=True)
class Claim:
    worker: str
    at: datetime


# A message held back a moment by its channel's pace goes in another pass over the queue, in the same
# run, when that moment is at most pacing.WAIT away; this many passes at most.
PASSES = 20


def deliver_due(deps: Deps, now: datetime, *, worker: str = "clock", limit: int = 100) -> Delivery:
    """Send what is due, in passes: a message whose channel is busy for a moment goes back to the queue
    rather than hold up the messages behind it, and the next pass, once that moment has come, sends it."""
    result = Delivery()
    for _ in range(PASSES):
        result.soonest = None
        _pass(deps, now, worker, limit, result)
        if result.soonest is None:
            break
        wait = (result.soonest - deps.now()).total_seconds()
        if wait > pacing.WAIT.total_seconds():
            break
        if wait > 0:
            deps.sleep(wait)
        now = max(now, deps.now())
    return result


def _pass(deps: Deps, now: datetime, worker: str, limit: int, result: Delivery) -> None:
    with deps.db.session() as session:
        due = queries.due_outbox(session, now, limit)
    nudges = set(nudge_kinds())
    people: set[tuple[str, str]] = set()
    for outbox_id, kind, team_id, channel in due:
        if kind in nudges:
            if (team_id, channel) not in people:  # the first of a person's nudges takes all that can go
                people.add((team_id, channel))
                _deliver_nudges(deps, outbox_id, now, result, worker)
            continue
        # The moment a claim is made, not the tick's: late in a long batch they are minutes apart.
        claim = Claim(worker, deps.now())
        with deps.db.session() as session:
            until = claim.at + lease(KINDS.get(kind))
            if not queries.claim_outbox(session, outbox_id, worker, claim.at, until):
                continue  # another worker has it
        with deps.db.session() as session:
            message = session.get(OutboxMessage, outbox_id)
            if message is not None:
                _deliver_one(deps, session, message, now, result, claim)


class _Step:
    """What a row's delivery is doing, so a failure says where it happened and how long it took."""

    def __init__(self) -> None:
        self.name = "preparing"
        self.started = time.monotonic()

    def to(self, name: str) -> float:
        """Move on to the next step; when the one before started."""
        before = self.started
        self.name, self.started = name, time.monotonic()
        return before


def _deliver_one(
    deps: Deps, session: Session, message: OutboxMessage, now: datetime, result: Delivery, claim: Claim
) -> None:
    """Deliver one claimed row. Whatever goes wrong is recorded on this row (and retried or failed as
    Slack's answer says), so one bad row never holds up the rest of the batch."""
    step = _Step()
    outbox_id = message.id
    try:
        _attempt(deps, session, message, now, result, step, claim)
    except Exception as error:
        session.rollback()  # what this row's attempt left half done goes
        _failed(deps, session, outbox_id, claim, now, step, error, result)


def _attempt(
    deps: Deps,
    session: Session,
    message: OutboxMessage,
    now: datetime,
    result: Delivery,
    step: _Step,
    claim: Claim,
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

    note = None
    if message.in_doubt_since is not None:
        if kind.send.find is not None:
            step.to("looking in Slack")
            found = kind.send.find(client, message, message.in_doubt_since - SLACK_CLOCK_MARGIN)
            if found is not None:
                _sent(deps, session, message, kind, found, now, step.to("recording"), FOUND)
                result.found += 1
                return
        elif not kind.send.repeatable:
            note = RESENT
            log.warning("outbox %s (%s): %s", message.id, message.kind, RESENT)

    if message.respect_working_hours and message.recipient_staff_id is not None:
        staff = session.get(Staff, message.recipient_staff_id)
        if staff is not None:
            if needs_profile(staff, now):
                step.to("profile")
                refresh_profile(session, client, staff, now)
            opens = next_working_moment(now, staff.tz, working_hours(staff))
            if opens > now:
                # Nobody gets a nudge at 2 a.m.: back in the queue until their day starts.
                _requeue(message, opens)
                result.deferred += 1
                return

    step.to("drawing")
    content = kind.draw(session, message)
    if content is None:
        message.status = "cancelled"
        result.cancelled += 1
        return

    step.to("pacing")
    if not _reserve(deps, session, [message], result):
        return
    step.to("claiming")
    held = deps.now()
    if not queries.hold_for_sending(session, message.id, claim.worker, claim.at, held, held + lease(kind)):
        # This worker took too long: another one has claimed the row since, and sends it.
        session.rollback()
        log.warning("outbox %s: claimed by another worker meanwhile; leaving it to that one", message.id)
        return
    session.commit()  # the claim and the doubt are on record before Slack can have the message
    session.refresh(message)

    step.to("sending")
    sent = kind.send(client, message, content)
    _sent(deps, session, message, kind, sent, now, step.to("recording"), note)
    result.sent += 1


def _requeue(message: OutboxMessage, at: datetime) -> None:
    """Back in the queue, unclaimed, until `at`."""
    message.status, message.not_before = "pending", at
    message.claimed_at = message.claimed_until = None


def _reserve(deps: Deps, session: Session, rows: Sequence[OutboxMessage], result: Delivery) -> bool:
    """Wait for the moment this message (its rows: one, or a person's nudges) may go to Slack (see
    bot.jobs.pacing); False when that is not soon, and its rows are back in the queue until then."""
    team_id, channel = rows[0].team_id, rows[0].channel
    moment = pacing.reserve(session, team_id, channel, deps.now(), pacing.workspace_gap(deps.settings))
    if not moment.reserved:
        for row in rows:
            _requeue(row, moment.at)
            result.paced_until(moment.at)
        return False
    session.commit()  # the moment is this process's: others reserve the ones after it
    wait = (moment.at - deps.now()).total_seconds()
    if wait > 0:
        deps.sleep(wait)
    return True


def _sent(
    deps: Deps,
    session: Session,
    message: OutboxMessage,
    kind: Kind | None,
    sent: Sent,
    now: datetime,
    started: float,
    note: str | None,
) -> None:
    """Slack has the message: record where, and follow up as the kind says."""
    _record(session, message, now, True, None, started, note)
    message.status, message.sent_at = "sent", now
    message.attempts += 1
    message.response_channel, message.response_ts = sent.channel, sent.ts
    message.in_doubt_since = None
    if kind is not None and kind.on_sent is not None:
        kind.on_sent(session, deps.settings, message, now)


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
    claim: Claim,
    now: datetime,
    step: _Step,
    error: Exception,
    result: Delivery,
) -> None:
    message = session.get(OutboxMessage, outbox_id)
    if message is None or message.status != "sending" or message.claimed_by != claim.worker:
        log.warning("outbox %s: %s failed after the row left this worker: %r", outbox_id, step.name, error)
        return
    code, permanent, wait = _classify(error)
    if not isinstance(error, SlackClientError | OSError):  # not Slack or the network: a bug to see
        log.exception("outbox %s (%s): %s failed", message.id, message.kind, step.name)
    if step.name == "sending" and isinstance(error, SlackApiError) and error.response.status_code < 500:
        # Slack answered, and has not got it; a send in doubt before it was looked for first.
        message.in_doubt_since = None
    # A send failure keeps Slack's code as it was; any other step says which it was.
    what = code if step.name == "sending" else f"{step.name}: {code}"
    _record(session, message, now, False, what, step.started)
    _fail(session, message, now, what, result, permanent=permanent, deps=deps, wait=wait)
    if wait > timedelta(0):  # Slack asked the workspace to wait: no clock process sends there meanwhile
        pacing.hold_workspace(session, message.team_id, deps.now() + wait)


def _record(
    session: Session,
    message: OutboxMessage,
    now: datetime,
    ok: bool,
    error: str | None,
    started: float,
    note: str | None = None,
) -> None:
    duration_ms = int((time.monotonic() - started) * 1000)
    queries.record_attempt(session, message, now, ok, error, duration_ms, note)


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
    quiet: bool = False,
) -> None:
    """Record a failure on the row: failed for good, or back in the queue until it is tried again.
    `quiet`: the caller logs it, once for all the rows of one message."""
    message.attempts += 1
    message.last_error = error
    message.claimed_at = message.claimed_until = None
    max_attempts = deps.settings.outbox_max_attempts if deps else 1
    if permanent or message.attempts >= max_attempts:
        message.status = "failed"
        result.failed += 1
        if quiet:
            return
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
        # Slack said how long to wait (a 429's Retry-After), or our back-off decides.
        message.not_before = now + (wait if wait > timedelta(0) else backoff(message.attempts))
        result.retried += 1
        if not quiet:
            log.warning("outbox %s failed (%s); retrying at %s", message.id, error, message.not_before)


# --- nudges: one message per person per turn, carrying every nudge of theirs due by then ------------
#
# A person's turn is a send_pace row (bot.jobs.pacing): whoever takes it, with a conditional UPDATE,
# gathers the person's nudges due within the gap (they would otherwise wait for the next turn), and
# no other process sends that person a nudge until the gap has passed. Nudges that do not fit in the
# message, and nudges due later, wait for the next turn. The message carries every row's id in its
# metadata; its rows are held for sending, in doubt, and recorded as sent together, with the same
# channel and ts, each followed up by its own kind's `on_sent`. When the outcome of such a message is
# unknown, it is looked for in Slack before anything goes again: rows Slack has are recorded as sent,
# and the rest are nudges as before, the turn the lost message took given back.

# Each nudge takes a block at least, and a divider before it: no more fit under the header.
MOST_NUDGES = (views_nudges.MESSAGE_BLOCKS - 1) // 2


def nudge_gap(settings: Settings) -> timedelta:
    return timedelta(seconds=settings.nudge_gap_seconds)


def _deliver_nudges(deps: Deps, outbox_id: int, now: datetime, result: Delivery, worker: str) -> None:
    """The person this due nudge is for gets it, with their other nudges due by then, if it is their
    turn; else it waits, with them, for their next."""
    gap = nudge_gap(deps.settings)
    with deps.db.session() as session:
        lead = session.get(OutboxMessage, outbox_id)
        if lead is None or not queries.ready_to_send(lead, now):
            return  # gone out with the person's other nudges, or another worker has it
        team_id, channel = lead.team_id, lead.channel
        claim = Claim(worker, deps.now())
        until = claim.at + lease(KINDS.get(lead.kind))
        if lead.bundle_id is not None:  # went out with others, or may have: Slack is asked first
            ids = queries.claim_bundle(session, team_id, channel, lead.bundle_id, claim.at, worker, until)
            session.commit()
            if ids:
                _settle_doubt(deps, ids, claim, now, result)
            return
        turn = pacing.take_turn(session, team_id, channel, claim.at, gap)
        if not turn.ours:
            if turn.until is not None:  # they had a nudge less than a gap ago: these wait for the next
                kinds = nudge_kinds()
                result.deferred += queries.defer_nudges(
                    session, team_id, channel, kinds, claim.at, turn.until
                )
            return  # else another worker took their turn a moment ago, and sends them all
        ids = queries.claim_nudges(
            session, team_id, channel, nudge_kinds(), claim.at, claim.at + gap, worker, until, MOST_NUDGES
        )
        if not ids:
            pacing.give_back(session, team_id, channel, turn)
            return
    _send_nudges(deps, ids, turn, claim, now, result)


def _settle_doubt(deps: Deps, ids: list[int], claim: Claim, now: datetime, result: Delivery) -> None:
    """A message of several nudges whose outcome is unknown: the rows Slack has are sent; the others are
    nudges waiting as before, and go now, with whatever else of the person's is due."""
    with deps.db.session() as session:
        rows = queries.outbox_rows(session, ids)
        step = _Step()
        try:
            step.to("looking in Slack")
            client = deps.sender_for(rows[0].team_id)
            doubt = min((row.in_doubt_since for row in rows if row.in_doubt_since), default=claim.at)
            found = _find_posts(client, rows[0], {row.id for row in rows}, doubt - SLACK_CLOCK_MARGIN)
            started = step.to("recording")
            for row in rows:
                if row.id in found:
                    _sent(deps, session, row, KINDS.get(row.kind), found[row.id], now, started, FOUND)
                    result.found += 1
            rest = [row for row in rows if row.id not in found]
            for row in rest:  # not in Slack: nudges as before, each in doubt since then all the same
                row.bundle_id = None
                _requeue(row, row.not_before)
            team_id, channel = rows[0].team_id, rows[0].channel
            if rest and not queries.nudged_since(
                session, team_id, channel, nudge_kinds(), doubt, ids, deps.now()
            ):  # nothing reached the person since: the turn the lost message took is theirs again
                pacing.reopen_turn(session, team_id, channel, deps.now())
            session.commit()
        except Exception as error:
            session.rollback()
            _nudges_failed(deps, session, ids, claim, now, step, error, result, None)
            return
    if rest:
        _deliver_nudges(deps, rest[0].id, now, result, claim.worker)


@dataclass
class _Nudging:
    """A message of nudges on its way: the person's turn it goes in, as it stands (moved to count from
    the moment of sending), and the step it is at."""

    turn: pacing.Turn
    step: _Step


def _send_nudges(
    deps: Deps, ids: list[int], turn: pacing.Turn, claim: Claim, now: datetime, result: Delivery
) -> None:
    with deps.db.session() as session:
        nudging = _Nudging(turn, _Step())
        try:
            _nudge_attempt(deps, session, queries.outbox_rows(session, ids), nudging, claim, now, result)
        except Exception as error:
            session.rollback()
            _nudges_failed(deps, session, ids, claim, now, nudging.step, error, result, nudging.turn)


def _nudge_attempt(
    deps: Deps,
    session: Session,
    rows: list[OutboxMessage],
    nudging: _Nudging,
    claim: Claim,
    now: datetime,
    result: Delivery,
) -> None:
    """Send a person's claimed nudges in one message, in their working hours, in their turn."""
    team_id, channel, step = rows[0].team_id, rows[0].channel, nudging.step
    try:
        client = deps.sender_for(team_id)
    except NotInstalled as error:
        for row in rows:
            _fail(session, row, now, str(error), result, permanent=True)
        return
    staff = _recipient(session, rows)
    if staff is not None:
        if needs_profile(staff, now):
            step.to("profile")
            refresh_profile(session, client, staff, now)
        opens = next_working_moment(now, staff.tz, working_hours(staff))
        if opens > now:  # nobody gets a nudge at 2 a.m.: all of them wait for the person's day
            for row in rows:
                _requeue(row, max(row.not_before, opens))
                result.deferred += 1
            pacing.give_back(session, team_id, channel, nudging.turn)
            return

    parts: list[views_nudges.Part] = []
    for row in rows:
        step.to("drawing")
        kind = KINDS.get(row.kind)
        try:
            content = kind.draw(session, row) if kind is not None else None
        except Exception as error:  # this nudge's own failure: the others go without it
            log.exception("outbox %s (%s): drawing failed", row.id, row.kind)
            what = f"drawing: {type(error).__name__}: {error}"
            _record(session, row, now, False, what, step.started)
            _fail(session, row, now, what, result, permanent=False, deps=deps)
            continue
        if content is None:
            row.status = "cancelled"
            result.cancelled += 1
            continue
        parts.append(views_nudges.Part(row.id, content))
    if not parts:
        pacing.give_back(session, team_id, channel, nudging.turn)
        return
    gap = nudge_gap(deps.settings)
    content, count = views_nudges.bundle(parts, locale=staff.locale if staff else None, every=gap)
    by_id = {row.id: row for row in rows}
    going = [by_id[part.outbox_id] for part in parts[:count]]
    later = [by_id[part.outbox_id] for part in parts[count:]]

    step.to("pacing")
    moment = pacing.reserve(session, team_id, channel, deps.now(), pacing.workspace_gap(deps.settings))
    if not moment.reserved:
        for row in going + later:
            _requeue(row, moment.at)
            result.paced_until(moment.at)
        pacing.give_back(session, team_id, channel, nudging.turn)
        return
    # The gap counts from the moment the message goes (or, once Slack has it, from then).
    nudging.turn = pacing.move_turn(session, team_id, channel, nudging.turn, moment.at + gap)
    for row in later:  # no room left in this message: the next turn
        _requeue(row, max(row.not_before, nudging.turn.until or moment.at + gap))
        result.deferred += 1
    session.commit()
    wait = (moment.at - deps.now()).total_seconds()
    if wait > 0:
        deps.sleep(wait)

    step.to("claiming")
    held = deps.now()
    lead = going[0]
    going_ids = [row.id for row in going]
    until = held + lease(KINDS.get(lead.kind))
    if not queries.hold_bundle_for_sending(session, going_ids, claim.worker, claim.at, held, until, lead.id):
        session.rollback()
        log.warning("outbox %s: claimed by another worker meanwhile; leaving them to that one", going_ids)
        return
    session.commit()  # the claims and the doubt are on record before Slack can have the message
    queries.outbox_rows(session, going_ids, fresh=True)

    step.to("sending")
    sent = _post_carrying(client, lead, content, going_ids)
    started = step.to("recording")
    # Slack has it now, maybe later than its moment (a 429 waited out within the call): the gap counts
    # from here.
    nudging.turn = pacing.move_turn(session, team_id, channel, nudging.turn, deps.now() + gap)
    for row in going:
        _sent(deps, session, row, KINDS.get(row.kind), sent, now, started, None)
    result.sent += len(going)
    if len(going) > 1:
        result.bundles += 1


def _recipient(session: Session, rows: Sequence[OutboxMessage]) -> Staff | None:
    """The person whose working hours the nudges wait for."""
    staff_id = next(
        (r.recipient_staff_id for r in rows if r.respect_working_hours and r.recipient_staff_id), None
    )
    return session.get(Staff, staff_id) if staff_id is not None else None


def _nudges_failed(
    deps: Deps,
    session: Session,
    ids: list[int],
    claim: Claim,
    now: datetime,
    step: _Step,
    error: Exception,
    result: Delivery,
    turn: pacing.Turn | None,
) -> None:
    """A failure with one message of nudges is every one of its rows': recorded on each, each retried or
    failed for good as Slack's answer says, and logged once."""
    rows = [
        row
        for row in queries.outbox_rows(session, ids)
        if row.status == "sending" and row.claimed_by == claim.worker
    ]
    if not rows:
        log.warning("outbox %s: %s failed after the rows left this worker: %r", ids, step.name, error)
        return
    code, permanent, wait = _classify(error)
    if not isinstance(error, SlackClientError | OSError):  # not Slack or the network: a bug to see
        log.exception("outbox %s: %s failed", [row.id for row in rows], step.name)
    answered = (
        step.name == "sending" and isinstance(error, SlackApiError) and error.response.status_code < 500
    )
    what = code if step.name == "sending" else f"{step.name}: {code}"
    for row in rows:
        if answered:  # Slack answered, and has not got it: nothing in doubt, no message shared
            row.in_doubt_since = row.bundle_id = None
        _record(session, row, now, False, what, step.started)
        _fail(session, row, now, what, result, permanent=permanent, deps=deps, wait=wait, quiet=True)
    team_id, channel = rows[0].team_id, rows[0].channel
    if turn is not None and (step.name not in ("sending", "recording") or answered):
        pacing.give_back(session, team_id, channel, turn)  # the person got nothing in this turn
    if wait > timedelta(0):
        pacing.hold_workspace(session, team_id, deps.now() + wait)
    ids_text = ", ".join(str(row.id) for row in rows)
    if all(row.status == "failed" for row in rows):
        log.error("outbox %s (nudges to %s) failed for good: %s", ids_text, channel, what)
    else:
        log.warning(
            "outbox %s (nudges to %s) failed (%s); retrying at %s",
            ids_text,
            channel,
            what,
            rows[0].not_before,
        )


def run(deps: Deps, now: datetime, worker: str) -> dict[str, int]:
    return deliver_due(deps, now, worker=worker).as_dict()


JOB = Job("outbox", run)
