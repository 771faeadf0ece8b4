"""The weekly digest as Slack shows it: the channel message (within 50 blocks, however many clients),
the details in its thread, a private preview, and the same as plain text for the terminal."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block, DividerBlock, HeaderBlock

from bot.domain.feelings import FACES, TREND_ARROWS, Trend, sparkline, trend
from bot.domain.text import truncate
from bot.messages import t
from bot.services.digest import Coverage, Digest, Mover, PersonCoverage, Risk
from bot.views import health as health_view
from bot.views.common import blocks_json, button, context, local_time, mrkdwn_escape, section

EXPORT = "digest_export"
MESSAGE_BLOCKS = 50
SECTION_TEXT = 3000
MAIN_RISKS = 8  # at-risk clients in the channel message; the rest in the thread
MAIN_LINES = 5  # quiet contacts, overdue owners, renewals, churn in the channel message
THREAD_BLOCKS = MESSAGE_BLOCKS - 2  # room for the thread's title and its last line


def _number(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "—"


def _share(coverage: Coverage) -> str:
    return f"{coverage.share:.0%}" if coverage.share is not None else "—"


def _who(user_id: str | None, name: str | None) -> str:
    if user_id:
        return f"<@{user_id}>"
    return mrkdwn_escape(name or "someone not in Slack")


def _arrow(now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return ""
    if now - before >= 0.3:
        return TREND_ARROWS[Trend.UP]
    if now - before <= -0.3:
        return TREND_ARROWS[Trend.DOWN]
    return TREND_ARROWS[Trend.FLAT]


def sections(lines: Sequence[str], most_blocks: int) -> tuple[list[Block], int]:
    """`lines` packed into sections of at most Slack's 3,000 characters, at most `most_blocks` of them;
    how many lines did not fit."""
    blocks: list[Block] = []
    current = ""
    for n, line in enumerate(lines):
        line = truncate(line, SECTION_TEXT)
        if current and len(current) + 1 + len(line) > SECTION_TEXT:
            if len(blocks) + 1 >= most_blocks:
                return [*blocks, section(current)], len(lines) - n
            blocks.append(section(current))
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        blocks.append(section(current))
    return blocks, 0


def _spark(weekly: Sequence[float | None]) -> str:
    """The weeks' line and, beside it, the arrow it calls for."""
    arrow = TREND_ARROWS[trend(weekly)]
    return f"{sparkline(weekly)} {arrow}" if arrow else sparkline(weekly)


def risk_line(risk: Risk, locale: str | None) -> str:
    h = risk.health
    reasons = health_view.reasons(h, locale) if h.reasons else ""
    return t(
        "digest.risk_line",
        locale,
        band=t(f"health.band.{h.band}", locale).split(" ")[0],
        client=mrkdwn_escape(risk.name),
        score=health_view.score(h, locale),
        spark=_spark(risk.weekly),
        lead=t("digest.lead", locale, who=f"<@{risk.lead_user_id}>") if risk.lead_user_id else "",
        reasons=reasons,
    )


def _mover(m: Mover, locale: str | None) -> str:
    return t(
        "digest.mover",
        locale,
        client=mrkdwn_escape(m.name),
        before=_number(m.before),
        after=_number(m.after),
        spark=_spark(m.weekly),
    )


def _lines(d: Digest, locale: str | None) -> dict[str, list[str]]:
    """Every list the digest holds, a line per item."""
    quiet = [
        t(
            "digest.quiet_line",
            locale,
            who=mrkdwn_escape(q.who),
            client=mrkdwn_escape(q.client),
            days=q.working_days,
        )
        for q in d.quiet
    ]
    overdue = [
        t(
            "digest.overdue_line.one" if o.count == 1 else "digest.overdue_line",
            locale,
            who=_who(o.user_id, o.name),
            count=o.count,
            what=mrkdwn_escape(truncate(o.oldest_what, 80)),
            days=o.oldest_days,
        )
        for o in d.overdue
    ]
    renewals = [
        t(
            "digest.renewal_line",
            locale,
            client=mrkdwn_escape(r.client),
            on=r.on.strftime("%a %d %b"),
            days=r.days,
            face=f"{FACES[r.last_score].emoji} {FACES[r.last_score].label}" if r.last_score in FACES else "—",
        )
        for r in d.renewals
    ]
    churned = [
        t(
            "digest.churned_line",
            locale,
            client=mrkdwn_escape(c.client),
            on=local_time(c.at, d.tz, "%a %d %b"),
            reason=f": {mrkdwn_escape(truncate(c.reason, 200))}" if c.reason else "",
        )
        for c in d.churned
    ]
    people = [
        t(
            "digest.coverage_person",
            locale,
            who=_who(p.user_id, p.name),
            share=_share(p.coverage),
            touchpoints=p.coverage.touchpoints,
        )
        for p in d.by_person
    ]
    return {
        "risks": [risk_line(r, locale) for r in d.at_risk],
        "quiet": quiet,
        "overdue": overdue,
        "renewals": renewals,
        "churned": churned,
        "people": people,
    }


