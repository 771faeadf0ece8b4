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
from demo.simulation import Demo, outbox_tally, plural
from storage.models import CheckIn, Client, FollowUp, OutboxMessage, Prompt, SendAttempt, Touchpoint, Wait


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
        sent_tally = outbox_tally(session)
        outbox = {kind: n for kind, n in sent_tally.items() if kind not in ("dms", "edits")}
        prompts_sent = count(Prompt, Prompt.sent_at.is_not(None))
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
        notes = [
            (name, note)
            for name, note in session.execute(
                select(Client.name, CheckIn.note)
                .join(Client, CheckIn.client_id == Client.id)
                .where(CheckIn.note.is_not(None))
                .order_by(CheckIn.id)
            )
        ]
        attempts = count(SendAttempt)
        attempts_ok = count(SendAttempt, SendAttempt.ok.is_(True))
    sent = sum(outbox.values())
    dms, edits = sent_tally["dms"], sent_tally["edits"]
    nudges = sum(outbox.get(kind, 0) for kind in nudge_kinds())
    asked, again = outbox.get("prompt", 0), outbox.get("prompt", 0) - prompts_sent
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
        f"{prompts.get('skipped', 0)} didn't happen, "
        f"{prompts.get('expired', 0)} expired (missed), {open_prompts} still open"
    )
    say(f"  Reminders:                 {reminded} (one per unanswered prompt, never more)")
    again_text = f" ({again} asked again after a snooze)" if again else ""
    nudge_dms = nudges - bundled + bundles
    digest_posts = outbox.get("digest", 0) + outbox.get("digest_thread", 0)
    to_channel = (
        f", {digest_posts} to #client-health (weekly digests and their threads)" if digest_posts else ""
    )
    say(
        f"  DMs sent:                  {dms}: {plural(asked, 'prompt')}{again_text}, "
        f"{plural(outbox.get('prompt_reminder', 0), 'reminder')}, {nudge_dms} with nudges{to_channel}"
    )
    say(f"  Edits of DMs sent earlier: {edits} (a question moved to its reminder, or expired)")
    kinds = ", ".join(
        plural(outbox.get(kind, 0), one, many)
        for kind, one, many in (
            ("followup_due", "follow-up due", "follow-ups due"),
            ("followup_reminder", "follow-up reminder", None),
            ("followup_escalation", "to a partner or backup", "to partners or backups"),
            ("quiet_contact", "quiet contact", None),
            ("quiet_escalation", "quiet contact to a partner", "quiet contacts to partners"),
            ("checkin_bad", "bad check-in to its lead", "bad check-ins to their leads"),
        )
        if outbox.get(kind, 0)
    )
    say(f"  Nudges:                    {nudges} in {plural(nudge_dms, 'DM')}: {kinds}")
    say(
        f"                             {bundled} due together went as {plural(bundles, 'DM')} "
        "(one nudge DM per person per 30 minutes)"
    )
    say(f"  Send attempts recorded:    {attempts} ({attempts_ok} ok, {failed_outbox} failed)")
    recovery = followups.get("recovery", 0)
    say(
        f"  Follow-ups:                {sum(followups.values())} "
        f"({followups.get('command', 0)} from /followup, "
        f"{recovery} recovery step{'' if recovery == 1 else 's'}, {followups.get('quiet', 0)} from a quiet "
        f"contact): {followups_by_status.get('done', 0)} done, {followups_by_status.get('open', 0)} open; "
        f"{plural(outbox.get('followup_due', 0), 'nudge')}, "
        f"{plural(outbox.get('followup_reminder', 0), 'reminder')}, "
        f"{outbox.get('followup_escalation', 0)} to the partner or backup"
    )
    say(
        f"  Waiting for an answer:     {plural(sum(waits.values()), 'outreach')}: "
        f"{outbox.get('quiet_contact', 0)} went quiet and the lead was told, "
        f"{outbox.get('quiet_escalation', 0)} partners told; {waits.get('replied', 0)} answered, "
        f"{waits.get('followed_up', 0)} now a follow-up, {waits.get('open', 0)} still waiting"
    )
    say(
        f"  Deferred to working hours: {plural(simulated['deferred'], 'time')}, "
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
        notes=notes,
        contacts={c.name: c.contacts for c in demo.clients},
        prompts=prompts,
        prompts_answered=prompts.get("answered", 0),
        prompts_skipped=prompts.get("skipped", 0),
        prompts_expired=prompts.get("expired", 0),
        reminders=reminded,
        outbox_sent=sent,
        dms=dms,
        edits=edits,
        nudges=nudges,
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
