"""What a staff member's App Home shows: their clients, how they felt lately, open prompts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.domain.feelings import Trend, trend, weekly_averages
from bot.services import owners
from bot.services.staff import StaffRef
from storage import queries


@dataclass(frozen=True)
class HomeClient:
    client_id: int
    name: str
    role: str
    last_score: int | None
    last_at: datetime | None
    weekly: list[float | None]
    trend: Trend


@dataclass(frozen=True)
class HomePrompt:
    prompt_id: int
    client_name: str
    title: str
    happened_at: datetime


@dataclass(frozen=True)
class HomeData:
    clients: list[HomeClient]
    prompts: list[HomePrompt]
    tz: str | None
    locale: str | None
    team_has_clients: bool


def build(session: Session, team_id: str, staff: StaffRef, now: datetime, weeks: int = 8) -> HomeData:
    mine = owners.clients_of(session, team_id, staff.id)
    points = queries.checkin_points(session, team_id, [c.id for c in mine], now - timedelta(weeks=weeks))
    rows: list[HomeClient] = []
    for client in mine:
        role = owners.role_of(client, staff.id) or "backup"
        history = sorted(points.get(client.id, []))
        weekly = weekly_averages(history, now, weeks=weeks)
        last_at, last_score = history[-1] if history else (None, None)
        rows.append(HomeClient(client.id, client.name, role, last_score, last_at, weekly, trend(weekly)))
    pending = [
        HomePrompt(p.id, p.client.name, p.touchpoint.title, p.touchpoint.happened_at)
        for p in queries.pending_prompts(session, team_id, staff.id)
    ]
    return HomeData(rows, pending, staff.tz, staff.locale, queries.has_clients(session, team_id))
