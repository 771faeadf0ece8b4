"""The closing summary: what the demo's database holds after the weeks, beside what staff did.

The numbers are read back from the database, not counted along the way, so the summary shows what
the app really stored; `stats` gets both, so the tests can compare them.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func, select

from bot.jobs.outbox import nudge_kinds
from demo.guard import is_loopback
from demo.simulation import Demo, plural
from storage.models import CheckIn, FollowUp, OutboxMessage, Prompt, SendAttempt, Touchpoint, Wait


def tally(rows: Any) -> dict[str, int]:
    """`{value: count}` from (value, count) rows."""
    return {str(value): int(number) for value, number in rows}


def summary(demo: Demo, stats: dict[str, Any], network: Counter[str]) -> None:
    with demo.db.session() as session:

        def count(model: Any, *where: Any) -> int:
            return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)

        touchpoints = count(Touchpoint)
        cancelled = count(Touchpoint, Touchpoint.cancelled.is_(True))
        checkins = count(CheckIn)
        by_source = tally(session.execute(select(CheckIn.source, func.count()).group_by(CheckIn.source)))
        prompts = tally(session.execute(select(Prompt.status, func.count()).group_by(Prompt.status)))
        reminded = count(Prompt, Prompt.reminded_at.is_not(None))
        outbox = tally(
            session.execute(
                select(OutboxMessage.kind, func.count())
                .where(OutboxMessage.status == "sent")
                .group_by(OutboxMessage.kind)
            )
        )
        failed_outbox = count(OutboxMessage, OutboxMessage.status == "failed")
        followups = tally(session.execute(select(FollowUp.source, func.count()).group_by(FollowUp.source)))
        followups_by_status = tally(
            session.execute(select(FollowUp.status, func.count()).group_by(FollowUp.status))
        )
        waits = tally(session.execute(select(Wait.status, func.count()).group_by(Wait.status)))
        # DMs that carried several nudges, and how many nudges they carried
        shared = (
            session.execute(
                select(func.count())
                .select_from(OutboxMessage)
                .where(
                    OutboxMessage.status == "sent",
                    OutboxMessage.kind.in_(nudge_kinds()),
                    OutboxMessage.response_ts.is_not(None),
                )
                .group_by(OutboxMessage.response_channel, OutboxMessage.response_ts)
                .having(func.count() > 1)
            )
            .scalars()
            .all()
        )
        bundles, bundled = len(shared), int(sum(shared))
        attempts = count(SendAttempt)
        attempts_ok = count(SendAttempt, SendAttempt.ok.is_(True))
    sent = sum(outbox.values())
    open_prompts = sum(v for k, v in prompts.items() if k in ("scheduled", "sent", "reminded"))
    loopback = sum(n for host, n in network.items() if is_loopback(host))
    elsewhere = {host: n for host, n in network.items() if not is_loopback(host)}
    simulated, fake = demo.count, demo.fake
    say = demo.say
    say("== Summary ==")
    say(f'  Touchpoints logged:        {touchpoints} ({cancelled} marked "didn\'t happen")')
    say(
        f"  Check-ins:                 {checkins} ({by_source.get('prompt', 0)} from DM prompts, "
        f"{by_source.get('command', 0)} from /feeling, {by_source.get('modal', 0)} from the form)"
    )
    say(
        f"  Prompts:                   {sum(prompts.values())}: {prompts.get('answered', 0)} answered, "
        f"{prompts.get('skipped', 0)} skipped (didn't happen), "
        f"{prompts.get('expired', 0)} expired (missed), {open_prompts} still open"
    )
    say(f"  Reminders:                 {reminded} (one per unanswered prompt, never more)")
    say(
        f"  Messages sent via outbox:  {sent} ({outbox.get('prompt', 0)} prompts, "
        f"{outbox.get('prompt_reminder', 0)} reminders, "
        f"{outbox.get('prompt_moved', 0) + outbox.get('prompt_expired', 0)} edits, "
        f"{outbox.get('checkin_bad', 0)} leads told of a bad check-in); {failed_outbox} failed"
    )
    say(
        f"  Follow-ups:                {sum(followups.values())} "
        f"({followups.get('command', 0)} from /followup, "
        f"{followups.get('recovery', 0)} recovery steps, {followups.get('quiet', 0)} from a quiet contact): "
        f"{followups_by_status.get('done', 0)} done, {followups_by_status.get('open', 0)} open; "
        f"{outbox.get('followup_due', 0)} nudges, {outbox.get('followup_reminder', 0)} reminders, "
        f"{outbox.get('followup_escalation', 0)} escalated"
    )
    say(
        f"  Waiting for an answer:     {sum(waits.values())} outreaches: "
        f"{outbox.get('quiet_contact', 0)} went quiet and the lead was told, "
        f"{outbox.get('quiet_escalation', 0)} partners told; {waits.get('replied', 0)} answered, "
        f"{waits.get('followed_up', 0)} now a follow-up, {waits.get('open', 0)} still waiting"
    )
    say(
        f"  Nudges bundled:            {bundled} nudges due together went as {plural(bundles, 'DM')} "
        "(at most one nudge DM per person per 30 minutes)"
    )
    say(f"  Send attempts recorded:    {attempts} ({attempts_ok} ok)")
    say(
        f"  Deferred to working hours: {simulated['deferred']} times, "
        f"{simulated['night_deferred']} of them by the {simulated['night_ticks']} night ticks "
        "(nobody gets a DM at 2 a.m.)"
    )
    say(
        f"  Slack Web API calls:       {len(fake.calls)} answered by the stand-in, "
        f"{len(fake.rejected)} rejected"
    )
    say(
        f"  Network:                   {loopback} connections, all to 127.0.0.1"
        if not elsewhere
        else f"  Network:                   refused connections to {sorted(elsewhere)}"
    )
    stats.update(
        touchpoints=touchpoints,
        touchpoints_cancelled=cancelled,
        checkins=checkins,
        checkins_by_source=by_source,
        prompts=prompts,
        prompts_answered=prompts.get("answered", 0),
        prompts_skipped=prompts.get("skipped", 0),
        prompts_expired=prompts.get("expired", 0),
        reminders=reminded,
        outbox_sent=sent,
        outbox_by_kind=outbox,
        outbox_failed=failed_outbox,
        followups=followups,
        followups_by_status=followups_by_status,
        waits=waits,
        send_attempts=attempts,
        bundles=bundles,
        bundled=bundled,
        send_attempts_ok=attempts_ok,
        deferred=simulated["deferred"],
        deferred_at_night=simulated["night_deferred"],
        slack_calls=len(fake.calls),
        slack_posts=len(fake.calls_to("chat.postMessage")),
        rejected=len(fake.rejected),
        network=dict(network),
        simulated=dict(simulated),
        souring=demo.souring.name,
        improving=demo.improving.name,
        home_viewer=demo.souring.lead.name,
    )
