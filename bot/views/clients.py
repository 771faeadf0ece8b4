"""Clients: the card shown by `/rapport client NAME`, and the list of `/rapport clients`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from slack_sdk.models.blocks import ActionsBlock, Block, DividerBlock, HeaderBlock, Option, SectionBlock
from slack_sdk.models.blocks.basic_components import MarkdownTextObject

from bot.domain import when
from bot.domain.feelings import TREND_ARROWS, sparkline
from bot.domain.hours import WorkingHours
from bot.domain.problem import Problem
from bot.domain.text import truncate
from bot.messages import t
from bot.services.clients import Card, Listing
from bot.services.followups import FollowUpFacts
from bot.services.owners import Person
from bot.services.quiet import WaitFacts
from bot.views import followups as followup_view
from bot.views import health as health_view
from bot.views import quiet as quiet_view

if TYPE_CHECKING:
    from storage.models import Contact
from bot.views.common import blocks_json, button, context, face_label, local_time, mrkdwn_escape, section

NOTE_PREVIEW = 280


def _person(person: Person | None, locale: str | None) -> str:
    if person is None:
        return t("card.nobody", locale)
    if person.slack_user_id:
        return f"<@{person.slack_user_id}>"
    return mrkdwn_escape(person.name or person.email or "?")


CONTACTS_SHOWN = 5


def _contacts(contacts: Sequence[Contact], tz: str | None, lc: str | None) -> str:
    """The client's contacts, each with when we last heard from them and last reached out."""
    shown = []
    for contact in contacts[:CONTACTS_SHOWN]:
        moments = [
            t(key, lc, when=local_time(at, tz, "%a %d %b"))
            for key, at in (
                ("card.heard", contact.last_inbound_at),
                ("card.reached", contact.last_outbound_at),
            )
            if at is not None
        ]
        name = mrkdwn_escape(contact.name)
        shown.append(f"{name} ({' · '.join(moments)})" if moments else name)
    more = len(contacts) - CONTACTS_SHOWN
    return t("card.contacts", lc, contacts=", ".join(shown)) + (f" +{more}" if more > 0 else "")


