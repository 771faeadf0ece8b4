"""Client health read from the database: check-ins per week, quiet contacts, overdue promises, the
last touchpoint, the segment's contact window and the workspace's weights; through the app, the
client card shows the score, its band and its reasons. The clock starts Tuesday 24 Nov 2026."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from bot.services import health, quiet
from storage.models import CheckIn, Client, FeelingWeek, FollowUp, Staff, Wait
from tests.factories import USER, add_client

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def checkins(db, client_id: int, scores: list[int], *, every: int = 7, below: int = 0, team: str = "T0001"):
    """Check-ins `every` days apart ending yesterday, oldest first; the last `below` said "below"."""
    with db.session() as session:
        for n, score in enumerate(scores):
            age = (len(scores) - n) * every - every + 1
            session.add(
                CheckIn(
                    team_id=team,
                    client_id=client_id,
                    score=score,
                    expectation="below" if n >= len(scores) - below else "met",
                    created_at=NOW - timedelta(days=age),
                    source="command",
                )
            )


def scored(db, client_id: int, now: datetime = NOW):
    with db.session() as session:
        found = health.of_client(session, "T0001", client_id, now)
        assert found is not None
        return found.health


def test_a_steady_happy_client_is_green(db):
    acme = add_client(db, "Acme", lead=USER)
    checkins(db, acme, [4, 5, 4, 4, 5, 4, 4, 4], every=7)
    h = scored(db, acme)
    assert h.band == "green" and not h.at_risk and h.checkins == 8


def test_a_souring_client_with_a_quiet_contact_and_a_late_promise_is_at_risk_and_says_why(db):
    acme = add_client(db, "Acme", lead=USER)
    checkins(db, acme, [5, 4, 4, 4, 3, 3, 3, 2, 2, 2, 2], every=6, below=3)
    with db.session() as session:
        client = session.get(Client, acme)
        lead = session.scalars(select(Staff).where(Staff.slack_user_id == USER)).one()
        session.add(
            Wait(
                team_id="T0001",
                client_id=acme,
                staff_id=lead.id,
                about="the quote",
                since=NOW - timedelta(days=14),
                last_outreach_at=NOW - timedelta(days=14),
                status="open",
            )
        )
        session.add(
            FollowUp(
                team_id="T0001",
                client_id=acme,
                owner_id=lead.id,
                what="send the revised plan",
                due_at=NOW - timedelta(days=4),
                created_at=NOW - timedelta(days=10),
            )
        )
        assert client is not None
    h = scored(db, acme)
    assert h.at_risk and h.band in ("amber", "red")
    parts = [r.part for r in h.reasons]
    assert "trend" in parts or "feeling" in parts
    assert len(parts) <= 3


def test_a_client_with_one_check_in_is_not_scored(db):
    acme = add_client(db, "Acme", lead=USER)
    checkins(db, acme, [2])
    h = scored(db, acme)
    assert h.score is None and h.band == "unknown"


def test_only_the_last_13_calendar_weeks_count(db):
    """The week now is in and the 12 before it: from Monday 31 Aug, on Tuesday 24 Nov."""
    acme = add_client(db, "Acme", lead=USER)
    checkins(db, acme, [1, 1, 1, 1], every=28)  # 1, 29, 57 and 85 days ago: Mon 31 Aug the oldest
    assert scored(db, acme).checkins == 4
    assert scored(db, acme, NOW + timedelta(days=5)).checkins == 4  # Sunday: the same weeks
    assert scored(db, acme, NOW + timedelta(days=6)).checkins == 3  # Monday: a new week, 31 Aug's gone


def test_a_check_in_changed_or_removed_changes_its_weeks_sums(db):
    acme = add_client(db, "Acme", lead=USER)
    checkins(db, acme, [4, 4, 4])
    with db.session() as session:
        newest = session.scalars(select(CheckIn).order_by(CheckIn.created_at.desc())).first()
        assert newest is not None
        newest.score, newest.expectation = 1, "below"
    h = scored(db, acme)
    assert h.checkins == 3 and any(r.part == "expectations" for r in h.reasons)
    with db.session() as session:
        session.delete(session.scalars(select(CheckIn).order_by(CheckIn.created_at.desc())).first())
    assert scored(db, acme).checkins == 2
    with db.session() as session:
        from storage import weeks

        kept = [(w.checkins, w.total, w.below) for w in session.scalars(select(FeelingWeek))]
        weeks.rebuild(session, "T0001")  # adding it all up again from the check-ins agrees
        assert sorted(kept) == sorted(
            (w.checkins, w.total, w.below) for w in session.scalars(select(FeelingWeek))
        )


def test_another_workspace_never_counts(db):
    acme = add_client(db, "Acme", lead=USER)
    other = add_client(db, "Acme", team="T0002", lead=USER)
    checkins(db, acme, [4, 4, 4])
    checkins(db, other, [1, 1, 1, 1, 1], team="T0002")
    assert scored(db, acme).band == "green"
    with db.session() as session:
        assert set(health.for_clients(session, "T0001", NOW)) == {acme}


def test_the_segments_contact_window_and_the_workspaces_weights_count(db):
    acme = add_client(db, "Acme", lead=USER, segment="retail")
    checkins(db, acme, [4, 4, 4, 4], every=10)  # the last 1 day ago, none since
    start = scored(db, acme, NOW + timedelta(days=12)).score  # 13 days without contact: fine for 14/30
    with db.session() as session:
        health.set_window(session, "T0001", "Retail", 3, 10)
    tighter = scored(db, acme, NOW + timedelta(days=12))
    assert tighter.score is not None and start is not None and tighter.score < start
    assert any(r.part == "contact" for r in tighter.reasons)
    with db.session() as session:
        assert health.set_weights(session, "T0001", {"contact": 0})["contact"] == 0
    assert scored(db, acme, NOW + timedelta(days=12)).score == start
    with db.session() as session:
        health.reset_weights(session, "T0001")
    assert scored(db, acme, NOW + timedelta(days=12)).score == tighter.score


def test_the_client_card_shows_the_score_band_and_reasons(rapport, db, clock):
    acme = add_client(db, "Acme", lead=USER)
    checkins(db, acme, [4, 4, 3, 3, 2, 2, 2, 1], every=7, below=3)
    clock.set(NOW)
    answer = rapport.slack.command("/rapport", "client acme", user=USER).json()
    shown = str(answer["blocks"])
    assert "*Health:*" in shown and "/100" in shown
    assert "below expectations" in shown or "feeling down" in shown.lower()


def test_the_card_says_when_there_is_too_little_data(rapport, db, clock):
    add_client(db, "Acme", lead=USER)
    clock.set(NOW)
    shown = str(rapport.slack.command("/rapport", "client acme", user=USER).json()["blocks"])
    assert "Not scored" in shown and "Not enough check-ins to score: 0 in 90 days" in shown


def test_a_silence_counts_in_the_working_days_of_whoever_hears_of_it_first(db):
    """No lead: the silence is counted in the days of whoever reached out, as the quiet-contact nudge
    counts it. Seven calendar days are seven working days for someone who works every day, five for
    the usual Monday to Friday."""
    acme = add_client(db, "Acme", lead=None)
    checkins(db, acme, [4, 4, 4])
    with db.session() as session:
        every_day = Staff(team_id="T0001", slack_user_id="U0EVERYDAY", tz="UTC", work_days="mon-sun")
        session.add(every_day)
        session.flush()
        session.add(
            Wait(
                team_id="T0001",
                client_id=acme,
                staff_id=every_day.id,
                since=NOW - timedelta(days=7),
                last_outreach_at=NOW - timedelta(days=7),
                status="open",
            )
        )
    with db.session() as session:
        found = health.of_client(session, "T0001", acme, NOW)
        assert found is not None
        assert [(q.who, q.working_days, q.after) for q in found.inputs.quiet] == [("Acme", 7, 5)]
        session.execute(update(Staff).where(Staff.slack_user_id == "U0EVERYDAY").values(work_days="mon-fri"))
        found = health.of_client(session, "T0001", acme, NOW)
        assert found is not None
        assert [q.working_days for q in found.inputs.quiet] == [5]


def test_the_client_and_segment_quiet_days_decide_when_a_silence_counts(db):
    acme = add_client(db, "Acme", lead=USER, segment="Retail")
    checkins(db, acme, [4, 4, 4])
    with db.session() as session:
        lead = session.scalars(select(Staff).where(Staff.slack_user_id == USER)).one()
        lead.tz, lead.work_days = "UTC", "mon-sun"
        since = NOW - timedelta(days=8)
        session.add(
            Wait(team_id="T0001", client_id=acme, staff_id=lead.id, since=since, last_outreach_at=since)
        )
    with db.session() as session:
        quiet.set_segment_days(session, "T0001", "retail", 9, NOW)
    with db.session() as session:
        found = health.of_client(session, "T0001", acme, NOW)
        assert found is not None and found.inputs.quiet == ()  # 8 working days of the segment's 9
        client = session.get(Client, acme)
        assert client is not None and quiet.quiet_days(session, client) == 9
        quiet.set_client_days(session, "T0001", acme, 8, NOW)
    with db.session() as session:
        found = health.of_client(session, "T0001", acme, NOW)
        assert found is not None
        assert [(q.working_days, q.after) for q in found.inputs.quiet] == [(8, 8)]


def test_contact_counts_a_check_in_only_within_the_widest_window(db):
    """The newest touchpoint or check-in within the widest contact window is the last contact; one
    older than that says "no touchpoint or check-in for more than 30 days"."""
    acme = add_client(db, "Acme", lead=USER)
    checkins(db, acme, [4, 4], every=20)  # 1 and 21 days ago
    with db.session() as session:
        found = health.of_client(session, "T0001", acme, NOW)
        assert found is not None and found.inputs.days_since_contact == 1
        found = health.of_client(session, "T0001", acme, NOW + timedelta(days=20))
        assert found is not None and found.inputs.days_since_contact == 21
        found = health.of_client(session, "T0001", acme, NOW + timedelta(days=40))
        assert found is not None and found.inputs.days_since_contact is None
        assert "contact_none" in {r.key.rsplit(".", 1)[-1] for r in found.health.reasons}