def _list(title: str, lines: list[str], shown: int, locale: str | None) -> list[Block]:
    if not lines:
        return []
    blocks, left = sections([title, *lines[:shown]], 2)
    more = max(0, len(lines) - shown) + left
    if more:
        blocks.append(context(t("digest.more", locale, count=more)))
    return blocks


def _body(d: Digest, locale: str | None, *, people: bool) -> list[Block]:
    lc = locale
    lines = _lines(d, lc)
    blocks: list[Block] = [
        HeaderBlock(text=t("digest.title", lc)),
        context(
            t(
                "digest.context",
                lc,
                week=d.week_of.strftime("%a %d %b"),
                end=(d.week_of + timedelta(days=6)).strftime("%a %d %b"),
                clients=d.clients,
                scored=d.scored,
            )
        ),
    ]
    if d.average is not None:
        average = t(
            "digest.average",
            lc,
            average=_number(d.average),
            count=d.checkins,
            before=_number(d.average_before),
            count_before=d.checkins_before,
            arrow=_arrow(d.average, d.average_before),
        )
    else:
        average = t(
            "digest.average_none", lc, before=_number(d.average_before), count_before=d.checkins_before
        )
    blocks.append(section(average))
    movers = []
    if d.up:
        movers.append(t("digest.up", lc, items=";  ".join(_mover(m, lc) for m in d.up)))
    if d.down:
        movers.append(t("digest.down", lc, items=";  ".join(_mover(m, lc) for m in d.down)))
    blocks.append(section("\n".join(movers) if movers else t("digest.no_movers", lc)))
    blocks.append(DividerBlock())
    if d.at_risk:
        blocks += _list(t("digest.at_risk", lc, count=len(d.at_risk)), lines["risks"], MAIN_RISKS, lc)
    else:
        blocks.append(section(t("digest.at_risk_none", lc)))
    blocks += _list(t("digest.quiet", lc, count=len(d.quiet)), lines["quiet"], MAIN_LINES, lc)
    overdue_count = sum(o.count for o in d.overdue)
    blocks += _list(t("digest.overdue", lc, count=overdue_count), lines["overdue"], MAIN_LINES, lc)
    if d.coverage.touchpoints:
        blocks.append(
            section(t("digest.coverage", lc, share=_share(d.coverage), touchpoints=d.coverage.touchpoints))
        )
    else:
        blocks.append(section(t("digest.coverage_none", lc)))
    if people:
        blocks += _list(t("digest.thread_people", lc), lines["people"], MAIN_LINES, lc)
    blocks += _list(t("digest.renewals", lc), lines["renewals"], MAIN_LINES, lc)
    blocks += _list(t("digest.churned", lc), lines["churned"], MAIN_LINES, lc)
    return blocks


def message(d: Digest, locale: str | None = None) -> dict[str, Any]:
    """The channel message: the week at a glance, an Export button; the details go in its thread."""
    blocks = _body(d, locale, people=d.show_people)
    blocks += [
        ActionsBlock(
            block_id="digest_actions",
            elements=[button(t("digest.export", locale), EXPORT, d.week, style="primary")],
        ),
        context(t("digest.footer", locale)),
    ]
    assert len(blocks) <= MESSAGE_BLOCKS, "the digest's body is bounded: each list is cut short"
    return {"text": fallback(d, locale), "blocks": blocks_json(blocks), "unfurl_links": False}


