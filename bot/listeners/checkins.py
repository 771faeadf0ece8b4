"""Logging how a client felt: `/feeling`, the feeling form, and the buttons that open it or undo one."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.domain.feelings import Expectation, is_bad
from bot.domain.text import unescape_slack
from bot.listeners.common import (
    acting,
    after_ack,
    button_value,
    deps_of,
    open_form,
    open_view,
    reply,
    run_logged,
    update_message,
    who,
)
from bot.listeners.followups import learn_zone
from bot.listeners.home import publish_home
from bot.services import checkins, clients, feeling_form, followups
from bot.services.staff import needs_profile, working_hours
from bot.views import common as common_view
from bot.views import feeling as feeling_view
from bot.views import followups as followup_view
from bot.views import prompt as prompt_view


def register(app: App) -> None:
    app.command("/feeling")(feeling_command)
    app.view(feeling_view.CALLBACK)(feeling_submitted)
    app.action("checkin_undo")(after_ack(undo_clicked))
    app.action("checkin_details")(after_ack(details_clicked))
    app.action("home_log_feeling")(after_ack(log_feeling_clicked))
    app.action("home_client_feeling")(after_ack(log_feeling_for_client_clicked))
    app.action("checkin_recovery")(after_ack(recovery_clicked))


def feeling_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """`/feeling acme 4 good kickoff` logs at once; with anything missing or unclear, the form opens."""
    deps = deps_of(context)
    text = unescape_slack(command.get("text") or "")
    checkin_id: int | None = None
    with acting(context) as (session, staff):
        locale = staff.locale
        result = checkins.interpret(session, staff.team_id, text)
        if result.ready:
            checkin_id = checkins.log(
                session, staff.team_id, staff.id, result.draft, source="command", now=deps.now()
            )
    draft = result.draft
    if checkin_id is not None and draft.score is not None:
        recovery = is_bad(draft.score, None)
        confirmation = feeling_view.logged(
            draft.client_name or "", draft.score, checkin_id, draft.note, locale, recovery=recovery
        )
        ack(response_type="ephemeral", **confirmation)
        return
    ack()
    notice = common_view.notice(result.problem, locale)
    ctx = feeling_view.ModalContext(response_url=command.get("response_url"))
    form = partial(feeling_view.modal, draft, ctx, notice=notice, locale=locale)
    deps.background.submit(
        run_logged, open_form, deps, client, command, form, feeling_view.no_form(text, locale)
    )


@dataclass(frozen=True)
class AfterSubmit:
    """What to tell the person once the form has closed."""

    update: tuple[str, str, dict[str, Any]] | None = None  # redraw this message (a prompt DM)
    reply: tuple[str, dict[str, Any], bool] | None = None  # answer where the command was typed
    home: bool = False  # refresh their Home tab


def feeling_submitted(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Errors go back into the form; a good form is saved, then the person is told where they were."""
    deps = deps_of(context)
    ctx = feeling_view.context_of(view.get("private_metadata"))
    with acting(context) as (session, staff):
        locale = staff.locale
        values = common_view.submitted(view)
        draft, errors = feeling_view.read(values, locale)
        promise, promise_errors = feeling_view.read_promise(
            values, staff.tz, working_hours(staff), deps.now(), locale
        )
        errors.update(promise_errors)
        if draft.client_id is None and ctx.prompt_id is None and ctx.checkin_id is None:
            errors.setdefault("client", feeling_view.no_client(locale))  # nothing says which client
        if draft.client_id is not None and not clients.exists(session, staff.team_id, draft.client_id):
            errors["client"] = common_view.client_gone(locale)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        saved = feeling_form.save(
            session,
            staff.team_id,
            staff,
            draft,
            prompt_id=ctx.prompt_id,
            checkin_id=ctx.checkin_id,
            now=deps.now(),
            followup=promise,
        )
        noted = None
        if saved.followup is not None:
            noted = followup_view.recorded(saved.followup, staff.tz, locale, deps.now())
    after = AfterSubmit(home=True)
    if ctx.prompt_id is not None:
        # The live DM for this prompt, wherever the form was opened from (the DM, or Home).
        channel, ts = saved.prompt_message[0] or ctx.channel, saved.prompt_message[1] or ctx.ts
        if saved.prompt and saved.checkin_id is not None and draft.score is not None and channel and ts:
            bad = is_bad(draft.score, Expectation(draft.expectation) if draft.expectation else None)
            answered = prompt_view.answered(
                saved.prompt, draft.score, saved.checkin_id, recovery=bad and noted is None
            )
            if noted is not None:
                answered["blocks"].append(common_view.drawn(common_view.context, text=noted["text"]))
            after = AfterSubmit(update=(channel, ts, answered), home=not ctx.channel)
    elif ctx.response_url and draft.score is not None:
        text = feeling_view.saved(saved.client_name, draft.score, amended=saved.amended, locale=locale)
        if noted is not None:
            text = f"{text}\n{noted['text']}"
        after = AfterSubmit(reply=(ctx.response_url, {"text": text}, saved.amended))
    ack()
    deps.background.submit(run_logged, _confirm, after, client, context)
    if saved.followup is not None and needs_profile(staff, deps.now()):
        deps.background.submit(run_logged, learn_zone, deps, client, staff)


