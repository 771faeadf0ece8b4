"""A quarter of the demo agency, to see whether the digest warns in time: some clients slowly sour
(feelings drift down, expectations are missed, a contact stops answering), the others hold steady
or recover. Each Monday the real digest (`bot.services.digest.build`) is read as of 09:00 in
Amsterdam; the digest should name each souring client at risk at least two weeks before its weekly
average feeling first falls below 2.5, and never name a steady client.

The agency, its clients and their moods come from `demo.agency`, as in the demo; the weeks are
written to the database directly (touchpoints, check-ins, outreaches), a few a client a week, so
a quarter takes a second or two, and several seeds can be run.
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.domain.text import normalize
from bot.services import digest
from demo.agency import STAFF, DemoClient, make_agency
from storage.db import Database
from storage.models import CheckIn, Client, Contact, Staff, Touchpoint, Wait, Workspace

TEAM = "T0QUARTER"
WEEKS = 13
FIRST_MONDAY = datetime(2026, 8, 31, 7, 0, tzinfo=UTC)  # 09:00 in Amsterdam
WARNING_WEEKS = 2  # the digest must name a souring client this long before it falls below 2.5
LOW = 2.5


@dataclass
class Story:
    """One client's quarter as the digest told it."""

    name: str
    kind: str  # souring, steady or recovering
    weekly: list[float | None] = field(default_factory=list)  # its average each week
    named: list[int] = field(default_factory=list)  # the weeks (1-based) the digest named it at risk

    @property
    def fell(self) -> int | None:
        """The first week its weekly average was below 2.5."""
        return next((n + 1 for n, v in enumerate(self.weekly) if v is not None and v < LOW), None)

    @property
    def warned(self) -> int | None:
        """The first week the digest named it at risk, up to the week it fell."""
        return self.named[0] if self.named else None

    @property
    def lead(self) -> int | None:
        """Weeks between the first warning and the fall (None: it never fell, or was never named)."""
        if self.fell is None or self.warned is None:
            return None
        return self.fell - self.warned


@dataclass
class Quarter:
    seed: int
    stories: list[Story]

    @property
    def souring(self) -> list[Story]:
        return [s for s in self.stories if s.kind == "souring"]

    @property
    def false_alarms(self) -> list[tuple[str, int]]:
        return [(s.name, week) for s in self.stories if s.kind == "steady" for week in s.named]

    @property
    def in_time(self) -> bool:
        return all(s.lead is not None and s.lead >= WARNING_WEEKS for s in self.souring if s.fell is not None)

    @property
    def ok(self) -> bool:
        return self.in_time and not self.false_alarms and all(s.fell is not None for s in self.souring)

    def lines(self) -> list[str]:
        out = []
        for s in self.souring:
            if s.fell is None:
                out.append(f"{s.name} (souring) never fell below {LOW}")
            elif s.warned is None:
                out.append(f"{s.name} (souring) fell below {LOW} in week {s.fell}, never named at risk")
            else:
                ahead = "1 week's" if s.lead == 1 else f"{s.lead} weeks'"
                out.append(
                    f"{s.name} (souring): named at risk in week {s.warned}, below {LOW} in week {s.fell}: "
                    f"{ahead} warning"
                )
        alarms = self.false_alarms
        out.append(
            "false alarms: none"
            if not alarms
            else "false alarms: " + ", ".join(f"{name} in week {week}" for name, week in alarms)
        )
        return out


def run(seed: int, weeks: int = WEEKS, workdir: Path | None = None) -> Quarter:
    rng = random.Random(seed)
    clients, souring, improving = make_agency(rng, FIRST_MONDAY)
    # Some clients sour: the demo's one, and a second retainer or project that starts content.
    others = [c for c in clients if c not in (souring, improving) and c.template.segment != "internal"]
    second = rng.choice(others)
    second.mood_from, second.mood_to = rng.uniform(4.0, 4.5), rng.uniform(1.4, 1.8)
    sour = [souring.name, second.name]  # a list: the draws below in the same order every run
    with tempfile.TemporaryDirectory(prefix="rapport-quarter-", dir=workdir) as tmp:
        db = Database(f"sqlite:///{tmp}/quarter.db")
        db.upgrade()
        ids = _agency(db, clients)
        stories = {
            c.name: Story(
                c.name, "souring" if c.name in sour else "recovering" if c is improving else "steady"
            )
            for c in clients
        }
        quiet_from = {name: FIRST_MONDAY + timedelta(weeks=rng.randint(3, 5)) for name in sour}
        for week in range(weeks):
            start = FIRST_MONDAY + timedelta(weeks=week)
            monday = start + timedelta(weeks=1)
            _a_week(db, rng, clients, ids, start, weeks, quiet_from, stories)
            with db.session() as session:
                told = digest.build(session, TEAM, monday, "Europe/Amsterdam")
            for risk in told.at_risk:
                stories[risk.name].named.append(week + 1)
        db.dispose()
    return Quarter(seed, list(stories.values()))


