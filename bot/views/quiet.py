"""Quiet contacts as people see them: the nudge with next steps, its buttons, and my waiting list.

Every nudge says why it was sent and offers concrete next steps; answering it never needs typing:
They replied, Log a follow-up, Snooze and Not needed are buttons and a select.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block, Option, OverflowMenuElement, StaticSelectElement

from bot.domain import when
from bot.domain.hours import WorkingHours
from bot.messages import t
from bot.services.quiet import SNOOZES, Outcome, WaitFacts
from bot.views.common import blocks_json, button, context, local_time, mrkdwn_escape, section

LIST_MAX = 15


def _who(facts: WaitFacts, locale: str | None) -> str:
    """ "*Jan* at *Acme*", or "*Acme*" when the outreach named nobody."""
    client = mrkdwn_escape(facts.client_name)
    if facts.contact_name:
        return t("quiet.contact_at", locale, contact=mrkdwn_escape(facts.contact_name), client=client)
    return f"*{client}*"


def silence(facts: WaitFacts, now: datetime, tz: str | None, wh: WorkingHours, locale: str | None) -> str:
    """How long it has been: "6 working days (since Tue 24 Nov)"."""
    days = when.working_days_between(facts.since, now, tz, wh)
    return t("quiet.silence", locale, days=days, since=local_time(facts.since, tz, "%a %d %b"))


def next_steps(facts: WaitFacts, viewer_user_id: str | None, locale: str | None) -> list[str]:
    """Concrete things to try: another channel, the partner, another contact, a short call."""
    steps = [t(f"quiet.step.channel.{_channel(facts.channel)}", locale)]
    if facts.partner_user_id and facts.partner_user_id != viewer_user_id:
        steps.append(t("quiet.step.partner", locale, partner=f"<@{facts.partner_user_id}>"))
    else:
        steps.append(t("quiet.step.senior", locale))
    client = mrkdwn_escape(facts.client_name)
    if facts.others:
        others = ", ".join(mrkdwn_escape(name) for name in facts.others)
        steps.append(t("quiet.step.others", locale, client=client, others=others))
    else:
        steps.append(t("quiet.step.ask_who", locale, client=client))
    steps.append(t("quiet.step.call", locale))
    return steps


def _channel(channel: str | None) -> str:
    if channel in ("email", "chat"):
        return channel
    if channel == "call":
        return "call"
    return "any"


def _buttons(facts: WaitFacts, locale: str | None) -> Block:
    wid = str(facts.wait_id)
    return ActionsBlock(
        block_id=f"quiet_actions:{wid}",
        elements=[
            button(t("quiet.replied_button", locale), "quiet_replied", wid, style="primary"),
            button(t("quiet.followup_button", locale), "quiet_followup", wid),
            StaticSelectElement(
                action_id="quiet_snooze",
                placeholder=t("followup.snooze_button", locale),
                options=[Option(text=t(f"followup.snooze.{c}", locale), value=f"{wid}:{c}") for c in SNOOZES],
            ),
            button(t("followup.not_needed_button", locale), "quiet_not_needed", wid),
        ],
    )


def nudge(
    facts: WaitFacts,
    now: datetime,
    tz: str | None,
    wh: WorkingHours,
    locale: str | None,
    *,
    viewer_user_id: str | None,
    escalated: bool = False,
) -> dict[str, Any]:
    """To the lead (or, escalated, the partner): who went quiet, for how long, about what, what to
    try, and why this message came."""
    lc = locale
    who = _who(facts, lc)
    text = t("quiet.nudge", lc, who=who, silence=silence(facts, now, tz, wh, lc))
    blocks: list[Block] = [section(text)]
    if facts.about:
        asker = f"<@{facts.reached_by_user_id}>" if facts.reached_by_user_id else t("quiet.someone", lc)
        blocks.append(section(t("quiet.asked", lc, who=asker, about=mrkdwn_escape(facts.about))))
    steps = "\n".join(f"• {step}" for step in next_steps(facts, viewer_user_id, lc))
    blocks.append(section(t("quiet.steps", lc, steps=steps)))
    if escalated:
        lead = f"<@{facts.lead_user_id}>" if facts.lead_user_id else t("quiet.the_lead", lc)
        why = t("quiet.why_escalated", lc, lead=lead, client=mrkdwn_escape(facts.client_name))
    else:
        why = t("quiet.why", lc, client=mrkdwn_escape(facts.client_name), days=facts.quiet_days)
    blocks += [context(why), _buttons(facts, lc)]
    fallback = t("quiet.fallback", lc, who=facts.contact_name or facts.client_name, client=facts.client_name)
    return {"text": fallback, "blocks": blocks_json(blocks)}


def after_click(
    facts: WaitFacts, outcome: Outcome, now: datetime, tz: str | None, wh: WorkingHours, locale: str | None
) -> dict[str, Any]:
    """The nudge once a button on it was used: what happened, with undo."""
    lc = locale
    who = _who(facts, lc)
    if not outcome.changed:
        text = t(f"quiet.already.{facts.status}", lc, who=who)
        return {"text": text, "blocks": blocks_json([section(text)])}
    if outcome.change == "snooze" and outcome.until is not None:
        text = t("quiet.snoozed", lc, who=who, when=local_time(outcome.until, tz, "%a %d %b %H:%M"))
        return {"text": text, "blocks": blocks_json([section(text)])}
    if outcome.change == "undo":
        return nudge(facts, now, tz, wh, lc, viewer_user_id=None)
    text = t(f"quiet.{outcome.change}", lc, who=who)
    wid = str(facts.wait_id)
    undo = ActionsBlock(
        block_id=f"quiet_undo:{wid}", elements=[button(t("common.undo", lc), "quiet_undo", wid)]
    )
    return {"text": text, "blocks": blocks_json([section(text), undo])}


def stopped_waiting(facts: WaitFacts, locale: str | None) -> str:
    return t("quiet.followed_up", locale, who=_who(facts, locale))


def item(facts: WaitFacts, now: datetime, tz: str | None, wh: WorkingHours, locale: str | None) -> Block:
    """One open wait in a list (`/rapport waiting`, the Home tab, the client card), with a menu."""
    about = t("quiet.list.about", locale, about=mrkdwn_escape(facts.about)) if facts.about else ""
    quiet = when.working_days_between(facts.since, now, tz, wh) >= facts.quiet_days
    line = t(
        "quiet.list.quiet_line" if quiet else "quiet.list.line",
        locale,
        who=_who(facts, locale),
        about=about,
        silence=silence(facts, now, tz, wh, locale),
    )
    wid = str(facts.wait_id)
    menu = OverflowMenuElement(
        action_id="quiet_menu",
        options=[
            Option(text=t("quiet.replied_button", locale), value=f"{wid}:replied"),
            Option(text=t("quiet.followup_button", locale), value=f"{wid}:followup"),
            Option(text=t("followup.snooze.next_week", locale), value=f"{wid}:snooze:next_week"),
            Option(text=t("followup.not_needed_button", locale), value=f"{wid}:not_needed"),
        ],
    )
    return section(line, menu)


def listing(
    waits: list[WaitFacts], now: datetime, tz: str | None, wh: WorkingHours, locale: str | None
) -> dict[str, Any]:
    """`/rapport waiting`: the outreaches I'm waiting on, longest silence first."""
    if not waits:
        return {"response_type": "ephemeral", "text": t("quiet.list.none", locale)}
    header = t("quiet.list.header", locale, count=len(waits))
    blocks: list[Block] = [section(header)]
    blocks += [item(f, now, tz, wh, locale) for f in waits[:LIST_MAX]]
    if len(waits) > LIST_MAX:
        blocks.append(context(t("followup.list.more", locale, count=len(waits) - LIST_MAX)))
    return {"response_type": "ephemeral", "text": header, "blocks": blocks_json(blocks)}


