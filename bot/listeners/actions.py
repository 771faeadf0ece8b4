"""Buttons: the DM prompt's faces and options, undo, and the Home tab's buttons."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.listeners.common import after_ack, int_value, open_view, reply, update_message
from bot.messages import t
from bot.services import checkins, prompts
from bot.services.staff import ensure_staff
from bot.services.touchpoints import TouchpointDraft
from bot.views import feeling as feeling_view
from bot.views import prompt as prompt_view
from bot.views import touchpoint as touchpoint_view
from bot.views.common import mrkdwn_escape
from bot.views.prompt import PromptFacts
from storage import queries
from storage.models import CheckIn, Staff


def register(app: App, deps: Deps) -> None:
    @after_ack(app.action(re.compile(r"^prompt_face_[1-5]$")), deps)
    def prompt_face(
        body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        score = int_value(action, 1)
        if score is None:
            return
        _settle_prompt(
            deps,
            client,
            body,
            context,
            int_value(action),
            lambda s, team, staff, pid: prompts.answer(
                s, team, staff, pid, checkins.Draft(score=score), deps.now()
            ),
            lambda facts, outcome: prompt_view.answered(facts, score, outcome.checkin_id or 0),
        )

    @after_ack(app.action("prompt_skip"), deps)
    def prompt_skip(
        body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        _settle_prompt(
            deps,
            client,
            body,
            context,
            int_value(action),
            lambda s, team, staff, pid: prompts.skip(s, team, staff, pid, deps.now()),
            lambda facts, _outcome: prompt_view.skipped(facts),
        )

    @after_ack(app.action("prompt_snooze"), deps)
    def prompt_snooze(
        body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        choice = str((action.get("selected_option") or {}).get("value") or "").partition(":")[2]
        _settle_prompt(
            deps,
            client,
            body,
            context,
            int_value(action),
            lambda s, team, staff, pid: prompts.snooze(s, team, staff, pid, choice, deps.now()),
            lambda facts, outcome: prompt_view.snoozed(facts, outcome.until or deps.now()),
        )

    @after_ack(app.action("prompt_undo"), deps)
    def prompt_undo(
        body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        _settle_prompt(
            deps,
            client,
            body,
            context,
            int_value(action),
            lambda s, team, staff, pid: prompts.reopen(s, team, staff, pid),
            lambda facts, _outcome: prompt_view.question(facts),
        )

    @after_ack(app.action("prompt_details"), deps)
    def prompt_details(
        body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        _open_prompt_modal(deps, client, body, context, int_value(action))

    @after_ack(app.action("home_prompt_answer"), deps)
    def home_prompt_answer(
        body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        _open_prompt_modal(deps, client, body, context, int_value(action))

    @after_ack(app.action("checkin_undo"), deps)
    def checkin_undo(body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
        checkin_id = int_value(action)
        team_id, user_id = context.team_id or "", context.user_id or ""
        with deps.db.session() as session:
            staff = ensure_staff(session, team_id, user_id)
            removed = checkins.undo(session, team_id, staff, checkin_id) if checkin_id else None
            text = (
                t("feeling.undone", staff.locale, client=mrkdwn_escape(removed.client.name))
                if removed
                else t("feeling.undo_gone", staff.locale)
            )
        reply(body.get("response_url"), {"text": text}, replace_original=True)

    @after_ack(app.action("checkin_details"), deps)
    def checkin_details(
        body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        checkin_id = int_value(action)
        team_id, user_id = context.team_id or "", context.user_id or ""
        with deps.db.session() as session:
            staff = ensure_staff(session, team_id, user_id)
            checkin = session.get(CheckIn, checkin_id) if checkin_id else None
            if checkin is None or checkin.team_id != team_id or checkin.staff_id != staff.id:
                reply(body.get("response_url"), {"text": t("feeling.undo_gone", staff.locale)})
                return
            draft = checkins.draft_for_checkin(checkin)
            prompt = prompts.answered_by(session, team_id, checkin.id)
            if prompt is not None:
                # Details for a prompt's answer: the DM is redrawn, not replaced by a bare line.
                ctx = feeling_view.ModalContext(
                    prompt_id=prompt.id, fixed_client=f"{checkin.client.name}: {prompt.touchpoint.title}"
                )
            else:
                ctx = feeling_view.ModalContext(
                    checkin_id=checkin.id,
                    fixed_client=checkin.client.name,
                    response_url=body.get("response_url"),
                )
            view = feeling_view.modal(draft, ctx, locale=staff.locale)
        open_view(client, body.get("trigger_id"), view)

    @after_ack(app.action("home_log_feeling"), deps)
    def home_log_feeling(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        with deps.db.session() as session:
            locale = ensure_staff(session, context.team_id or "", context.user_id or "").locale
        open_view(
            client,
            body.get("trigger_id"),
            feeling_view.modal(checkins.Draft(), feeling_view.ModalContext(), locale=locale),
        )

    @after_ack(app.action("home_client_feeling"), deps)
    def home_client_feeling(
        body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        team_id = context.team_id or ""
        client_id = int_value(action)
        with deps.db.session() as session:
            locale = ensure_staff(session, team_id, context.user_id or "").locale
            found = queries.client(session, team_id, client_id) if client_id else None
            draft = checkins.Draft(client_id=found.id, client_name=found.name) if found else checkins.Draft()
        ctx = feeling_view.ModalContext(response_url=body.get("response_url"))
        open_view(client, body.get("trigger_id"), feeling_view.modal(draft, ctx, locale=locale))

    @after_ack(app.action("home_log_touchpoint"), deps)
    def home_log_touchpoint(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        with deps.db.session() as session:
            locale = ensure_staff(session, context.team_id or "", context.user_id or "").locale
        open_view(
            client,
            body.get("trigger_id"),
            touchpoint_view.modal(TouchpointDraft(), deps.now(), locale=locale),
        )

    @app.action("client_select")
    def client_select(ack: Ack) -> None:
        # Picking a client inside a modal needs no answer beyond the ack.
        ack()


def _open_prompt_modal(
    deps: Deps, client: WebClient, body: dict[str, Any], context: BoltContext, prompt_id: int | None
) -> None:
    if prompt_id is None:
        return
    team_id, user_id = context.team_id or "", context.user_id or ""
    with deps.db.session() as session:
        staff = ensure_staff(session, team_id, user_id)
        facts = prompts.facts(session, team_id, prompt_id)
        if facts is None:
            return
        container = body.get("container") or {}
        in_message = container.get("type") == "message"
        ctx = feeling_view.ModalContext(
            prompt_id=prompt_id,
            fixed_client=f"{facts.client_name}: {facts.title}",
            channel=container.get("channel_id") if in_message else None,
            ts=container.get("message_ts") if in_message else None,
        )
        view = feeling_view.modal(checkins.Draft(prompt_id=prompt_id), ctx, locale=staff.locale)
    open_view(client, body.get("trigger_id"), view)


Change = Callable[[Session, str, Staff, int], "prompts.Outcome | None"]
Draw = Callable[[PromptFacts, "prompts.Outcome"], dict[str, Any]]


def _settle_prompt(
    deps: Deps,
    client: WebClient,
    body: dict[str, Any],
    context: BoltContext,
    prompt_id: int | None,
    change: Change,
    draw: Draw,
) -> None:
    """Apply a click to a prompt, then redraw its message; a stale click shows how it was settled."""
    if prompt_id is None:
        return
    team_id = context.team_id or ""
    with deps.db.session() as session:
        staff = ensure_staff(session, team_id, context.user_id or "")
        outcome = change(session, team_id, staff, prompt_id)
        facts = prompts.facts(session, team_id, prompt_id) if outcome else None
    if outcome is None or facts is None:
        return
    update_message(client, body, draw(facts, outcome) if outcome.changed else prompt_view.settled(facts))
