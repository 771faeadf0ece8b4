"""What a staff member's App Home shows: their clients, how they felt lately, open prompts, and the
follow-ups they owe, and the contacts they are waiting on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.domain import intensity
from bot.domain.feelings import Trend, trend, weekly_averages
from bot.domain.health import Health
from bot.domain.hours import WorkingHours
from bot.services import followups, health, owners, quiet
from bot.services.staff import StaffRef, working_hours
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
    health: Health | None = None


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
    followups: list[followups.FollowUpFacts] = field(default_factory=list)  # overdue, then this week
    now: datetime | None = None
    waiting: list[quiet.WaitFacts] = field(default_factory=list)  # outreaches awaiting an answer
    hours: WorkingHours | None = None  # when Rapport may message them (`/rapport settings`)
    intensity: str = intensity.DEFAULT


def build(session: Session, team_id: str, staff: StaffRef, now: datetime, weeks: int = 8) -> HomeData:
    mine = owners.clients_of(session, team_id, staff.id)
    points = queries.checkin_points(session, team_id, [c.id for c in mine], now - timedelta(weeks=weeks))
    scores = health.for_clients(session, team_id, now, [c.id for c in mine])
    rows: list[HomeClient] = []
    for client in mine:
        role = owners.role_of(client, staff.id) or "backup"
        history = sorted(points.get(client.id, []))
        weekly = weekly_averages(history, now, weeks=weeks)
        last_at, last_score = history[-1] if history else (None, None)
        scored = scores.get(client.id)
        rows.append(
            HomeClient(
                client.id,
                client.name,
                role,
                last_score,
                last_at,
                weekly,
                trend(weekly),
                scored.health if scored is not None else None,
            )
        )
    pending = [
        HomePrompt(p.id, p.client.name, p.touchpoint.title, p.touchpoint.happened_at)
        for p in queries.pending_prompts(session, team_id, staff.id)
    ]
    soon = now + FOLLOWUPS_AHEAD
    mine_open = [f for f in followups.open_of(session, staff) if f.due_at <= soon]
    return HomeData(
        rows,
        pending,
        staff.tz,
        staff.locale,
        queries.has_clients(session, team_id),
        mine_open,
        now,
        quiet.waiting_on(session, staff),
        working_hours(staff),
        intensity.known(staff.intensity),
    )


FOLLOWUPS_AHEAD = timedelta(days=7)  # the Home tab shows follow-ups overdue or due within a week