def waiting_noted(
    facts: WaitFacts, until: datetime | None, tz: str | None, locale: str | None, *, told: str | None
) -> dict[str, Any]:
    """The answer to `/rapport waiting …`: what Rapport now waits for, and when it will speak up."""
    about = t("quiet.list.about", locale, about=mrkdwn_escape(facts.about)) if facts.about else ""
    by = local_time(until, tz, "%a %d %b") if until else "—"
    text = t(
        "quiet.noted",
        locale,
        who=_who(facts, locale),
        about=about,
        days=facts.quiet_days,
        by=by,
        told=told or t("quiet.you", locale),
    )
    wid = str(facts.wait_id)
    actions = ActionsBlock(
        block_id=f"quiet_noted:{wid}",
        elements=[
            button(t("quiet.replied_button", locale), "quiet_replied", wid),
            button(t("common.undo", locale), "quiet_not_needed", wid),
        ],
    )
    return {"response_type": "ephemeral", "text": text, "blocks": blocks_json([section(text), actions])}


def problem(key: str, values: dict[str, Any], locale: str | None) -> dict[str, Any]:
    shown = dict(values)
    if "names" in shown:
        shown["names"] = ", ".join(f"“{mrkdwn_escape(str(n))}”" for n in shown["names"])
    if "query" in shown:
        shown["query"] = mrkdwn_escape(str(shown["query"]))
    return {"response_type": "ephemeral", "text": t(key, locale, **shown)}