def fallback(d: Digest, locale: str | None = None) -> str:
    return t(
        "digest.fallback",
        locale,
        average=_number(d.average),
        before=_number(d.average_before),
        risks=len(d.at_risk),
    )


def thread(d: Digest, locale: str | None = None) -> dict[str, Any]:
    """The thread reply: every client at risk, every quiet contact and overdue owner, coverage per
    person (when the workspace shows it), and each segment's last 12 weeks; cut to 50 blocks, the
    rest pointed to the export."""
    lc = locale
    lines = _lines(d, lc)
    every: list[str] = []
    for title, key in (
        (t("digest.thread_risks", lc), "risks"),
        (t("digest.quiet", lc, count=len(d.quiet)), "quiet"),
        (t("digest.overdue", lc, count=sum(o.count for o in d.overdue)), "overdue"),
    ):
        if lines[key]:
            every += [title, *lines[key], ""]
    if d.show_people and lines["people"]:
        every += [t("digest.thread_people", lc), *lines["people"], ""]
    if d.segments:
        every.append(t("digest.thread_segments", lc))
        for name, weekly in d.segments.items():
            now = next((v for v in reversed(weekly) if v is not None), None)
            every.append(
                t(
                    "digest.segment_line",
                    lc,
                    segment=mrkdwn_escape(name),
                    spark=_spark(weekly),
                    now=_number(now),
                )
            )
    blocks: list[Block] = [section(t("digest.thread_title", lc, week=d.week))]
    packed, left = sections(every or ["—"], THREAD_BLOCKS)
    blocks += packed
    if left:
        blocks.append(context(t("digest.more_export", lc, count=left)))
    return {"text": t("digest.thread_title", lc, week=d.week), "blocks": blocks_json(blocks)}


def preview(d: Digest, mine: PersonCoverage | None, where: str, locale: str | None = None) -> dict[str, Any]:
    """`/rapport digest`: this week's digest, to the one who asked; with their own coverage."""
    blocks = _body(d, locale, people=False)
    if mine is not None and mine.coverage.touchpoints:
        blocks.append(
            section(
                t(
                    "digest.coverage_mine",
                    locale,
                    share=_share(mine.coverage),
                    touchpoints=mine.coverage.touchpoints,
                )
            )
        )
    blocks += [
        ActionsBlock(
            block_id="digest_actions",
            elements=[button(t("digest.export", locale), EXPORT, d.week)],
        ),
        context(t("digest.preview_note", locale, where=where)),
    ]
    return {"response_type": "ephemeral", "text": fallback(d, locale), "blocks": blocks_json(blocks)}


def where(
    channel: str | None, weekday: str, time: str, tz: str | None, next_at: datetime | None, lc: str | None
) -> str:
    if not channel or next_at is None:
        return t("digest.where_none", lc)
    return t(
        "digest.where",
        lc,
        channel=channel,
        weekday=weekday.capitalize(),
        time=time,
        tz=tz or "UTC",
        next=local_time(next_at, tz, "%a %d %b %H:%M"),
    )


def as_text(d: Digest, locale: str | None = None) -> str:
    """The digest and its thread as plain text, for `python -m bot digest`."""
    out: list[str] = []
    for part in (message(d, locale), thread(d, locale)):
        for block in part["blocks"]:
            out += _block_text(block)
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _block_text(block: dict[str, Any]) -> list[str]:
    kind = block.get("type")
    if kind == "header":
        title = str(block["text"]["text"])
        return [title, "=" * len(title)]
    if kind == "divider":
        return ["-" * 40]
    if kind == "section":
        return _plain(block["text"]["text"]).split("\n")
    if kind == "context":
        return [_plain(" ".join(e.get("text", "") for e in block.get("elements", [])))]
    if kind == "actions":
        return ["  ".join(f"[ {e['text']['text']} ]" for e in block.get("elements", []))]
    return []


def _plain(text: str) -> str:
    """Slack's markup as a terminal shows it: bold and italics plain, <@U…> and <#C…> as @U… and #C…."""
    text = re.sub(r"<([@#])([A-Z0-9]+)(\|[^>]*)?>", r"\1\2", text)
    text = re.sub(r"(?<!\w)\*(.+?)\*(?!\w)", r"\1", text)
    text = re.sub(r"(?<!\w)_(.+?)_(?!\w)", r"\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
