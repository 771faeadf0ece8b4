"""Clients: `/rapport client NAME` (the card), `/rapport clients` (the list), and the client picker."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.domain.problem import Problem
from bot.listeners.common import acting, deps_of
from bot.services import clients, followups, quiet
from bot.services.staff import working_hours
from bot.views import clients as clients_view


def register(app: App) -> None:
    app.options("client_select")(client_options)
    app.action("client_select")(client_picked)


def rapport_client(
    ack: Ack, text: str, command: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    deps = deps_of(context)
    with acting(context) as (session, staff):
        now = deps.now()
        found = clients.look_up(session, staff.team_id, text, now)
        if isinstance(found, Problem):
            ack(**clients_view.not_found(found, staff.locale))
        else:
            owed = followups.open_for_client(session, staff.team_id, found.client.id)
            waiting = quiet.open_for_client(session, staff.team_id, found.client.id)
            card = clients_view.card(
                found, staff.tz, staff.locale, owed=owed, waiting=waiting, hours=working_hours(staff), now=now
            )
            ack(**card)


def rapport_clients(
    ack: Ack, text: str, command: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    deps = deps_of(context)
    with deps.db.session() as session:
        found = clients.listing(session, context.team_id or "")
    ack(**clients_view.listing(found, None))


def client_options(ack: Ack, payload: dict[str, Any], context: BoltContext) -> None:
    """Type-ahead for the client pickers: names and aliases that start so, exact ones first."""
    deps = deps_of(context)
    with deps.db.session() as session:
        found = clients.options(session, context.team_id or "", payload.get("value") or "")
    ack(options=clients_view.options(found))


def client_picked(ack: Ack) -> None:
    # Picking a client inside a form needs no answer beyond the ack.
    ack()
