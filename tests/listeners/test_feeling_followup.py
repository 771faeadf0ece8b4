"""The feeling form's "Follow-up needed": a promise made while logging how a client felt becomes a
follow-up linked to that check-in. The clock starts Tuesday 24 Nov 2026, 10:00 in Amsterdam."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from storage.models import CheckIn, FollowUp
from tests.factories import USER, action, add_client, dm, log_touchpoint


def feeling_form(rapport, text: str = "acme") -> dict:
    rapport.slack.command("/feeling", text, user=USER)
    return rapport.fake.calls_to("views.open")[-1].args["view"]


def followups(db) -> list[FollowUp]:
    with db.session() as session:
        return list(session.scalars(select(FollowUp).order_by(FollowUp.id)))


def test_the_form_offers_a_follow_up_and_records_it_with_the_check_in(rapport, db):
    add_client(db, "Acme", lead=USER)
    form = feeling_form(rapport)
    ids = [b.get("block_id") for b in form["blocks"]]
    assert "followup_what" in ids and "followup_date" in ids
    answer = rapport.slack.submit(
        form,
        user=USER,
        answers={"score": "4", "followup_what": "send the revised quote", "followup_date": "2026-12-04"},
    )
    assert answer.status == 200 and not (answer.json() or {}).get("errors")
    [promise] = followups(db)
    with db.session() as session:
        checkin = session.scalars(select(CheckIn)).one()
    assert (promise.what, promise.source, promise.checkin_id, promise.kind) == (
        "send the revised quote",
        "checkin",
        checkin.id,
        "promise",
    )
    assert promise.due_at == datetime(2026, 12, 4, 16, 30, tzinfo=UTC)  # 17:30 in Amsterdam, Fri
    said = rapport.fake.calls_to("response_url")[-1].args
    assert "*send the revised quote*" in said["text"] and "Fri 4 Dec" in said["text"]


def test_a_follow_up_without_a_day_is_due_by_the_end_of_the_next_working_day(rapport, db, clock):
    add_client(db, "Acme", lead=USER)
    clock.set(datetime(2026, 11, 27, 15, 0, tzinfo=UTC))  # Friday 16:00 in Amsterdam
    form = feeling_form(rapport)
    rapport.slack.submit(form, user=USER, answers={"score": "3", "followup_what": "check in on the launch"})
    [promise] = followups(db)
    assert promise.due_at == datetime(2026, 11, 30, 16, 30, tzinfo=UTC)  # Monday's end, not Saturday


def test_a_day_without_what_is_asked_about_and_nothing_is_saved(rapport, db):
    add_client(db, "Acme", lead=USER)
    form = feeling_form(rapport)
    answer = rapport.slack.submit(form, user=USER, answers={"score": "4", "followup_date": "2026-12-04"})
    errors = answer.json()["errors"]
    assert set(errors) == {"followup_what"} and "follow-up" in errors["followup_what"]
    with db.session() as session:
        assert session.scalars(select(CheckIn)).all() == []
    assert followups(db) == []


def test_a_day_that_has_passed_is_refused_in_the_form(rapport, db):
    add_client(db, "Acme", lead=USER)
    form = feeling_form(rapport)
    answer = rapport.slack.submit(
        form, user=USER, answers={"score": "4", "followup_what": "call back", "followup_date": "2026-11-20"}
    )
    assert set(answer.json()["errors"]) == {"followup_date"}
    assert followups(db) == []


def test_a_prompt_answered_with_a_follow_up_says_so_in_the_dm_instead_of_asking_for_recovery(rapport, db):
    log_touchpoint(rapport, db)
    rapport.tick()
    [message] = dm(rapport.fake)
    rapport.slack.click(
        user=USER,
        action_id="prompt_details",
        value=action(message, "prompt_details")["value"],
        message=message,
    )
    form = rapport.fake.calls_to("views.open")[-1].args["view"]
    rapport.slack.submit(
        form,
        user=USER,
        answers={"score": "2", "note": "budget cut", "followup_what": "offer a smaller scope"},
    )
    [answered] = dm(rapport.fake)
    shown = str(answered["blocks"])
    assert "offer a smaller scope" in shown and "checkin_recovery" not in shown
    [promise] = followups(db)
    assert promise.source == "checkin" and promise.checkin_id is not None


def test_an_empty_follow_up_records_nothing(rapport, db):
    add_client(db, "Acme", lead=USER)
    form = feeling_form(rapport)
    rapport.slack.submit(form, user=USER, answers={"score": "5"})
    assert followups(db) == []
