"""`/rapport export [PERIOD] [CLIENT or SEGMENT]`: an Excel file of the workspace's check-ins,
follow-ups and contacts, made by the clock process and sent to the person's DM."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.domain import periods
from bot.domain.problem import Problem
from bot.listeners.common import acting, deps_of, run_logged
from bot.listeners.followups import learn_zone
from bot.services import export, quiet
from bot.services.staff import needs_profile
from bot.views import export as export_view


def rapport_export(
    ack: Ack, text: str, command: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    deps = deps_of(context)
    now = deps.now()
    with acting(context) as (session, staff):
        lc = staff.locale
        zone = export.zone_for(session, staff, staff.team_id)
        asked = periods.read_export(text, now.astimezone(export.zone_info(zone)).date())
        if isinstance(asked, Problem):
            if asked.key == "export.problem.which_segment":
                asked = Problem(asked.key, {"segments": quiet.segments(session, staff.team_id)})
            ack(**export_view.problem(asked, lc))
            return
        chosen = export.choose(session, staff.team_id, asked, zone)
        if isinstance(chosen, Problem):
            ack(**export_view.problem(chosen, lc))
            return
        if export.pending(session, staff):
            ack(**export_view.busy(lc))
            return
        export.request(session, staff, chosen, now)
        ack(**export_view.preparing(chosen, lc))
    if needs_profile(staff, now):  # their zone from Slack, for the file's times (never waited for)
        deps.background.submit(run_logged, learn_zone, deps, client, staff)
