"""Rows for tests, made through the models (the import has its own tests)."""

from __future__ import annotations

from bot.domain.text import normalize
from storage.db import Database
from storage.models import Client, ClientAlias, Staff, Workspace


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