def _agency(db: Database, clients: list[DemoClient]) -> dict[str, int]:
    with db.session() as session:
        session.add(Workspace(team_id=TEAM, settings={}))
        people = {}
        for p in STAFF:
            row = Staff(team_id=TEAM, slack_user_id=p.uid, email=p.email, name=p.name, tz=p.tz)
            session.add(row)
            people[p.uid] = row
        session.flush()
        ids = {}
        for c in clients:
            client = Client(
                team_id=TEAM,
                name=c.name,
                name_key=normalize(c.name),
                segment=c.template.segment,
                renewal_date=c.renewal,
                lead_id=people[c.lead.uid].id,
                partner_id=people[c.partner.uid].id if c.partner else None,
                backup_id=people[c.backup.uid].id if c.backup else None,
            )
            session.add(client)
            session.flush()
            for contact_name, email in c.template.contacts:
                session.add(Contact(team_id=TEAM, client_id=client.id, name=contact_name, email=email))
            ids[c.name] = client.id
        return ids


def _mood(client: DemoClient, at: datetime, weeks: int) -> float:
    progress = min(1.0, max(0.0, (at - FIRST_MONDAY) / timedelta(weeks=weeks)))
    return client.mood_from + (client.mood_to - client.mood_from) * progress


def _expectation(rng: random.Random, score: int, souring: bool) -> str:
    """Whether the check-in said expectations were missed: mostly when the feeling is low, and, for a
    client that is souring, already at a 3 or a 4 (the work is missing what they wanted)."""
    chances = {1: 0.9, 2: 0.8, 3: 0.5, 4: 0.15} if souring else {1: 0.7, 2: 0.5, 3: 0.05, 4: 0.01}
    return "below" if rng.random() < chances.get(score, 0.0) else "met"


def _a_week(
    db: Database,
    rng: random.Random,
    clients: list[DemoClient],
    ids: dict[str, int],
    start: datetime,
    weeks: int,
    quiet_from: dict[str, datetime],
    stories: dict[str, Story],
) -> None:
    amsterdam = ZoneInfo("Europe/Amsterdam")
    with db.session() as session:
        staff = {s.slack_user_id: s.id for s in session.query(Staff).filter_by(team_id=TEAM)}
        for c in clients:
            scores: list[int] = []
            # Touchpoints this week, most with a feeling; as in the demo, a client whose mood is moving
            # is talked to more (staff pick it three times as often).
            moving = stories[c.name].kind != "steady"
            for _ in range(rng.choice((5, 6, 8, 9) if moving else (2, 3, 3, 4))):
                day = rng.randrange(5)
                local = (start.astimezone(amsterdam) + timedelta(days=day)).replace(
                    hour=rng.randrange(9, 17), minute=rng.randrange(0, 60, 5)
                )
                at = local.astimezone(UTC)
                person = rng.choice(c.owners())
                touchpoint = Touchpoint(
                    team_id=TEAM,
                    client_id=ids[c.name],
                    staff_id=staff[person.uid],
                    kind="meeting",
                    title="weekly call",
                    happened_at=at,
                    direction="both",
                )
                session.add(touchpoint)
                session.flush()
                if rng.random() < 0.85:
                    score = min(5, max(1, round(_mood(c, at, weeks) + rng.gauss(0, 0.45))))
                    scores.append(score)
                    session.add(
                        CheckIn(
                            team_id=TEAM,
                            client_id=ids[c.name],
                            staff_id=staff[person.uid],
                            touchpoint_id=touchpoint.id,
                            score=score,
                            expectation=_expectation(rng, score, stories[c.name].kind == "souring"),
                            created_at=at + timedelta(minutes=20),
                            source="prompt",
                        )
                    )
            stories[c.name].weekly.append(sum(scores) / len(scores) if scores else None)
            began = quiet_from.get(c.name)
            if began is not None and start <= began < start + timedelta(weeks=1):
                contact = session.query(Contact).filter_by(client_id=ids[c.name]).first()
                session.add(
                    Wait(
                        team_id=TEAM,
                        client_id=ids[c.name],
                        contact_id=contact.id if contact else None,
                        staff_id=staff[c.lead.uid],
                        about="the renewal terms",
                        channel="email",
                        since=began,
                        last_outreach_at=began,
                    )
                )


def main(argv: list[str] | None = None) -> int:
    """`python -m demo.quarter [FIRST [LAST]]`: the quarter for each seed, and the totals."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m demo.quarter",
        description="Simulate a quarter of the demo agency for each seed (two clients sour) and say "
        "whether the weekly digest named them at risk in time, and any steady client it named.",
    )
    parser.add_argument("first", nargs="?", type=int, help="the first seed (none given: seeds 1 to 10)")
    parser.add_argument("last", nargs="?", type=int, help="the last seed (default: the first)")
    args = parser.parse_args(argv)
    first = 1 if args.first is None else args.first
    last = 10 if args.first is None else args.first if args.last is None else args.last
    if last < first:
        parser.error(f"the last seed ({last}) comes before the first ({first})")
    warned = souring = alarms = 0
    leads: list[int] = []
    for seed in range(first, last + 1):
        told = run(seed)
        print(f"seed {seed}: " + "; ".join(told.lines()))
        for story in told.souring:
            souring += 1
            if story.lead is not None and story.lead >= WARNING_WEEKS:
                warned += 1
                leads.append(story.lead)
        alarms += len(told.false_alarms)
    steady = sum(1 for _ in range(first, last + 1)) * 8
    middle = sorted(leads)[len(leads) // 2] if leads else None
    print(
        f"seeds {first}-{last}: {warned} of {souring} souring clients named {WARNING_WEEKS} weeks ahead "
        f"or more (median {middle} weeks); {alarms} false alarm{'' if alarms == 1 else 's'} in about "
        f"{steady} steady client-quarters"
    )
    return 0 if warned == souring and not alarms else 1


if __name__ == "__main__":
    raise SystemExit(main())
