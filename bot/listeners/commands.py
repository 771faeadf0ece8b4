"""Slash commands: /feeling and /rapport."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.deps import Deps
from bot.domain.matching import MatchKind
from bot.domain.text import unescape_slack
from bot.listeners.common import open_view, reply, run_logged
from bot.messages import t
from bot.services import checkins, clients, touchpoints
from bot.services.staff import ensure_staff
from bot.views import clients as clients_view
from bot.views import feeling as feeling_view
from bot.views import help as help_view
from bot.views import touchpoint as touchpoint_view
from bot.views.common import mrkdwn_escape


def register(app: App, deps: Deps) -> None:
    def feeling(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        """Log at once when everything is there; otherwise ack and leave the form to `open_form`."""
        team_id, user_id = context.team_id or "", context.user_id or ""
        text = unescape_slack(command.get("text") or "")
        checkin_id: int | None = None
        with deps.db.session() as session:
            staff = ensure_staff(session, team_id, user_id)
            locale = staff.locale
            result = checkins.interpret(session, team_id, text)
            draft = result.draft
            if result.ready:
                checkin_id = checkins.log(session, team_id, staff.id, draft, source="command", now=deps.now())
        if checkin_id is not None and draft.score is not None:
            name = draft.client_name or ""
            confirmation = feeling_view.logged(name, draft.score, checkin_id, draft.note, locale)
            ack(response_type="ephemeral", **confirmation)
            return
        problem = result.problem
        notice = t(problem.key, locale, **problem.values) if problem else None
        ack()
        pending = PendingForm("feeling", result.draft, notice, locale, text)
        deps.background.submit(run_logged, open_form, pending, command, context.client)

    def rapport(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        team_id, user_id = context.team_id or "", context.user_id or ""
        text = unescape_slack(command.get("text") or "").strip()
        word, _, rest = text.partition(" ")
        word = word.lower()
        rest = rest.strip()
        if word in ("", "help", "?"):
            ack(**help_view.help_message(None))
        elif word in ("touchpoint", "tp"):
            pending = _touchpoint(deps, ack, team_id, user_id, rest)
            if pending is not None:
                deps.background.submit(run_logged, open_form, pending, command, context.client)
        elif word == "client":
            ack(**_client_card(deps, team_id, user_id, rest))
        elif word == "clients":
            ack(**_clients(deps, team_id))
        else:
            ack(**help_view.help_message(None, unknown=word))

    def open_form(pending: PendingForm, command: dict[str, Any], client: WebClient) -> None:
        """After the ack: open the form the command asked for, pre-filled with what was typed."""
        response_url = command.get("response_url")
        if pending.kind == "feeling":
            view = feeling_view.modal(
                pending.draft,
                feeling_view.ModalContext(response_url=response_url),
                notice=pending.notice,
                locale=pending.locale,
            )
        else:
            view = touchpoint_view.modal(
                pending.draft,
                deps.now(),
                notice=pending.notice,
                response_url=response_url,
                locale=pending.locale,
            )
        if not open_view(client, command.get("trigger_id"), view):
            text = pending.text or "—"
            key = "feeling.no_trigger" if pending.kind == "feeling" else "touchpoint.no_trigger"
            reply(response_url, {"text": t(key, pending.locale, text=text)})

    app.command("/feeling")(feeling)
    app.command("/rapport")(rapport)


@dataclass(frozen=True)
class PendingForm:
    """A form to open after the ack, and what to pre-fill it with."""

    kind: str
    draft: Any
    notice: str | None
    locale: str | None
    text: str


def _touchpoint(deps: Deps, ack: Ack, team_id: str, user_id: str, text: str) -> PendingForm | None:
    now = deps.now()
    with deps.db.session() as session:
        staff = ensure_staff(session, team_id, user_id)
        locale = staff.locale
        draft, problem = touchpoints.interpret(session, team_id, text)
        if problem is None and draft.client_id is not None:
            tp, _ = touchpoints.record(
                session,
                deps.settings,
                team_id=team_id,
                staff=staff,
                client_id=draft.client_id,
                kind=draft.kind,
                title=draft.title,
                happened_at=now,
                now=now,
            )
            message = t(
                "touchpoint.logged",
                locale,
                kind=t(f"kind.{tp.kind}", locale).lower(),
                title=mrkdwn_escape(tp.title),
                client=mrkdwn_escape(draft.client_name or ""),
                when="",
            )
    if problem is None and draft.client_id is not None:
        ack(response_type="ephemeral", text=message)
        return None
    ack()
    notice = t(problem.key, locale, **problem.values) if problem else None
    return PendingForm("touchpoint", draft, notice, locale, text)


def _client_card(deps: Deps, team_id: str, user_id: str, query: str) -> dict[str, Any]:
    with deps.db.session() as session:
        staff = ensure_staff(session, team_id, user_id)
        locale = staff.locale
        if not query:
            return {"response_type": "ephemeral", "text": t("card.usage", locale)}
        match = clients.resolve(session, team_id, query)
        if match.client_id is None:
            if match.kind == MatchKind.AMBIGUOUS:
                names = match.names()
                return {
                    "response_type": "ephemeral",
                    "text": t("card.ambiguous", locale, query=query, names=names),
                }
            return {"response_type": "ephemeral", "text": t("card.unknown", locale, query=query)}
        found = clients.card(session, team_id, match.client_id, deps.now())
        assert found is not None
        return clients_view.card(found, staff.tz, locale)


def _clients(deps: Deps, team_id: str) -> dict[str, Any]:
    with deps.db.session() as session:
        found = clients.listing(session, team_id)
    return clients_view.listing(found, None)
