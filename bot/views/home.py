"""The App Home tab."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import ActionsBlock, Block, DividerBlock, HeaderBlock
from slack_sdk.models.views import View

from bot.domain.feelings import TREND_ARROWS, sparkline
from bot.domain.hours import WorkingHours
from bot.messages import t
from bot.services.home import HomeData
from bot.views import followups as followup_view
from bot.views import health as health_view
from bot.views import quiet as quiet_view
from bot.views import settings as settings_view
from bot.views.common import button, context, face_label, local_time, mrkdwn_escape, section

MAX_CLIENTS = 30  # 3 blocks' worth of room each stays well inside Slack's 100-block Home limit
MAX_PROMPTS = 10
MAX_FOLLOWUPS = 10
MAX_WAITING = 8


def home(data: HomeData) -> dict[str, Any]:
    lc = data.locale
    blocks: list[Block] = [
        HeaderBlock(text=t("home.title", lc)),
        ActionsBlock(
            block_id="home_actions",
            elements=[
                button(t("home.log_feeling", lc), "home_log_feeling", style="primary"),
                button(t("home.log_touchpoint", lc), "home_log_touchpoint"),
                button(t("home.log_followup", lc), "home_log_followup"),
            ],
        ),
        DividerBlock(),
        HeaderBlock(text=t("home.prompts", lc)),
    ]
    if data.prompts:
        for p in data.prompts[:MAX_PROMPTS]:
            text = t(
                "home.prompt_line",
                lc,
                client=mrkdwn_escape(p.client_name),
                title=mrkdwn_escape(p.title),
                when=local_time(p.happened_at, data.tz),
            )
            blocks.append(section(text, button(t("home.answer", lc), "home_prompt_answer", str(p.prompt_id))))
        if len(data.prompts) > MAX_PROMPTS:
            blocks.append(context(t("home.more_prompts", lc, count=len(data.prompts) - MAX_PROMPTS)))
    else:
        blocks.append(context(t("home.no_prompts", lc)))
    blocks += [DividerBlock(), HeaderBlock(text=t("home.followups", lc))]
    if data.followups and data.now is not None:
        overdue = [f for f in data.followups if f.overdue(data.now)]
        for facts in (overdue + [f for f in data.followups if f not in overdue])[:MAX_FOLLOWUPS]:
            blocks.append(followup_view.item(facts, data.tz, lc, data.now))
        if len(data.followups) > MAX_FOLLOWUPS:
            blocks.append(context(t("home.more_followups", lc, count=len(data.followups) - MAX_FOLLOWUPS)))
    else:
        blocks.append(context(t("home.no_followups", lc)))
    blocks += [DividerBlock(), HeaderBlock(text=t("home.waiting", lc))]
    if data.waiting and data.now is not None:
        for wait in data.waiting[:MAX_WAITING]:
            blocks.append(quiet_view.item(wait, data.now, data.tz, data.hours or WorkingHours(), lc))
        if len(data.waiting) > MAX_WAITING:
            blocks.append(context(t("home.more_waiting", lc, count=len(data.waiting) - MAX_WAITING)))
    else:
        blocks.append(context(t("home.no_waiting", lc)))
    blocks += [DividerBlock(), HeaderBlock(text=t("home.clients", lc))]
    if data.clients:
        for c in data.clients[:MAX_CLIENTS]:
            last = (
                t(
                    "home.last_feeling",
                    lc,
                    face=face_label(c.last_score),
                    when=local_time(c.last_at, data.tz, "%d %b"),
                )
                if c.last_score and c.last_at
                else t("home.no_feeling", lc)
            )
            line = t(
                "home.client_line",
                lc,
                client=mrkdwn_escape(c.name),
                role=t(f"role.{c.role}", lc),
                last=last,
                spark=sparkline(c.weekly),
                trend=TREND_ARROWS[c.trend],
            )
            if c.health is not None and c.health.checkins:
                line += "\n" + t(
                    "home.client_health",
                    lc,
                    health=health_view.line(c.health, lc),
                    reasons=health_view.reasons(c.health, lc),
                )
            blocks.append(
                section(line, button(t("home.log_for_client", lc), "home_client_feeling", str(c.client_id)))
            )
        if len(data.clients) > MAX_CLIENTS:
            blocks.append(context(t("home.more_clients", lc, count=len(data.clients) - MAX_CLIENTS)))
        blocks.append(context(t("home.spark_legend", lc)))
    else:
        blocks.append(context(t("home.no_clients" if data.team_has_clients else "home.no_clients_team", lc)))
    if data.hours is not None:
        settings = t(
            "home.settings",
            lc,
            hours=data.hours.describe(),
            zone=mrkdwn_escape(data.tz or "UTC"),
            intensity=t(f"intensity.{data.intensity}", lc).lower(),
        )
        blocks += [
            DividerBlock(),
            section(settings, button(t("settings.change_button", lc), settings_view.CHANGE)),
        ]
    return View(type="home", blocks=blocks).to_dict()
