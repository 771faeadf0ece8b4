"""`/rapport settings`: each person's working days and hours and reminder intensity, seen and changed
in a form or typed, and what they change: when nudges come, and how many. Through the real WSGI app;
the clock starts Tuesday 24 Nov 2026, 10:00 in Amsterdam."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from storage.models import FollowUp, FollowUpStep, Staff
from tests.factories import USER, add_client, dm, log_touchpoint, prompt_row

PARTNER = "U01PART001"


def me(db) -> Staff:
    with db.session() as session:
        found = session.scalars(select(Staff).where(Staff.slack_user_id == USER)).one()
        session.expunge(found)
        return found


def settings(rapport, text: str = "") -> dict[str, Any]:
    answer = rapport.slack.command("/rapport", f"settings {text}".strip(), user=USER)
    assert answer.status == 200
    return answer.json()


def shown(answer: dict[str, Any]) -> str:
    return json.dumps(answer["blocks"], ensure_ascii=False)


def open_form(rapport) -> dict[str, Any]:
    """`/rapport settings`, then Change on the answer (an ephemeral message): the form it opens."""
    answer = settings(rapport)
    button = next(b["accessory"] for b in answer["blocks"] if (b.get("accessory") or {}).get("text"))
    assert button["action_id"] == "settings_change"
    message = {"channel": "C0GENERAL", "ts": "1.0", "blocks": answer["blocks"]}
    rapport.slack.click(user=USER, action_id="settings_change", message=message, is_ephemeral=True)
    return rapport.fake.calls_to("views.open")[-1].args["view"]


def followup(db) -> FollowUp:
    with db.session() as session:
        found = session.scalars(select(FollowUp).order_by(FollowUp.id.desc())).first()
        assert found is not None
        return found


# --- seeing them --------------------------------------------------------------------------------------


def test_settings_alone_shows_zone_days_hours_and_intensity_with_a_change_button(rapport):
    first = shown(settings(rapport))
    assert "Mon–Fri 09:00–17:30" in first and "*Reminders:* Standard" in first
    assert "up to three" in first and "not known yet" in first  # Slack has not said the zone yet
    again = settings(rapport)  # meanwhile Rapport asked Slack, after answering
    assert "*Time zone:* Europe/Amsterdam" in shown(again)
    assert "/rapport settings hours 08:30-17:00" in shown(again)  # the typed forms, as examples
    assert again["response_type"] == "ephemeral"


def test_help_lists_settings(rapport):
    assert "/rapport settings" in shown(rapport.slack.command("/rapport", "help", user=USER).json())


# --- the form -----------------------------------------------------------------------------------------


def test_change_opens_a_form_filled_in_with_the_settings_as_they_are(rapport):
    form = open_form(rapport)
    blocks = {b["block_id"]: b["element"] for b in form["blocks"]}
    assert form["callback_id"] == "settings_modal"
    assert [o["text"]["text"] for o in blocks["days"]["options"]][:2] == ["Monday", "Tuesday"]
    assert [o["value"] for o in blocks["days"]["initial_options"]] == ["0", "1", "2", "3", "4"]
    assert (blocks["start"]["initial_time"], blocks["end"]["initial_time"]) == ("09:00", "17:30")
    assert blocks["intensity"]["initial_option"]["value"] == "standard"
    descriptions = {o["value"]: o["description"]["text"] for o in blocks["intensity"]["options"]}
    assert "At most one reminder" in descriptions["light"] and "up to three" in descriptions["standard"]


def test_saving_the_form_keeps_the_settings_answers_in_place_and_redraws_home(rapport, db):
    form = open_form(rapport)
    answer = rapport.slack.submit(
        form,
        user=USER,
        answers={"days": ["0", "1", "2", "3"], "start": "08:30", "end": "16:00", "intensity": "light"},
    )
    assert answer.status == 200 and not answer.body  # the form closes
    staff = me(db)
    assert (staff.work_days, staff.work_start, staff.work_end, staff.intensity) == (
        "mon-thu",
        "08:30",
        "16:00",
        "light",
    )
    said = rapport.fake.calls_to("response_url")[-1].args
    assert said["replace_original"] is True  # the settings message itself says what changed
    assert "now Mon–Thu 08:30–16:00, were Mon–Fri 09:00–17:30" in said["text"]
    assert "Reminders: now Light, were Standard" in shown(said)
    home = json.dumps(rapport.fake.home_view(USER), ensure_ascii=False)
    assert "Mon–Thu 08:30–16:00" in home and "reminders: light" in home


def test_saving_the_form_unchanged_says_nothing_changed(rapport, db):
    rapport.slack.submit(open_form(rapport), user=USER)
    assert "Nothing changed" in rapport.fake.calls_to("response_url")[-1].args["text"]
    assert me(db).work_days == "mon-fri"


@pytest.mark.parametrize(
    ("answers", "errors"),
    [
        ({"days": []}, {"days": "at least one working day"}),
        ({"start": "18:00", "end": "09:00"}, {"end": "(09:00) must be later than its start (18:00)"}),
        ({"start": "09:00", "end": "09:00"}, {"end": "must be later"}),
        ({"start": None}, {"start": "Pick when your working day starts"}),
        ({"days": [], "start": None, "intensity": None}, {"days": "", "start": "", "intensity": "light or"}),
    ],
)
def test_the_form_says_what_to_fix_and_keeps_nothing(rapport, db, answers, errors):
    answer = rapport.slack.submit(open_form(rapport), user=USER, answers=answers).json()
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == set(errors)
    for block, words in errors.items():
        assert words in answer["errors"][block]
    staff = me(db)
    assert (staff.work_days, staff.work_start, staff.work_end, staff.intensity) == (
        "mon-fri",
        "09:00",
        "17:30",
        "standard",
    )


# --- typed ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "column", "kept", "said"),
    [
        ("hours 08:30-17:00", "work_start", "08:30", "now Mon–Fri 08:30–17:00"),
        ("hours 8 to 16:30", "work_end", "16:30", "now Mon–Fri 08:00–16:30"),
        ("days mon-thu", "work_days", "mon-thu", "now Mon–Thu 09:00–17:30"),
        ("days mon,tue,thu", "work_days", "mon,tue,thu", "now Mon, Tue, Thu 09:00–17:30"),
        ("days ma t/m do", "work_days", "mon-thu", "now Mon–Thu"),
        ("Intensity LIGHT", "intensity", "light", "Reminders: now Light, were Standard"),
        ("intensiteit standaard", "intensity", "standard", "Nothing changed"),
    ],
)
def test_a_typed_setting_is_kept_at_once(rapport, db, typed, column, kept, said):
    answer = settings(rapport, typed)
    assert said in answer["text"]
    assert getattr(me(db), column) == kept
    assert "settings_change" in shown(answer)  # the settings as they are now, still changeable
    assert rapport.fake.home_view(USER) is not None  # Home redrawn


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("hours soon", "I couldn't read “soon” as working hours"),
        ("hours", "I couldn't read “” as working hours"),
        ("hours 17:00-09:00", "(09:00) must be later than its start (17:00)"),
        ("hours 25:00-26:00", "I couldn't read “25:00-26:00” as working hours"),
        ("days funday", "I couldn't read “funday” as working days"),
        ("days", "/rapport settings days mon-fri"),
        ("intensity loud", "“loud” isn't a reminder intensity: choose `light` or `standard`"),
        ("frobnicate now", "I couldn't read “frobnicate now” as a setting"),
        ("x" * 500, "…” as a setting"),
    ],
)
def test_what_cannot_be_read_is_explained_with_examples_and_nothing_changes(rapport, db, typed, words):
    answer = settings(rapport, typed)
    assert words in answer["text"] and answer["text"].startswith(":warning:")
    assert len(answer["text"]) < 600
    staff = me(db)
    assert (staff.work_days, staff.work_start, staff.work_end, staff.intensity) == (
        "mon-fri",
        "09:00",
        "17:30",
        "standard",
    )


def test_an_unreadable_setting_lists_every_typed_form(rapport):
    text = settings(rapport, "frobnicate")["text"]
    for example in ("hours 08:30-17:00", "days mon-thu", "intensity light"):
        assert example in text


# --- what they change ------------------------------------------------------------------------------------


def test_light_means_one_reminder_then_the_partner_is_told(rapport, db, clock):
    settings(rapport, "intensity light")
    add_client(db, "Acme", lead=USER, partner=PARTNER)
    rapport.slack.command("/followup", "acme call Jan back friday", user=USER)
    clock.set(followup(db).next_nudge_at)
    assert rapport.tick()["followups_nudged"] == 1  # Friday morning
    clock.set(followup(db).next_nudge_at)
    assert rapport.tick()["followups_reminded"] == 1  # Monday morning
    clock.set(followup(db).next_nudge_at)
    assert clock.now == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # Tuesday 09:00: the owner kept Monday
    assert rapport.tick()["followups_escalated"] == 1
    clock.advance(days=30)
    rapport.tick()
    assert len(dm(rapport.fake)) == 2  # the due nudge and one reminder
    assert len(dm(rapport.fake, PARTNER)) == 1


def test_standard_still_means_three_reminders(rapport, db, clock):
    add_client(db, "Acme", lead=USER, partner=PARTNER)
    rapport.slack.command("/followup", "acme call Jan back friday", user=USER)
    for _ in range(5):
        clock.set(followup(db).next_nudge_at)
        rapport.tick()
    assert len(dm(rapport.fake)) == 4 and len(dm(rapport.fake, PARTNER)) == 1


def test_choosing_light_after_reminders_went_out_tells_the_partner_the_next_working_day(rapport, db, clock):
    add_client(db, "Acme", lead=USER, partner=PARTNER)
    rapport.slack.command("/followup", "acme call Jan back friday", user=USER)
    for _ in range(2):  # the due nudge (Friday) and the first reminder (Monday)
        clock.set(followup(db).next_nudge_at)
        rapport.tick()
    settings(rapport, "intensity light")
    assert followup(db).stage == "reminder"  # the second reminder was already planned (Wednesday)
    clock.set(followup(db).next_nudge_at)
    rapport.tick()  # it goes out, and is the last
    assert followup(db).stage == "escalate"
    assert followup(db).next_nudge_at == datetime(2026, 12, 3, 8, 0, tzinfo=UTC)  # Thursday 09:00
    clock.set(followup(db).next_nudge_at)
    rapport.tick()
    assert len(dm(rapport.fake)) == 3 and len(dm(rapport.fake, PARTNER)) == 1


def test_light_means_a_question_after_a_touchpoint_is_asked_once(rapport, db, clock):
    settings(rapport, "intensity light")
    log_touchpoint(rapport, db)
    rapport.tick()
    assert len(dm(rapport.fake)) == 1
    clock.advance(hours=4)  # when the reminder would go out
    assert rapport.tick()["not_reminded"] == 1
    assert prompt_row(db).status == "sent" and len(dm(rapport.fake)) == 1
    clock.advance(days=3)
    rapport.tick()
    assert prompt_row(db).status == "expired"
    assert len(rapport.fake.calls_to("chat.postMessage")) == 1  # never asked twice


def test_a_nudge_is_not_sent_on_a_day_just_taken_off(rapport, db, clock):
    add_client(db, "Acme", lead=USER, partner=PARTNER)
    rapport.slack.command("/followup", "acme call Jan back friday", user=USER)
    friday = followup(db).next_nudge_at
    assert friday == datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    answer = settings(rapport, "days mon-thu")
    assert "The next nudge of 1 open follow-up moved into your new working time" in answer["text"]
    monday = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # 09:00 in Amsterdam
    assert followup(db).next_nudge_at == monday
    clock.set(friday)
    rapport.tick()
    clock.set(friday + timedelta(hours=8))
    rapport.tick()
    assert dm(rapport.fake) == []  # nothing on Friday
    clock.set(monday)
    rapport.tick()
    assert len(dm(rapport.fake)) == 1
    with db.session() as session:
        steps = [(s.step, s.detail) for s in session.scalars(select(FollowUpStep).order_by(FollowUpStep.id))]
    assert ("replanned", "Mon–Thu 09:00–17:30") in steps


def test_a_later_start_moves_a_nudge_into_the_new_hours_and_an_earlier_one_never_brings_it_forward(
    rapport, db, clock
):
    add_client(db, "Acme", lead=USER)
    rapport.slack.command("/followup", "acme call Jan back friday", user=USER)
    settings(rapport, "hours 10:30-18:00")
    assert followup(db).next_nudge_at == datetime(2026, 11, 27, 9, 30, tzinfo=UTC)  # 10:30 there
    settings(rapport, "hours 07:00-18:00")
    assert followup(db).next_nudge_at == datetime(2026, 11, 27, 9, 30, tzinfo=UTC)  # not sooner


def test_home_shows_the_settings_and_changes_them_in_the_form(rapport, db):
    rapport.slack.event({"type": "app_home_opened", "user": USER, "channel": "D0LEAD", "tab": "home"})
    home = rapport.fake.home_view(USER)
    assert "I message you Mon–Fri 09:00–17:30 (Europe/Amsterdam); reminders: standard" in json.dumps(
        home, ensure_ascii=False
    )
    rapport.slack.click(user=USER, action_id="settings_change", view=home)
    form = rapport.fake.calls_to("views.open")[-1].args["view"]
    rapport.slack.submit(form, user=USER, answers={"end": "16:00"})
    assert me(db).work_end == "16:00"
    assert "Mon–Fri 09:00–16:00" in json.dumps(rapport.fake.home_view(USER), ensure_ascii=False)
    assert rapport.fake.calls_to("response_url") == []  # opened from Home: Home is the answer
