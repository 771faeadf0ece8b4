"""Follow-up nudges: at the due moment in the owner's working hours, reminders while it stays open, then
the client's partner or backup told once; every step kept, nothing nudged twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from storage.models import FollowUp, FollowUpStep, OutboxMessage
from tests.factories import USER, action, add_client, dm

PARTNER = "U01PART001"
NEW_YORK = "U01NYC0001"


def row(db) -> FollowUp:
    with db.session() as session:
        found = session.scalars(select(FollowUp).order_by(FollowUp.id.desc())).first()
        assert found is not None
        return found


def steps(db) -> list[tuple[str, str | None]]:
    with db.session() as session:
        return [(s.step, s.detail) for s in session.scalars(select(FollowUpStep).order_by(FollowUpStep.id))]


def promise(rapport, db, text="acme call Jan back friday", user=USER):
    add_client(db, "Acme", lead=user, partner=PARTNER)
    rapport.slack.command("/followup", text, user=user)
    return row(db)


def test_nothing_is_sent_before_the_nudge_is_due_and_it_is_sent_once(rapport, db, clock):
    followup = promise(rapport, db)
    assert rapport.tick().get("followups_nudged", 0) == 0
    clock.set(followup.next_nudge_at - timedelta(minutes=1))
    rapport.tick()
    assert dm(rapport.fake) == []
    clock.set(followup.next_nudge_at)
    assert rapport.tick()["followups_nudged"] == 1
    [message] = dm(rapport.fake)
    assert "call Jan back" in message["text"] and "Acme" in str(message["blocks"])
    assert "You promised this on Tue 24 Nov" in str(message["blocks"])  # why it was sent
    assert {"followup_done", "followup_snooze", "followup_reassign", "followup_not_needed"} <= {
        e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
    }
    assert rapport.tick().get("followups_nudged", 0) == 0
    assert len(dm(rapport.fake)) == 1


def test_an_open_promise_is_reminded_three_times_then_the_partner_is_told_once(rapport, db, clock):
    followup = promise(rapport, db)
    clock.set(followup.next_nudge_at)
    rapport.tick()  # the due nudge, Friday morning
    for _ in range(3):
        clock.set(row(db).next_nudge_at)
        assert rapport.tick()["followups_reminded"] == 1
    clock.set(row(db).next_nudge_at)
    assert rapport.tick()["followups_escalated"] == 1
    assert len(dm(rapport.fake)) == 4  # the due nudge and three reminders
    whys = [str(m["blocks"]) for m in dm(rapport.fake)]
    assert ["last reminder" in why for why in whys] == [False, False, False, True]  # says who hears next
    [to_partner] = dm(rapport.fake, PARTNER)
    assert "<@U01LEAD001>" in str(to_partner["blocks"])
    assert row(db).next_nudge_at is None and row(db).escalated_at is not None
    assert [s for s, _ in steps(db)] == [
        "made",
        "rezoned",
        "nudged",
        "reminded",
        "reminded",
        "reminded",
        "escalated",
    ]
    clock.advance(days=30)
    assert not any(
        rapport.tick().get(k) for k in ("followups_nudged", "followups_reminded", "followups_escalated")
    )


def test_reminders_come_on_working_days_in_the_owners_zone(rapport, db, clock):
    followup = promise(rapport, db)
    clock.set(followup.next_nudge_at)
    rapport.tick()
    moments = []
    for _ in range(3):
        moments.append(row(db).next_nudge_at)
        clock.set(moments[-1])
        rapport.tick()
    assert all(m.astimezone(UTC).weekday() < 5 for m in moments)  # never on a weekend
    assert moments[0] == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # Monday 09:00 in Amsterdam


def test_a_promise_settled_before_its_nudge_is_never_sent(rapport, db, clock):
    followup = promise(rapport, db)
    rapport.slack.command("/followup", "list", user=USER)
    with db.session() as session:
        session.get(FollowUp, followup.id).status = "done"  # type: ignore[union-attr]
    clock.set(followup.next_nudge_at)
    rapport.tick()
    assert dm(rapport.fake) == []


def test_a_new_york_owner_is_nudged_in_new_york_hours(rapport, db, clock):
    followup = promise(rapport, db, "acme send the deck friday", user=NEW_YORK)
    assert followup.next_nudge_at == datetime(2026, 11, 27, 14, 0, tzinfo=UTC)  # 09:00 in New York
    clock.set(followup.next_nudge_at)
    rapport.tick()
    assert len(dm(rapport.fake, NEW_YORK)) == 1


def test_a_nudge_answered_on_its_day_stops_the_reminders(rapport, db, clock):
    followup = promise(rapport, db)
    clock.set(followup.next_nudge_at)
    rapport.tick()
    [message] = dm(rapport.fake)
    rapport.slack.click(
        user=USER, action_id="followup_done", value=action(message, "followup_done")["value"], message=message
    )
    clock.advance(days=10)
    rapport.tick()
    assert len(dm(rapport.fake)) == 1
    with db.session() as session:
        kinds = [m.kind for m in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
    assert kinds.count("followup_reminder") == 0
