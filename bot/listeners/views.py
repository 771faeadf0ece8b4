"""Modal submissions: validated with response_action "errors", saved, then confirmed where asked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.deps import Deps
from bot.listeners.common import publish_home, reply, run_logged, update_message
from bot.messages import t
from bot.services import checkins, prompts, touchpoints
from bot.services.staff import ensure_staff
from bot.views import feeling as feeling_view
from bot.views import prompt as prompt_view
from bot.views import touchpoint as touchpoint_view
from bot.views.common import face_label, local_time, mrkdwn_escape
from storage import queries


def register(app: App, deps: Deps) -> None:
    def feeling_submitted(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
        team_id, user_id = context.team_id or "", context.user_id or ""
        ctx = feeling_view.context_of(view.get("private_metadata"))
        now = deps.now()
        with deps.db.session() as session:
            staff = ensure_staff(session, team_id, user_id)
            locale = staff.locale
            draft, errors = feeling_view.read(view["state"]["values"], locale)
            chosen = None if draft.client_id is None else queries.client(session, team_id, draft.client_id)
            if draft.client_id is not None and chosen is None:
                errors["client"] = t("modal.feeling.error.gone", locale)
            if errors:
                ack(response_action="errors", errors=errors)
                return
            prompt_payload = None
            target: tuple[str | None, str | None] = (ctx.channel, ctx.ts)
            if ctx.prompt_id is not None:
                outcome = prompts.answer(session, team_id, staff, ctx.prompt_id, draft, now)
                if outcome is not None and not outcome.changed and outcome.prompt.checkin_id:
                    checkin = checkins.amend(session, team_id, staff, outcome.prompt.checkin_id, draft)
                    checkin_id = checkin.id if checkin else None
                else:
                    checkin_id = outcome.checkin_id if outcome else None
                if outcome is not None:
                    # The live DM for this prompt, wherever the form was opened from (DM, Home).
                    target = (outcome.prompt.channel_id or ctx.channel, outcome.prompt.message_ts or ctx.ts)
                facts = prompts.facts(session, team_id, ctx.prompt_id)
                if facts is not None and checkin_id is not None and draft.score is not None:
                    prompt_payload = prompt_view.answered(facts, draft.score, checkin_id)
                name = facts.client_name if facts else ""
            elif ctx.checkin_id is not None:
                amended = checkins.amend(session, team_id, staff, ctx.checkin_id, draft)
                name = amended.client.name if amended else ""
            else:
                checkins.log(session, team_id, staff.id, draft, source="modal", now=now)
                name = chosen.name if chosen is not None else ""
        if prompt_payload and target[0] and target[1]:
            after = AfterSubmit(update=(target[0], target[1], prompt_payload), home=not ctx.channel)
        elif ctx.response_url and draft.score is not None:
            key = "feeling.amended" if ctx.checkin_id else "feeling.logged"
            text = t(key, locale, face=face_label(draft.score), client=mrkdwn_escape(name))
            after = AfterSubmit(reply=(ctx.response_url, {"text": text}, bool(ctx.checkin_id)))
        else:
            after = AfterSubmit(home=True)
        ack()
        deps.background.submit(run_logged, confirm, after, context.client, team_id, user_id)

    def touchpoint_submitted(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
        team_id, user_id = context.team_id or "", context.user_id or ""
        meta = feeling_view.read_metadata(view.get("private_metadata"))
        now = deps.now()
        with deps.db.session() as session:
            staff = ensure_staff(session, team_id, user_id)
            locale = staff.locale
            fields, errors = touchpoint_view.read(view["state"]["values"], now, locale)
            client_id = fields["client_id"]
            if client_id is not None and queries.client(session, team_id, client_id) is None:
                errors["client"] = t("modal.feeling.error.gone", locale)
            if errors:
                ack(response_action="errors", errors=errors)
                return
            happened_at = fields["happened_at"]
            tp, prompt = touchpoints.record(
                session,
                deps.settings,
                team_id=team_id,
                staff=staff,
                client_id=client_id,
                kind=fields["kind"],
                title=fields["title"],
                happened_at=happened_at,
                now=now,
                permalink=meta.get("l"),
            )
            later = prompt is not None and prompt.due_at > now
            when = (
                t("touchpoint.logged_when_later", locale, when=local_time(prompt.due_at, staff.tz))
                if later and prompt
                else ""
            )
            text = t(
                "touchpoint.logged",
                locale,
                kind=t(f"kind.{tp.kind}", locale).lower(),
                title=mrkdwn_escape(tp.title),
                client=mrkdwn_escape(tp.client.name),
                when=when,
            )
        ack()
        after = (
            AfterSubmit(reply=(meta["r"], {"text": text}, False)) if meta.get("r") else AfterSubmit(home=True)
        )
        deps.background.submit(run_logged, confirm, after, context.client, team_id, user_id)

    def confirm(after: AfterSubmit, client: WebClient, team_id: str, user_id: str) -> None:
        """After the form closed: redraw the prompt DM, answer in the channel, or refresh Home."""
        if after.update is not None:
            channel, ts, payload = after.update
            update_message(client, {"container": {"channel_id": channel, "message_ts": ts}}, payload)
        if after.reply is not None:
            url, payload, replace = after.reply
            reply(url, payload, replace_original=replace)
        if after.home:
            publish_home(deps, client, team_id, user_id)

    app.view(feeling_view.CALLBACK)(feeling_submitted)
    app.view(touchpoint_view.CALLBACK)(touchpoint_submitted)


@dataclass(frozen=True)
class AfterSubmit:
    """What to tell the person once the form has closed."""

    update: tuple[str, str, dict[str, Any]] | None = None
    reply: tuple[str, dict[str, Any], bool] | None = None
    home: bool = False