def _confirm(after: AfterSubmit, client: WebClient, context: BoltContext) -> None:
    """After the form closed: redraw the prompt DM, answer in the channel, or refresh Home."""
    if after.update is not None:
        channel, ts, payload = after.update
        update_message(client, channel, ts, payload)
    if after.reply is not None:
        url, payload, replace = after.reply
        reply(deps_of(context), url, payload, replace_original=replace)
    if after.home:
        team_id, user_id = who(context)
        publish_home(deps_of(context), client, team_id, user_id)


def undo_clicked(body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
    """Undo on the confirmation: the check-in is removed and the confirmation says so."""
    checkin_id, _ = button_value(action)
    with acting(context) as (session, staff):
        text = feeling_view.undone(checkins.undo(session, staff.team_id, staff, checkin_id), staff.locale)
    reply(deps_of(context), body.get("response_url"), {"text": text}, replace_original=True)


def details_clicked(
    body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """The "Add note / expectations" button on a logged check-in: the form, filled with it."""
    checkin_id, _ = button_value(action)
    with acting(context) as (session, staff):
        locale = staff.locale
        found = feeling_form.details(session, staff.team_id, staff, checkin_id)
    if found is None:
        reply(deps_of(context), body.get("response_url"), {"text": feeling_view.undone(None, locale)})
        return
    if found.prompt_id is not None:
        # Details for a prompt's answer: the DM is redrawn, not replaced by a bare line.
        ctx = feeling_view.ModalContext(
            prompt_id=found.prompt_id, fixed_client=f"{found.client_name}: {found.touchpoint_title}"
        )
    else:
        ctx = feeling_view.ModalContext(
            checkin_id=checkin_id, fixed_client=found.client_name, response_url=body.get("response_url")
        )
    open_view(client, body.get("trigger_id"), feeling_view.modal(found.draft, ctx, locale=locale))


def log_feeling_clicked(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """The Home tab's "Log a feeling": an empty form."""
    with acting(context) as (_, staff):
        locale = staff.locale
    view = feeling_view.modal(checkins.Draft(), feeling_view.ModalContext(), locale=locale)
    open_view(client, body.get("trigger_id"), view)


def log_feeling_for_client_clicked(
    body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """The "Log feeling" button beside a client (Home tab, client card): the form, that client chosen."""
    client_id, _ = button_value(action)
    with acting(context) as (session, staff):
        locale = staff.locale
        draft = checkins.draft_for_client(session, staff.team_id, client_id)
    ctx = feeling_view.ModalContext(response_url=body.get("response_url"))
    open_view(client, body.get("trigger_id"), feeling_view.modal(draft, ctx, locale=locale))


def recovery_clicked(
    body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """ "Add a recovery step" after a bad check-in: the follow-up form for that client, linked to it."""
    deps = deps_of(context)
    checkin_id, _ = button_value(action)
    with acting(context) as (session, staff):
        draft = checkins.draft_for_checkin_client(session, staff, checkin_id)
    if draft is None:
        return
    form = followup_view.modal(
        followups.Draft(client_id=draft.client_id, client_name=draft.client_name),
        deps.now(),
        staff.tz,
        notice=followup_view.recovery_notice(staff.locale),
        response_url=body.get("response_url"),
        checkin_id=checkin_id,
        locale=staff.locale,
    )
    open_view(client, body.get("trigger_id"), form)