def card(
    c: Card,
    tz: str | None,
    locale: str | None,
    *,
    owed: list[FollowUpFacts] | None = None,
    waiting: list[WaitFacts] | None = None,
    hours: WorkingHours | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    lc = locale
    client = c.client
    fields = [
        t("card.lead", lc, who=_person(c.owners["lead"], lc)),
        t("card.partner", lc, who=_person(c.owners["partner"], lc)),
        t("card.backup", lc, who=_person(c.owners["backup"], lc)),
        t("card.segment", lc, segment=mrkdwn_escape(client.segment or "—")),
        t("card.renewal", lc, date=client.renewal_date.isoformat() if client.renewal_date else "—"),
        t("card.status", lc, status=t(f"status.{client.status}", lc)),
    ]
    average = f"{c.average_90d:.1f}" if c.average_90d is not None else "—"
    blocks: list[Block] = [
        HeaderBlock(text=truncate(client.name, 150)),
        SectionBlock(fields=[MarkdownTextObject(text=f) for f in fields]),
        section(
            t("card.feeling", lc, average=average, spark=sparkline(c.weekly), trend=TREND_ARROWS[c.trend])
        ),
    ]
    if c.health is not None:
        h = c.health
        if h.score is None:
            blocks.append(section(t("card.health_unknown", lc, band=health_view.band(h, lc))))
        else:
            blocks.append(
                section(t("card.health", lc, score=health_view.score(h, lc), band=health_view.band(h, lc)))
            )
        blocks.append(context(health_view.reasons(h, lc)))
    if c.aliases:
        blocks.append(context(t("card.aliases", lc, aliases=mrkdwn_escape(", ".join(c.aliases)))))
    if client.contacts:
        blocks.append(context(_contacts(client.contacts, tz, lc)))
    if c.last_touchpoint is not None:
        tp = c.last_touchpoint
        blocks.append(
            context(
                t(
                    "card.last_touchpoint",
                    lc,
                    kind=t(f"kind.{tp.kind}", lc),
                    title=mrkdwn_escape(tp.title),
                    when=local_time(tp.happened_at, tz),
                )
            )
        )
    else:
        blocks.append(context(t("card.no_touchpoint", lc)))
    blocks.append(DividerBlock())
    if c.recent:
        blocks.append(section(t("card.recent", lc)))
        for checkin in c.recent:
            line = f"{face_label(checkin.score)} · {local_time(checkin.created_at, tz, '%d %b')}"
            if checkin.expectation:
                line += f" · {t(f'expectation.{checkin.expectation}', lc)}"
            if checkin.note:
                line += f"\n>{mrkdwn_escape(truncate(checkin.note, NOTE_PREVIEW))}"
            blocks.append(section(line))
    else:
        blocks.append(context(t("card.no_checkins", lc)))
    if owed and now is not None:
        lines = [
            t(
                "card.followup_line",
                lc,
                what=mrkdwn_escape(f.what),
                who=f"<@{f.owner_user_id}>" if f.owner_user_id else t("card.nobody", lc),
                due=followup_view.due_text(f, tz, lc, now),
                late=" :warning:" if f.overdue(now) else "",
            )
            for f in owed
        ]
        blocks.append(section(t("card.followups", lc) + "\n" + "\n".join(lines)))
    if waiting and now is not None:
        wh = hours or WorkingHours()
        lines = [
            t(
                "card.waiting_line",
                lc,
                who=mrkdwn_escape(w.contact_name or t("card.anyone", lc)),
                about=t("quiet.list.about", lc, about=mrkdwn_escape(w.about)) if w.about else "",
                silence=quiet_view.silence(w, now, tz, wh, lc),
                late=" :hourglass_flowing_sand:"
                if when.working_days_between(w.since, now, tz, wh) >= w.quiet_days
                else "",
            )
            for w in waiting
        ]
        blocks.append(section(t("card.waiting", lc) + "\n" + "\n".join(lines)))
    blocks.append(
        ActionsBlock(
            block_id="card_actions",
            elements=[
                button(t("home.log_for_client", lc), "home_client_feeling", str(client.id), style="primary"),
            ],
        )
    )
    return {"response_type": "ephemeral", "text": client.name, "blocks": blocks_json(blocks)}


LIST_CHUNK = 2900  # characters of lines per section, under Slack's 3000
LIST_SECTIONS = 45  # sections of lines, under Slack's 50 blocks with the header and the "more" line


def listing(found: Listing, locale: str | None) -> dict[str, Any]:
    """`/rapport clients`: every client with its lead."""
    if not found.clients:
        return {"response_type": "ephemeral", "text": t("clients.none", locale)}
    lines = []
    for name, lead in found.clients:
        owner = f" {t('clients.lead', locale, who=_person(lead, locale))}" if lead else ""
        lines.append(f"• *{mrkdwn_escape(name)}*{owner}")
    chunks: list[str] = []
    for line in lines:
        if chunks and len(chunks[-1]) + len(line) < LIST_CHUNK:
            chunks[-1] += "\n" + line
        else:
            chunks.append(line)
    blocks: list[Block] = [section(t("clients.header", locale, count=found.total))]
    blocks += [section(c) for c in chunks[:LIST_SECTIONS]]
    if found.total > len(found.clients):
        blocks.append(context(t("clients.more", locale, count=found.total - len(found.clients))))
    return {
        "response_type": "ephemeral",
        "text": t("clients.header", locale, count=found.total),
        "blocks": blocks_json(blocks),
    }


def not_found(problem: Problem, locale: str | None) -> dict[str, Any]:
    """Why no card: no name given, no client matches, or several do."""
    return {"response_type": "ephemeral", "text": t(problem.key, locale, **problem.values)}


def options(found: list[tuple[int, str]]) -> list[Option]:
    """Clients for a picker's type-ahead; long names cut to fit an option."""
    return [
        Option(text=truncate(name, Option.label_max_length), value=str(client_id))
        for client_id, name in found
    ]
