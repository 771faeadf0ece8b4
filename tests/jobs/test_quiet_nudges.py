"""Quiet-contact nudges: the lead told once when an outreach has gone unanswered for the client's
quiet days (in the lead's working hours), with next steps and buttons; the partner 2 working days
later, once; nothing sent about a contact who answered meanwhile."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from storage.models import Client, Contact, FollowUp, Staff, Wait
from tests.factories import USER, action, add_client, dm

PARTNER = "U01PART001"
NEW_YORK = "U01NYC0001"


def wait_row(db) -> Wait:
    with db.session() as session:
        found = session.scalars(select(Wait).order_by(Wait.id.desc())).first()
        assert found is not None
        return found


def outreach(rapport, db, lead=USER, text="acme email to Jan about the revised quote", zone=None):
    add_client(db, "Acme", lead=lead, partner=PARTNER)
    with db.session() as session:
        client = session.scalars(select(Client)).one()
        client.contacts.append(Contact(team_id="T0001", name="Piet Bakker"))
        if zone:
            session.scalars(select(Staff).where(Staff.slack_user_id == lead)).one().tz = zone
    rapport.slack.command("/rapport", f"touchpoint {text}", user=lead)
    return wait_row(db)


def test_the_lead_is_told_once_when_the_outreach_goes_quiet_with_next_steps(rapport, db, clock):
    wait = outreach(rapport, db)
    clock.set(datetime(2026, 11, 30, 16, 0, tzinfo=UTC))  # Monday: 4 working days
    assert rapport.tick().get("quiet_told", 0) == 0
    assert dm(rapport.fake) == []
    clock.set(wait.next_check_at)  # Tuesday 1 Dec, 10:00 in Amsterdam
    assert rapport.tick()["quiet_told"] == 1
    [message] = dm(rapport.fake)
    shown = str(message["blocks"])
    assert "No answer from *Jan* at *Acme* for 5 working days (since Tue 24 Nov)" in shown
    assert "email to Jan about the revised quote" in shown  # what was asked
    assert "a call, or a short Slack or text message" in shown  # another channel than e-mail
    assert f"<@{PARTNER}>" in shown and "Piet Bakker" in shown and "short call" in shown
    assert "Why this message: you lead *Acme*" in shown
    assert {"quiet_replied", "quiet_followup", "quiet_snooze", "quiet_not_needed"} <= {
        e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
    }
    assert rapport.tick().get("quiet_told", 0) == 0
    assert len(dm(rapport.fake)) == 1


def test_the_partner_is_told_two_working_days_later_once(rapport, db, clock):
    wait = outreach(rapport, db)
    clock.set(wait.next_check_at)
    rapport.tick()
    escalate_at = wait_row(db).next_check_at
    assert escalate_at == datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # Thursday, 2 working days on
    clock.set(escalate_at)
    assert rapport.tick()["quiet_escalated"] == 1
    [told] = dm(rapport.fake, PARTNER)
    assert f"<@{USER}> was told 2 working days ago" in str(told["blocks"])
    assert "Ask a senior colleague" in str(told["blocks"])  # the partner is not told to ask themselves
    clock.set(datetime(2026, 12, 10, 9, 0, tzinfo=UTC))
    assert rapport.tick().get("quiet_escalated", 0) == 0 and rapport.tick().get("quiet_told", 0) == 0
    assert len(dm(rapport.fake, PARTNER)) == 1 and len(dm(rapport.fake)) == 1
    assert wait_row(db).stage == "none"


def test_they_replied_settles_it_in_place_and_undo_brings_it_back(rapport, db, clock):
    wait = outreach(rapport, db)
    clock.set(wait.next_check_at)
    rapport.tick()
    [message] = dm(rapport.fake)
    button = action(message, "quiet_replied")
    rapport.slack.click(user=USER, action_id="quiet_replied", value=button["value"], message=message)
    [settled] = dm(rapport.fake)
    assert "answered. I've stopped waiting" in settled["text"]
    assert wait_row(db).status == "replied"
    with db.session() as session:
        assert (
            session.scalars(select(Contact).where(Contact.name == "Jan")).one().last_inbound_at == clock.now
        )
    undo = action(settled, "quiet_undo")
    rapport.slack.click(user=USER, action_id="quiet_undo", value=undo["value"], message=settled)
    [again] = dm(rapport.fake)
    assert wait_row(db).status == "open" and "quiet_replied" in str(again["blocks"])
    # The escalation still comes while it is open.
    clock.set(wait_row(db).next_check_at)
    assert rapport.tick()["quiet_escalated"] == 1


def test_snooze_asks_the_lead_again_next_week(rapport, db, clock):
    wait = outreach(rapport, db)
    clock.set(wait.next_check_at)
    rapport.tick()
    [message] = dm(rapport.fake)
    menu = action(message, "quiet_snooze")
    choice = next(o for o in menu["options"] if o["value"].endswith(":next_week"))
    rapport.slack.click(
        user=USER,
        action_id="quiet_snooze",
        action_type="static_select",
        selected_option=choice,
        message=message,
    )
    assert "Snoozed" in dm(rapport.fake)[0]["text"]
    assert wait_row(db).next_check_at == datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # Monday 09:00
    clock.set(datetime(2026, 12, 7, 8, 0, tzinfo=UTC))
    assert rapport.tick()["quiet_told"] == 1


def test_log_a_follow_up_opens_the_form_and_the_follow_up_takes_over(rapport, db, clock):
    wait = outreach(rapport, db)
    clock.set(wait.next_check_at)
    rapport.tick()
    [message] = dm(rapport.fake)
    button = action(message, "quiet_followup")
    rapport.slack.click(user=USER, action_id="quiet_followup", value=button["value"], message=message)
    form = rapport.fake.calls_to("views.open")[-1].args["view"]
    what = {b.get("block_id"): b for b in form["blocks"]}["what"]["element"]["initial_value"]
    assert what.startswith("Reach Jan again about")
    rapport.slack.submit(form, user=USER, answers={"what": "call Jan about the quote", "date": "2026-12-02"})
    with db.session() as session:
        followup = session.scalars(select(FollowUp)).one()
        assert (followup.what, followup.source) == ("call Jan about the quote", "quiet")
    assert wait_row(db).status == "followed_up"
    # The nudge itself now says what was done about it (its response_url, replacing it).
    said = rapport.fake.calls_to("response_url")[-1].args
    assert said["replace_original"] is True
    assert "call Jan about the quote" in said["text"] and "stopped waiting" in said["text"]
    [replaced] = dm(rapport.fake)
    assert replaced["text"] == said["text"] and "quiet_replied" not in str(replaced["blocks"])


def test_the_nudge_waits_for_the_leads_working_hours(rapport, db, clock):
    wait = outreach(rapport, db, lead=NEW_YORK, zone="America/New_York")
    assert wait.next_check_at == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)  # 09:00 in New York
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))  # 04:00 there
    rapport.tick()
    assert rapport.fake.calls_to("chat.postMessage") == []
    clock.set(wait.next_check_at)
    rapport.tick()
    sent = rapport.fake.calls_to("chat.postMessage")
    assert len(sent) == 1 and sent[0].args["channel"] == NEW_YORK


def test_an_answer_after_the_nudge_was_queued_stops_it(rapport, db, clock):
    wait = outreach(rapport, db)
    with db.session() as session:  # the lead works Mon-Thu
        session.scalars(select(Staff).where(Staff.slack_user_id == USER)).one().work_days = "mon-thu"
    # Planned Tuesday 1 Dec; queued, then Jan answers before it goes out.
    clock.set(wait.next_check_at)
    with db.session() as session:
        session.scalars(select(Staff).where(Staff.slack_user_id == USER)).one().work_start = "11:00"
    assert rapport.tick()["quiet_told"] == 1
    assert dm(rapport.fake) == []  # before 11:00 there: queued, not sent
    rapport.slack.command("/rapport", "touchpoint acme email from Jan", user=USER)
    clock.set(datetime(2026, 12, 1, 10, 30, tzinfo=UTC))
    rapport.tick()
    assert "quiet_replied" not in str(dm(rapport.fake)) and wait_row(db).status == "replied"


def test_the_silence_is_counted_again_when_the_leads_zone_or_days_change(rapport, db, clock):
    # The lead's zone is not known yet: five working days counted in UTC, Tuesday 1 Dec 09:00 UTC.
    rapport.fake.inject("users.info", status=500, times=None)
    wait = outreach(rapport, db, lead=NEW_YORK)
    assert wait.next_check_at == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    rapport.fake.reset()
    rapport.slack.event(
        {"type": "user_change", "user": {"id": NEW_YORK, "team_id": "T0001", "tz": "America/New_York"}}
    )
    # Counted in New York: Tuesday 24 Nov 04:00 there is before the day starts, so five working days
    # from that morning end at the start of Tuesday 1 Dec's working day, 09:00 in New York.
    assert wait_row(db).next_check_at == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    # The lead stops working Tuesdays: five full working days are Wed, Thu, Fri, Mon and Wed 2 Dec.
    answer = rapport.slack.command("/rapport", "settings days mon,wed-fri", user=NEW_YORK)
    assert "Saved" in answer.json()["text"]
    assert wait_row(db).next_check_at == datetime(2026, 12, 3, 14, 0, tzinfo=UTC)
