"""The weekly digest, posted once per channel and week.

On each tick, a workspace whose digest moment has come is claimed (its next moment moved a week on
with a conditional UPDATE) and its digest queued under the key (channel, week): a second clock, or
the same clock after a restart, finds the key taken and queues nothing. The outbox draws the digest
when it sends it; once Slack has it, its thread gets the details and the chart, each keyed too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.charts import weekly_feeling
from bot.deps import Deps
from bot.jobs import outbox
from bot.jobs.job import Job
from bot.messages import t
from bot.services import digest
from bot.services import outbox as queue
from bot.views import digest as digest_view
from config.settings import Settings
from storage.models import OutboxMessage, Workspace

DIGEST = "digest"
THREAD = "digest_thread"
CHART = "digest_chart"


def advance(deps: Deps, now: datetime, worker: str) -> dict[str, int]:
    queued = 0
    with deps.db.session() as session:
        for team_id in digest.due(session, now):
            claimed = digest.claim(session, team_id, now)
            if claimed is None:
                continue  # another clock took it
            schedule, was = claimed
            _, new = enqueue(session, team_id, schedule.channel_id, was, schedule.tz, now)
            queued += int(new)
    return {"digests_queued": queued}


def enqueue(
    session: Session, team_id: str, channel: str, as_of: datetime, tz: str | None, now: datetime
) -> tuple[OutboxMessage, bool]:
    """Queue the digest of the week of `as_of` for `channel`: once per channel and week. The row, and
    whether this call queued it."""
    queued = queue.enqueue(
        session,
        team_id=team_id,
        kind=DIGEST,
        channel=channel,
        not_before=now,
        payload={"as_of": as_of.isoformat(), "tz": tz},
        respect_working_hours=False,  # a channel, not a person
        key=(f"digest:{channel}", digest.week_label(as_of, tz)),
    )
    return queued.message, queued.new


JOB = Job("digest", advance)


def _built(session: Session, message: OutboxMessage) -> digest.Digest:
    as_of = datetime.fromisoformat(str(message.payload["as_of"]))
    return digest.build(session, message.team_id, as_of, message.payload.get("tz"))


def _locale(session: Session, team_id: str) -> str | None:
    workspace = session.get(Workspace, team_id)
    return workspace.locale if workspace else None


def _draw_digest(session: Session, message: OutboxMessage) -> dict[str, Any] | None:
    return digest_view.message(_built(session, message), _locale(session, message.team_id))


def _draw_thread(session: Session, message: OutboxMessage) -> dict[str, Any] | None:
    content = digest_view.thread(_built(session, message), _locale(session, message.team_id))
    return {**content, "thread_ts": message.payload["thread_ts"]}


def _draw_chart(session: Session, message: OutboxMessage) -> dict[str, Any] | None:
    d = _built(session, message)
    lc = _locale(session, message.team_id)
    png = weekly_feeling(
        d.segments, d.week_starts, title=t("digest.chart_title", lc), axis=t("digest.chart_axis", lc)
    )
    return {
        "filename": f"feeling-{d.week}.png",
        "content": png,
        "title": t("digest.chart_title", lc),
        "initial_comment": t("digest.chart_comment", lc),
        "thread_ts": message.payload["thread_ts"],
    }


def _after_digest(session: Session, settings: Settings, message: OutboxMessage, now: datetime) -> None:
    """Slack has the digest: its thread gets the details, then the chart."""
    if not message.response_ts:
        return
    payload = {**message.payload, "thread_ts": message.response_ts}
    subject = f"digest:{message.channel}"
    week = digest.week_label(datetime.fromisoformat(str(message.payload["as_of"])), message.payload.get("tz"))
    for kind, stage in ((THREAD, f"{week}-thread"), (CHART, f"{week}-chart")):
        queue.enqueue(
            session,
            team_id=message.team_id,
            kind=kind,
            channel=message.response_channel or message.channel,
            not_before=now,
            payload=payload,
            respect_working_hours=False,
            key=(subject, stage),
        )


outbox.register(
    outbox.Kind(DIGEST, _draw_digest, outbox.post, _after_digest),
    outbox.Kind(THREAD, _draw_thread, outbox.post),
    outbox.Kind(CHART, _draw_chart, outbox.upload),
)
