"""The weekly digest job: posted once per channel and week at the workspace's moment, whatever the
number of clocks or restarts; what it says; and a workspace of 500 clients still within Slack's
limits. The clock starts Tuesday 24 Nov 2026, 10:00 in Amsterdam."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update

from bot import jobs
from bot.services import digest
from bot.views import digest as digest_view
from storage.models import CheckIn, Client, DigestSchedule, FollowUp, Staff, Touchpoint, Wait
from tests.factories import USER, add_client

CHANNEL = "C0HEALTH01"
MONDAY_NINE = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # 09:00 in Amsterdam


def scheduled(db, now: datetime) -> None:
    with db.session() as session:
        digest.schedule(
            session,
            "T0001",
            channel_id=CHANNEL,
            channel_name="client-health",
            weekday=0,
            at_time="09:00",
            tz="Europe/Amsterdam",
            set_by=None,
            now=now,
        )


def channel_posts(rapport) -> list[dict]:
    return [c.args for c in rapport.fake.calls_to("chat.postMessage") if c.args["channel"] == CHANNEL]


def feelings(
    db, client_id: int, scores: list[int], *, end: datetime, every_days: int = 3, below: int = 0
) -> None:
    with db.session() as session:
        for n, score in enumerate(reversed(scores)):
            session.add(
                CheckIn(
                    team_id="T0001",
                    client_id=client_id,
                    score=score,
                    expectation="below" if n < below else "met",
                    created_at=end - timedelta(days=1 + n * every_days),
                    source="command",
                )
            )


def test_the_digest_goes_at_the_workspaces_moment_once_whatever_the_clocks(rapport, db, clock):
    add_client(db, "Acme", lead=USER)
    rapport.fake.add_channel(CHANNEL, name="client-health")
    scheduled(db, clock.now)
    clock.set(MONDAY_NINE - timedelta(minutes=1))
    assert rapport.tick().get("digests_queued", 0) == 0
    clock.set(MONDAY_NINE)
    counts = jobs.tick(rapport.deps, MONDAY_NINE, worker="clock-a")
    assert counts["digests_queued"] == 1
    # A second clock that read the schedule before the first moved it: the week's key is taken.
    with db.session() as session:
        session.execute(update(DigestSchedule).values(next_at=MONDAY_NINE))
    assert jobs.tick(rapport.deps, MONDAY_NINE, worker="clock-b")["digests_queued"] == 0
    for _ in range(3):  # the clock restarts a few times
        rapport.tick()
    assert len([p for p in channel_posts(rapport) if "thread_ts" not in p]) == 1
    with db.session() as session:
        row = session.get(DigestSchedule, "T0001")
        assert row is not None and row.next_at == MONDAY_NINE + timedelta(days=7)
    # next week's goes next week
    clock.set(MONDAY_NINE + timedelta(days=7))
    rapport.tick()
    rapport.tick()
    assert len([p for p in channel_posts(rapport) if "thread_ts" not in p]) == 2


def test_a_clock_down_for_weeks_posts_the_missed_week_once_and_goes_on_from_now(rapport, db, clock):
    add_client(db, "Acme", lead=USER)
    rapport.fake.add_channel(CHANNEL, name="client-health")
    scheduled(db, clock.now)
    later = MONDAY_NINE + timedelta(days=17)  # Thursday, three weeks on
    clock.set(later)
    rapport.tick()
    assert len([p for p in channel_posts(rapport) if "thread_ts" not in p]) == 1
    with db.session() as session:
        row = session.get(DigestSchedule, "T0001")
        assert row is not None and row.next_at == datetime(2026, 12, 21, 8, 0, tzinfo=UTC)


def test_what_the_digest_says(rapport, db, clock):
    now = MONDAY_NINE
    souring = add_client(db, "Souring Co", lead=USER)
    steady = add_client(db, "Steady BV", lead=USER)
    add_client(db, "Gone Ltd", lead=USER)
    feelings(db, souring, [5, 5, 4, 4, 4, 3, 3, 3, 2, 2, 2, 2, 1, 1], end=now, every_days=5, below=5)
    feelings(db, steady, [4] * 13 + [5], end=now, every_days=5)  # the newest a 5
    with db.session() as session:
        lead = session.scalars(select(Staff).where(Staff.slack_user_id == USER)).one()
        lead.name = "Lena"
        session.add(
            Wait(
                team_id="T0001",
                client_id=souring,
                staff_id=lead.id,
                about="the renewal",
                since=now - timedelta(days=14),
                last_outreach_at=now - timedelta(days=14),
            )
        )
        session.add(
            FollowUp(
                team_id="T0001",
                client_id=souring,
                owner_id=lead.id,
                what="send the revised plan",
                due_at=now - timedelta(days=3),
                created_at=now - timedelta(days=9),
            )
        )
        tp = Touchpoint(
            team_id="T0001",
            client_id=steady,
            staff_id=lead.id,
            title="call",
            happened_at=now - timedelta(days=2),
        )
        session.add(tp)
        session.add(
            Touchpoint(
                team_id="T0001",
                client_id=steady,
                staff_id=lead.id,
                title="lunch",
                happened_at=now - timedelta(days=3),
            )
        )
        session.flush()
        session.add(
            CheckIn(
                team_id="T0001",
                client_id=steady,
                touchpoint_id=tp.id,
                score=4,
                created_at=now - timedelta(days=2),
            )
        )
        session.get(Client, steady).renewal_date = date(2026, 12, 20)  # type: ignore[union-attr]
        gone = session.scalars(select(Client).where(Client.name == "Gone Ltd")).one()
        gone.status, gone.churned_at, gone.churn_reason = "churned", now - timedelta(days=6), "budget cut"
    with db.session() as session:
        d = digest.build(session, "T0001", now, "Europe/Amsterdam")
    assert d.week == "2026-W49" and d.clients == 2
    assert [r.name for r in d.at_risk] == ["Souring Co"]
    assert any(r.part in ("feeling", "trend") for r in d.at_risk[0].health.reasons)
    # counted in the lead's working time (UTC, not known yet): from 16 Nov 09:00, 9 full working days
    assert [(q.client, q.working_days) for q in d.quiet] == [("Souring Co", 9)]
    assert [(o.user_id, o.count, o.oldest_what) for o in d.overdue] == [(USER, 1, "send the revised plan")]
    assert (d.coverage.touchpoints, d.coverage.with_feeling) == (2, 1)
    assert [(r.client, r.days, r.last_score) for r in d.renewals] == [("Steady BV", 20, 5)]
    assert [(c.client, c.reason) for c in d.churned] == [("Gone Ltd", "budget cut")]
    assert [m.name for m in d.down] == ["Souring Co"] and d.up == []
    shown = str(digest_view.message(d)["blocks"])
    assert "*Souring Co*" in shown and "Steady BV" in shown  # at risk; renewing
    assert "no answer for 9 working days" in shown and "“send the revised plan” overdue by 3 days" in shown
    assert "50% of 2 touchpoints" in shown and "Gone Ltd" in shown and "budget cut" in shown
    assert "<@U01LEAD001>: 50% of 2" not in shown  # coverage per person: not in the channel


def test_coverage_per_person_shows_in_the_channel_only_when_turned_on(rapport, db):
    now = MONDAY_NINE
    acme = add_client(db, "Acme", lead=USER)
    with db.session() as session:
        lead = session.scalars(select(Staff).where(Staff.slack_user_id == USER)).one()
        session.add(
            Touchpoint(
                team_id="T0001",
                client_id=acme,
                staff_id=lead.id,
                title="call",
                happened_at=now - timedelta(days=1),
            )
        )
    with db.session() as session:
        hidden = str(digest_view.message(digest.build(session, "T0001", now))["blocks"])
        digest.set_coverage_per_person(session, "T0001", True)
        shown = str(digest_view.message(digest.build(session, "T0001", now))["blocks"])
    assert f"<@{USER}>: 0% of 1" not in hidden
    assert f"<@{USER}>: 0% of 1" in shown


def test_five_hundred_clients_fit_in_slacks_limits(rapport, db, clock):
    now = MONDAY_NINE
    with db.session() as session:
        from storage.models import Workspace

        session.add(Workspace(team_id="T0001", settings={}))
        lead = Staff(team_id="T0001", slack_user_id=USER)
        session.add(lead)
        session.flush()
        for n in range(500):
            client = Client(
                team_id="T0001",
                name=f"Client {n:03} with a rather long name to fill the lines",
                name_key=f"client {n:03}",
                segment=f"segment {n % 7}",
                lead_id=lead.id,
                renewal_date=date(2026, 12, 1) + timedelta(days=n % 60),
            )
            session.add(client)
            session.flush()
            for k in range(6):
                score = 1 + (k + n) % 2 if n % 3 == 0 else 4  # a third at risk
                session.add(
                    CheckIn(
                        team_id="T0001",
                        client_id=client.id,
                        score=score,
                        expectation="below" if n % 3 == 0 else "met",
                        created_at=now - timedelta(days=1 + k * 8),
                    )
                )
            session.add(
                Wait(
                    team_id="T0001",
                    client_id=client.id,
                    staff_id=lead.id,
                    about="x",
                    since=now - timedelta(days=20),
                    last_outreach_at=now - timedelta(days=20),
                )
            )
    rapport.fake.add_channel(CHANNEL, name="client-health")
    scheduled(db, clock.now)
    clock.set(now)
    rapport.tick()
    rapport.tick()
    assert rapport.fake.rejected == []  # Slack took every message: blocks, lengths, all
    posts = channel_posts(rapport)
    main = next(p for p in posts if "thread_ts" not in p)
    thread = next(p for p in posts if "thread_ts" in p)
    for post in (main, thread):
        assert len(post["blocks"]) <= 50
        assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in post["blocks"])
    assert "more in the thread" in str(main["blocks"])
    assert "see the export" in str(thread["blocks"]) or len(thread["blocks"]) < 50


def test_the_digest_prints_in_the_terminal(db, tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    acme = add_client(db, "Acme", lead=USER)
    feelings(db, acme, [5, 4, 3, 2, 2, 1, 1], end=datetime.now(UTC), every_days=6, below=4)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "RAPPORT_", "DATABASE_"))}
    env["DATABASE_URL"] = db.url
    root = Path(__file__).resolve().parents[2]
    run = subprocess.run(
        [sys.executable, "-m", "bot", "digest", "--team", "T0001", "--tz", "Europe/Amsterdam"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("Weekly client digest\n====")
    assert "At risk (1):" in run.stdout and "Acme" in run.stdout and "*" not in run.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "bot", "digest", "--team", "T0NOSUCH99"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 2 and "No workspace T0NOSUCH99" in missing.stderr
