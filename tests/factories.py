"""Rows for tests, made through the models (the import has its own tests), and small helpers that
drive the app as a person would."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.domain.text import normalize
from fakeslack import FakeSlack
from storage.db import Database
from storage.models import Client, ClientAlias, Prompt, Staff, Workspace


def add_client(
    db: Database,
    name: str,
    *,
    team: str = "T0001",
    aliases: tuple[str, ...] = (),
    lead: str | None = None,
    partner: str | None = None,
    segment: str | None = "retainer",
) -> int:
    with db.session() as session:
        if session.get(Workspace, team) is None:
            session.add(Workspace(team_id=team, settings={}))
            session.flush()

        def staff(user_id: str | None) -> int | None:
            if user_id is None:
                return None
            row = session.query(Staff).filter_by(team_id=team, slack_user_id=user_id).one_or_none()
            if row is None:
                row = Staff(team_id=team, slack_user_id=user_id)
                session.add(row)
                session.flush()
            return row.id

        client = Client(
            team_id=team,
            name=name,
            name_key=normalize(name),
            segment=segment,
            lead_id=staff(lead),
            partner_id=staff(partner),
        )
        client.aliases = [ClientAlias(team_id=team, alias=a, key=normalize(a)) for a in aliases]
        session.add(client)
        session.flush()
        return client.id


# --- driving the app -----------------------------------------------------------------------------

USER = "U01LEAD001"


def log_touchpoint(rapport: Any, db: Database, text: str = "acme call with Jan", user: str = USER) -> Any:
    """A client Acme led by `user`, and `/rapport touchpoint …` typed by them."""
    add_client(db, "Acme", lead=user)
    return rapport.slack.command("/rapport", f"touchpoint {text}", user=user)


def prompt_row(db: Database) -> Prompt:
    """The newest prompt."""
    with db.session() as session:
        prompt = session.scalars(select(Prompt).order_by(Prompt.id.desc())).first()
        assert prompt is not None
        return prompt


def dm(fake: FakeSlack, user: str = USER) -> list[dict[str, Any]]:
    """The messages in a person's DM with Rapport, as they are now."""
    return fake.messages(user)


def action(message: dict[str, Any], action_id: str) -> dict[str, Any]:
    """The element with this action id in a message's blocks."""
    for block in message["blocks"]:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return dict(element)
    raise AssertionError(f"no {action_id} in {message['blocks']}")
