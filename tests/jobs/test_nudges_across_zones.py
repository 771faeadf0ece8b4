"""Nudges through the real app, with the clock moved across daylight-saving changes and in zones
that are not whole hours from UTC: every nudge comes at the owner's own working moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from storage.models import FollowUp, Staff, Wait
from tests.factories import USER, action, add_client, dm

NEW_YORK = "U01NYC0001"
KOLKATA = "U01KOL0001"


def newest(db, model):
    with db.session() as session:
        found = session.scalars(select(model).order_by(model.id.desc())).first()
        assert found is not None
        return found


def sent_exactly_at(rapport, clock, user: str, moment: datetime) -> dict:
    """Nothing a minute before `moment`, one DM at it."""
    before = len(dm(rapport.fake, user))
    clock.set(moment - timedelta(minutes=1))
    rapport.tick()
    assert len(dm(rapport.fake, user)) == before, "sent too early"
    clock.set(moment)
    rapport.tick()
    messages = dm(rapport.fake, user)
    assert len(messages) == before + 1, "not sent at its moment"
    return messages[-1]


def test_a_promise_across_the_autumn_change_in_amsterdam(rapport, db, clock):
    add_client(db, "Acme", lead=USER)
    clock.set(datetime(2026, 10, 23, 10, 0, tzinfo=UTC))  # Friday 12:00 CEST (UTC+2)
    rapport.slack.command("/followup", "acme send the deck monday", user=USER)
    followup = newest(db, FollowUp)
    # Monday 26 Oct is CET (UTC+1): the end of that working day, and its morning, move by an hour.
    assert followup.due_at == datetime(2026, 10, 26, 16, 30, tzinfo=UTC)
    assert followup.next_nudge_at == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)
    sent_exactly_at(rapport, clock, USER, followup.next_nudge_at)
    # The reminder the next working day is at 09:00 there too.
    assert newest(db, FollowUp).next_nudge_at == datetime(2026, 10, 27, 8, 0, tzinfo=UTC)


def test_a_promise_with_a_time_across_the_change_in_new_york(rapport, db, clock):
    add_client(db, "Acme", lead=NEW_YORK)
    clock.set(datetime(2026, 10, 30, 14, 0, tzinfo=UTC))  # Friday 10:00 EDT (UTC-4)
    rapport.slack.command("/followup", "acme call Jan back monday 10am", user=NEW_YORK)
    followup = newest(db, FollowUp)
    assert followup.due_at == datetime(2026, 11, 2, 15, 0, tzinfo=UTC)  # 10:00 EST (UTC-5)
    sent_exactly_at(rapport, clock, NEW_YORK, followup.due_at)


def test_a_promise_in_kolkata_half_an_hour_off_the_hour(rapport, db, clock):
    rapport.fake.add_user(
        KOLKATA, name="kavya", real_name="Kavya K", email="kavya@agency.example", tz="Asia/Kolkata"
    )
    add_client(db, "Acme", lead=KOLKATA)
    clock.set(datetime(2026, 11, 24, 10, 0, tzinfo=UTC))  # Tuesday 15:30 IST (UTC+5:30)
    rapport.slack.command("/followup", "acme send the plan tomorrow 3pm", user=KOLKATA)
    timed = newest(db, FollowUp)
    assert timed.due_at == datetime(2026, 11, 25, 9, 30, tzinfo=UTC)  # Wednesday 15:00 IST
    rapport.slack.command("/followup", "acme review the quote friday", user=KOLKATA)
    by_day = newest(db, FollowUp)
    assert by_day.due_at == datetime(2026, 11, 27, 12, 0, tzinfo=UTC)  # 17:30 IST
    assert by_day.next_nudge_at == datetime(2026, 11, 27, 3, 30, tzinfo=UTC)  # 09:00 IST
    first = sent_exactly_at(rapport, clock, KOLKATA, timed.due_at)
    done = action(first, "followup_done")
    rapport.slack.click(user=KOLKATA, action_id="followup_done", value=done["value"], message=first)
    second = sent_exactly_at(rapport, clock, KOLKATA, by_day.next_nudge_at)
    assert "review the quote" in second["text"]


def test_a_quiet_contact_across_the_autumn_change(rapport, db, clock):
    add_client(db, "Acme", lead=USER)
    with db.session() as session:
        session.scalars(select(Staff).where(Staff.slack_user_id == USER)).one().tz = "Europe/Amsterdam"
    clock.set(datetime(2026, 10, 22, 8, 0, tzinfo=UTC))  # Thursday 10:00 CEST
    rapport.slack.command("/rapport", "touchpoint acme email to Jan about the quote", user=USER)
    wait = newest(db, Wait)
    # 5 working days later, at the same time of day there: Thursday 29 Oct, 10:00 CET.
    assert wait.next_check_at == datetime(2026, 10, 29, 9, 0, tzinfo=UTC)
    message = sent_exactly_at(rapport, clock, USER, wait.next_check_at)
    assert "for 5 working days (since Thu 22 Oct)" in str(message["blocks"])
