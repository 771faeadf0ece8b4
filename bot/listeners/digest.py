"""`/rapport digest`: anyone previews this week's digest; workspace owners and admins choose the
channel, weekday and time, post it now, stop it, and say whether coverage per person is shown.

Every answer is acked at once and given after the ack: previews read the whole workspace, and the
admin actions ask Slack who is an admin (users.info) and may join the channel.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.domain import periods, weekly
from bot.domain.problem import Problem
from bot.jobs import digest as digest_job
from bot.listeners.common import acting, deps_of, reply, run_logged
from bot.messages import t
from bot.services import digest, export
from bot.services.staff import StaffRef, refresh_profile, row
from bot.views import digest as digest_view
from bot.views import export as export_view
from bot.views.common import local_time
from storage.models import aware


def register(app: App) -> None:
    app.action(digest_view.EXPORT)(export_clicked)


def export_clicked(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """The digest's Export button: the workspace's last 12 weeks in Excel, in the person's DM (what
    `/rapport export` alone does); the answer only they see."""
    ack()
    deps = deps_of(context)
    now = deps.now()
    with acting(context) as (session, staff):
        lc = staff.locale
        zone = export.zone_for(session, staff, staff.team_id)
        asked = periods.read_export("", now.astimezone(export.zone_info(zone)).date())
        chosen = (
            export.choose(session, staff.team_id, asked, zone) if not isinstance(asked, Problem) else asked
        )
        if isinstance(chosen, Problem):
            answer = export_view.problem(chosen, lc)
        elif export.pending(session, staff):
            answer = export_view.busy(lc)
        else:
            export.request(session, staff, chosen, now)
            answer = export_view.preparing(chosen, lc)
    deps.background.submit(run_logged, reply, deps, body.get("response_url"), answer)


def rapport_digest(
    ack: Ack, text: str, command: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    deps = deps_of(context)
    ask = weekly.read(text)
    with acting(context) as (_, staff):
        pass
    lc = staff.locale
    if ask.action == "problem":
        usage = t("digest.usage", lc)
        key = ask.problem or "digest.bad_word"
        ack(response_type="ephemeral", text=t(key, lc, word=ask.word or "", time=ask.word or "", usage=usage))
        return
    ack()
    url = command.get("response_url")
    work = _preview if ask.action == "preview" else _as_admin
    deps.background.submit(run_logged, work, deps, client, staff, ask, url)


def _say(deps: Deps, url: str | None, text: str) -> None:
    reply(deps, url, {"response_type": "ephemeral", "text": text})


def _preview(deps: Deps, client: WebClient, staff: StaffRef, ask: weekly.Ask, url: str | None) -> None:
    now = deps.now()
    with deps.db.session() as session:
        schedule = digest.current(session, staff.team_id)
        built = digest.build(session, staff.team_id, now, schedule.tz if schedule else staff.tz)
        mine = next((p for p in built.by_person if p.user_id == staff.slack_user_id), None)
        where = _where(schedule, staff.locale)
    reply(deps, url, digest_view.preview(built, mine, where, staff.locale))


def _where(schedule: Any, lc: str | None) -> str:
    if schedule is None:
        return digest_view.where(None, "", "", None, None, lc)
    return digest_view.where(
        schedule.channel_id,
        digest.WEEKDAYS[schedule.weekday],
        schedule.at_time,
        schedule.tz,
        aware(schedule.next_at) if schedule.next_at else None,
        lc,
    )


def _as_admin(deps: Deps, client: WebClient, staff: StaffRef, ask: weekly.Ask, url: str | None) -> None:
    """Ask Slack whether the person is an owner or admin now, then do what they asked."""
    now = deps.now()
    lc = staff.locale
    with deps.db.session() as session:
        person = refresh_profile(session, client, row(session, staff), now)
        admin, zone, person_id = person.is_admin, person.tz, person.id
    if not admin:
        _say(deps, url, t("digest.admins_only", lc, what=t(f"digest.what.{_what(ask.action)}", lc)))
        return
    if ask.action == "set":
        _set(deps, client, staff, ask, url, zone, person_id)
    elif ask.action == "post":
        with deps.db.session() as session:
            schedule = digest.current(session, staff.team_id)
            if schedule is None:
                _say(deps, url, t("digest.no_channel", lc))
                return
            _, new = digest_job.enqueue(session, staff.team_id, schedule.channel_id, now, schedule.tz, now)
            week = digest.week_label(now, schedule.tz)
            channel = schedule.channel_id
        key = "digest.posting" if new else "digest.posted_already"
        _say(deps, url, t(key, lc, channel=channel, week=week))
    elif ask.action == "stop":
        with deps.db.session() as session:
            stopped = digest.stop(session, staff.team_id)
        if stopped is None:
            _say(deps, url, t("digest.not_running", lc))
        else:
            _say(deps, url, t("digest.stopped", lc, channel=stopped.channel_id))
    elif ask.action == "people":
        with deps.db.session() as session:
            digest.set_coverage_per_person(session, staff.team_id, bool(ask.on))
        _say(deps, url, t("digest.coverage_on" if ask.on else "digest.coverage_off", lc))


def _what(action: str) -> str:
    return {"set": "set", "post": "post", "stop": "stop", "people": "coverage"}.get(action, "set")


def _set(
    deps: Deps,
    client: WebClient,
    staff: StaffRef,
    ask: weekly.Ask,
    url: str | None,
    zone: str | None,
    person_id: int,
) -> None:
    """The channel: a public one Rapport joins itself; a private one it must be invited to."""
    lc = staff.locale
    channel = ask.channel_id or ""
    try:
        info = client.conversations_info(channel=channel)["channel"]
    except SlackApiError as error:
        if error.response.get("error") == "channel_not_found":
            _say(deps, url, t("digest.channel_unknown", lc))
        else:
            _say(
                deps, url, t("digest.channel_failed", lc, channel=channel, error=error.response.get("error"))
            )
        return
    name = info.get("name") or ask.channel_name or channel
    joined = False
    if not info.get("is_member"):
        if info.get("is_private"):
            _say(deps, url, t("digest.private", lc, channel=channel, name=name))
            return
        try:
            client.conversations_join(channel=channel)
            joined = True
        except SlackApiError as error:
            _say(
                deps, url, t("digest.channel_failed", lc, channel=channel, error=error.response.get("error"))
            )
            return
    weekday = ask.weekday if ask.weekday is not None else digest.DEFAULT_WEEKDAY
    at_time = ask.time or digest.DEFAULT_TIME
    now = deps.now()
    with deps.db.session() as session:
        schedule = digest.schedule(
            session,
            staff.team_id,
            channel_id=channel,
            channel_name=name,
            weekday=weekday,
            at_time=at_time,
            tz=zone,
            set_by=person_id,
            now=now,
        )
        first = aware(schedule.next_at) if schedule.next_at else now
    text = t(
        "digest.set",
        lc,
        channel=channel,
        weekday=digest.WEEKDAYS[weekday].capitalize(),
        time=at_time,
        tz=zone or "UTC",
        next=local_time(first, zone, "%a %d %b %H:%M"),
    )
    if joined:
        text = f"{text}\n{t('digest.set_joined', lc, channel=channel)}"
    _say(deps, url, text)
