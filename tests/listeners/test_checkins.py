"""/feeling and the feeling form, from the slash command to the form and back, through the real WSGI app."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import (
    CheckIn,
)
from tests.factories import USER, add_client


def checkins(db):
    with db.session() as session:
        return list(session.scalars(select(CheckIn).order_by(CheckIn.id)))


def test_feeling_with_client_score_and_note_logs_at_once_and_confirms(rapport, db):
    add_client(db, "Acme Corp", aliases=("acme",))
    response = rapport.slack.command("/feeling", "acme 4 great kickoff", user=USER)
    assert response.status == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    assert "Acme Corp" in body["text"] and "🙂" in body["text"]
    [row] = checkins(db)
    assert (row.score, row.note, row.source, row.team_id) == (4, "great kickoff", "command", "T0001")
    assert row.created_at == rapport.clock.now
    assert not rapport.fake.calls_to("views.open")


def test_feeling_matches_client_ignoring_case_and_accents(rapport, db):
    add_client(db, "Café Zuid")
    body = rapport.slack.command("/feeling", "CAFE zuid 5", user=USER).json()
    assert "Café Zuid" in body["text"]
    assert checkins(db)[0].score == 5


def test_feeling_without_score_finds_client_and_opens_modal_prefilled(rapport, db):
    client_id = add_client(db, "Acme")
    response = rapport.slack.command("/feeling", "acme great kickoff", user=USER)
    assert response.status == 200 and response.body == b""
    [call] = rapport.fake.calls_to("views.open")
    view = call.args["view"]
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["client"]["element"]["initial_option"]["value"] == str(client_id)
    assert blocks["note"]["element"]["initial_value"] == "great kickoff"
    assert "initial_option" not in blocks["score"]["element"]
    assert checkins(db) == []


def test_empty_feeling_opens_an_empty_modal(rapport, db):
    add_client(db, "Acme")
    rapport.slack.command("/feeling", "", user=USER)
    [call] = rapport.fake.calls_to("views.open")
    assert call.args["view"]["callback_id"] == "feeling_modal"
    assert call.args["view"]["blocks"][0]["type"] != "section"  # no warning when nothing was wrong


def test_score_out_of_range_explains_and_keeps_what_was_typed(rapport, db):
    add_client(db, "Acme")
    rapport.slack.command("/feeling", "acme 7 they loved it", user=USER)
    view = rapport.fake.calls_to("views.open")[0].args["view"]
    warning = view["blocks"][0]["text"]["text"]
    assert "“7” isn't a feeling score" in warning and "1" in warning and "5" in warning
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["note"]["element"]["initial_value"] == "they loved it"
    assert blocks["client"]["element"]["initial_option"]["text"]["text"] == "Acme"
    assert checkins(db) == []


def test_unknown_client_opens_modal_saying_so(rapport, db):
    add_client(db, "Acme")
    rapport.slack.command("/feeling", "globex 4 fine", user=USER)
    view = rapport.fake.calls_to("views.open")[0].args["view"]
    assert "No client matches “globex”" in view["blocks"][0]["text"]["text"]
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["score"]["element"]["initial_option"]["value"] == "4"
    assert blocks["note"]["element"]["initial_value"] == "fine"


def test_ambiguous_client_lists_the_candidates(rapport, db):
    add_client(db, "Acme Corp")
    add_client(db, "Acme Labs")
    rapport.slack.command("/feeling", "acme 3", user=USER)
    warning = rapport.fake.calls_to("views.open")[0].args["view"]["blocks"][0]["text"]["text"]
    assert "Acme Corp" in warning and "Acme Labs" in warning
    assert checkins(db) == []


def test_a_person_in_place_of_a_client_is_explained(rapport, db):
    add_client(db, "Acme")
    rapport.slack.command("/feeling", "<@U01PART001|piet> 4 nice", user=USER)
    warning = rapport.fake.calls_to("views.open")[0].args["view"]["blocks"][0]["text"]["text"]
    assert "<@U01PART001> is a person, not a client" in warning
    assert checkins(db) == []


def test_a_5000_character_note_reaches_the_modal_whole_and_is_refused_on_submit(rapport, db):
    add_client(db, "Acme")
    note = "x" * 5000
    rapport.slack.command("/feeling", f"acme 4 {note}", user=USER)
    view = rapport.fake.calls_to("views.open")[0].args["view"]
    assert "5,000 characters" in view["blocks"][0]["text"]["text"]
    response = rapport.slack.submit(view, user=USER)
    assert response.json()["response_action"] == "errors"
    assert "note" in response.json()["errors"]
    assert checkins(db) == []
    response = rapport.slack.submit(view, user=USER, answers={"note": "short and sweet"})
    assert response.status == 200 and response.body == b""
    assert checkins(db)[0].note == "short and sweet"


def test_modal_submit_without_face_or_client_answers_with_errors(rapport, db):
    add_client(db, "Acme")
    rapport.slack.command("/feeling", "", user=USER)
    view = rapport.fake.calls_to("views.open")[0].args["view"]
    body = rapport.slack.submit(view, user=USER).json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"client", "score"}


def test_modal_submit_logs_expectations_tags_and_confirms_in_channel(rapport, db):
    client_id = add_client(db, "Acme")
    rapport.slack.command("/feeling", "acme", user=USER)
    view = rapport.fake.calls_to("views.open")[0].args["view"]
    rapport.slack.submit(
        view,
        user=USER,
        answers={"score": "2", "expectation": "below", "note": "invoice late", "tags": "billing, #urgent"},
    )
    [row] = checkins(db)
    assert (row.client_id, row.score, row.expectation, row.tags) == (
        client_id,
        2,
        "below",
        ["billing", "urgent"],
    )
    [posted] = rapport.fake.calls_to("response_url")
    assert "Acme" in posted.args["text"]


def test_undo_removes_the_check_in(rapport, db):
    add_client(db, "Acme")
    body = rapport.slack.command("/feeling", "acme 4", user=USER).json()
    undo = next(
        e
        for b in body["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "checkin_undo"
    )
    rapport.slack.click(
        user=USER,
        action_id="checkin_undo",
        value=undo["value"],
        message={"channel": "C0GENERAL", "ts": "1.0", "blocks": body["blocks"]},
        is_ephemeral=True,
    )
    assert checkins(db) == []
    assert "Removed" in rapport.fake.calls_to("response_url")[-1].args["text"]


def test_nobody_can_undo_someone_elses_check_in(rapport, db):
    add_client(db, "Acme")
    body = rapport.slack.command("/feeling", "acme 4", user=USER).json()
    checkin_id = str(checkins(db)[0].id)
    rapport.slack.click(
        user="U01PART001",
        action_id="checkin_undo",
        value=checkin_id,
        message={"channel": "C0GENERAL", "ts": "1.0", "blocks": body["blocks"]},
    )
    assert len(checkins(db)) == 1


def test_the_ack_does_not_wait_for_a_slow_slack(fake, db, clock):
    import time

    from bot.web import create_wsgi_app
    from fakeslack.payloads import SlackSender, WSGITransport
    from tests.conftest import SIGNING_SECRET, make_settings

    add_client(db, "Acme")
    wsgi = create_wsgi_app(make_settings(fake, db), db=db, clock=clock)  # the production thread pool
    sender = SlackSender(
        signing_secret=SIGNING_SECRET,
        transport=WSGITransport(wsgi),
        team_id="T0001",
        response_url_for=fake.response_url,
        trigger_id_for=fake.issue_trigger_id,
    )
    fake.inject("views.open", delay=1.5)
    started = time.monotonic()
    response = sender.command("/feeling", "acme", user=USER)
    assert response.status == 200 and time.monotonic() - started < 1.0
    assert not fake.calls_to("views.open")
    [call] = fake.wait_for("views.open", timeout=5)
    assert call.args["view"]["callback_id"] == "feeling_modal"


def test_when_the_form_cannot_open_the_reply_keeps_the_text_and_names_the_right_command(rapport, db):
    add_client(db, "Acme")
    for command, text, retry in (
        ("/feeling", "acme great kickoff", "/feeling"),
        ("/rapport", "touchpoint zzz call with Jan", "/rapport touchpoint"),
    ):
        rapport.fake.inject("views.open", error="expired_trigger_id")
        assert rapport.slack.command(command, text, user=USER).status == 200
        reply = rapport.fake.calls_to("response_url")[-1].args
        typed = text.removeprefix("touchpoint ")
        assert typed in reply["text"] and f"Try `{retry}` again" in reply["text"], reply
    assert checkins(db) == []
