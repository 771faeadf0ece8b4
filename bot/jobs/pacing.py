"""Slack's limits on sending, kept by every clock process together, through the database.

Slack lets chat.postMessage post about one message a second to one channel and, for a workspace,
says only "several hundred a minute" with bursts. Rapport posts at most one message a second to a
channel and `workspace_posts_per_minute` a minute in a workspace (60 unless set: well under Slack's
figure, and safe under either reading of its "1 per second" for posting), and gives a person at most
one nudge message every `nudge_gap_seconds`.

Each limit is a row of `send_pace`: when the next message may go in its scope (the workspace, one
channel, one person's nudges). A sender reserves the next free moment of every scope its message
counts against with conditional UPDATEs (`next_at` moves only if nobody moved it since it was read),
in the transaction that marks the message as being sent, then waits for that moment. A moment more
than WAIT away is not reserved: the message goes back to the queue until then.

Why a "next moment" per scope rather than messages scheduled ahead: what goes next is known only when
a message is about to go (drawn, in its recipient's working hours, bundled with others), so a message
withdrawn, deferred or failed leaves no hole in a schedule, and a process that dies holds back
nothing but the one moment it had reserved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from config.settings import Settings
from storage import queries

CHANNEL_GAP = timedelta(seconds=1)  # chat.postMessage: about one message a second per channel
# A workspace quiet for a while may take half a second's worth of its posts at once: Slack allows
# bursts, and the other half is room for a post Slack refused with a short Retry-After, which the
# sending client tries again within its call, outside this pace.
BURST = timedelta(seconds=0.5)
# A sender waits this long at most for its moment: longer holds its clock process back from the rest
# of the queue, and a claim on a row lasts only a little longer than its send.
WAIT = timedelta(seconds=5)
WORKSPACE = "workspace"
# Other processes may keep winning the same moment; past this many tries the message waits its turn
# in the queue instead.
_TRIES = 20


def channel_scope(channel: str) -> str:
    return f"channel:{channel}"


def nudge_scope(channel: str) -> str:
    return f"nudges:{channel}"


def workspace_gap(settings: Settings) -> timedelta:
    return timedelta(minutes=1) / settings.workspace_posts_per_minute


@dataclass(frozen=True)
class Moment:
    """When a message may go: reserved for it (go at `at`), or not (the queue keeps it until `at`)."""

    at: datetime
    reserved: bool


def reserve(session: Session, team_id: str, channel: str, now: datetime, every: timedelta) -> Moment:
    """The first moment from `now` that both `channel` and its workspace have room, reserved when the
    workspace is what it waits for, at most WAIT away. A channel takes a message a second; a
    workspace one every `every`, and, as Slack allows bursts, up to BURST's worth at once after a
    quiet while (a token bucket, kept as the time it would be empty: `next_at`). A busy channel is
    not waited for: the moments the workspace has meanwhile are other channels'."""
    channel_key = channel_scope(channel)
    gaps = {channel_key: CHANNEL_GAP, WORKSPACE: every}
    burst = {channel_key: timedelta(0), WORKSPACE: max(timedelta(0), BURST - every)}
    for _ in range(_TRIES):
        seen = queries.paces(session, team_id, list(gaps))
        if len(seen) < len(gaps):
            for scope in gaps.keys() - seen.keys():
                queries.start_pace(session, team_id, scope, now)
            continue
        room = {scope: max(now, seen[scope] - burst[scope]) for scope in gaps}
        at = max(room.values())
        if at - now > WAIT or (at > now and room[channel_key] > room[WORKSPACE]):
            return Moment(at, reserved=False)
        moved: list[tuple[str, datetime]] = []
        for scope, gap in gaps.items():
            after = max(seen[scope], at) + gap
            if not queries.move_pace(session, team_id, scope, seen[scope], after):
                break
            moved.append((scope, after))
        else:
            return Moment(at, reserved=True)
        for scope, after in moved:  # another process took the other scope's moment: try again
            queries.move_pace(session, team_id, scope, after, seen[scope])
    return Moment(now + CHANNEL_GAP, reserved=False)


def hold_workspace(session: Session, team_id: str, until: datetime) -> None:
    """Slack asked the workspace to wait (a 429's Retry-After): no process sends there before `until`."""
    queries.hold_pace(session, team_id, WORKSPACE, until)


@dataclass(frozen=True)
class Turn:
    """A person's turn for a nudge message. Ours: nobody else sends them nudges before `until` (it was
    `previous` before we took it). Not ours: their next turn is at `until`, or, with no `until`,
    another process took this one a moment ago."""

    ours: bool
    until: datetime | None = None
    previous: datetime | None = None


def take_turn(session: Session, team_id: str, channel: str, now: datetime, gap: timedelta) -> Turn:
    """This person's turn for a nudge message, if it has come: then no other goes to them for `gap`."""
    scope = nudge_scope(channel)
    seen = queries.paces(session, team_id, [scope]).get(scope)
    if seen is None:
        queries.start_pace(session, team_id, scope, now)
        seen = queries.paces(session, team_id, [scope])[scope]
    if seen > now:
        return Turn(False, seen)
    if queries.move_pace(session, team_id, scope, seen, now + gap):
        return Turn(True, now + gap, seen)
    return Turn(False)


def move_turn(session: Session, team_id: str, channel: str, turn: Turn, until: datetime) -> Turn:
    """Our turn lasts until `until` instead (the gap counts from when the message really goes)."""
    if (
        turn.ours
        and turn.until is not None
        and turn.until != until
        and queries.move_pace(session, team_id, nudge_scope(channel), turn.until, until)
    ):
        return Turn(True, until, turn.previous)
    return turn


def give_back(session: Session, team_id: str, channel: str, turn: Turn) -> None:
    """Nothing went to the person in our turn: it is theirs again, as it was before we took it."""
    if turn.ours and turn.until is not None and turn.previous is not None:
        queries.move_pace(session, team_id, nudge_scope(channel), turn.until, turn.previous)


def reopen_turn(session: Session, team_id: str, channel: str, now: datetime) -> None:
    """The person's turn, taken by a nudge message that never reached them, is theirs again."""
    queries.reopen_pace(session, team_id, nudge_scope(channel), now)
