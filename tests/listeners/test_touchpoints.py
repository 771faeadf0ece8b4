"""Logging touchpoints: the command, the form and the message shortcut; each queues a prompt."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from storage.models import (
    OutboxMessage,
    Touchpoint,
)
from tests.factories import USER, add_client, log_touchpoint, prompt_row


def test_touchpoint_command_records_it_and_queues_a_prompt(rapport, db):
    body = log_touchpoint(rapport, db).json()
    assert "call with Jan" in body["text"] and "Acme" in body["text"]
    with db.session() as session:
        tp = session.scalars(select(Touchpoint)).one()
        assert (tp.kind, tp.title, tp.source) == ("call", "call with Jan", "manual")
        outbox = session.scalars(select(OutboxMessage)).one()
        assert (outbox.kind, outbox.status, outbox.channel) == ("prompt", "pending", USER)
    assert prompt_row(db).due_at == rapport.clock.now  # logged after the fact: ask at once
    assert rapport.fake.calls_to("chat.postMessage") == []  # only the outbox job sends


def test_a_future_meeting_is_asked_about_15_minutes_after_it_ends(rapport, db, clock):
    client_id = add_client(db, "Acme", lead=USER)
    rapport.slack.command("/rapport", "touchpoint", user=USER)
    view = rapport.fake.calls_to("views.open")[0].args["view"]
    later = int(clock.now.timestamp()) + 2 * 3600
    rapport.slack.submit(
        view,
        user=USER,
        answers={
            "client": {"text": {"type": "plain_text", "text": "Acme"}, "value": str(client_id)},
            "kind": "meeting",
            "title": "Quarterly review",
            "when": later,
        },
    )
    prompt = prompt_row(db)
    assert prompt.due_at == datetime.fromtimestamp(later, UTC) + timedelta(minutes=15)
    assert rapport.tick()["sent"] == 0
    clock.set(prompt.due_at)
    assert rapport.tick()["sent"] == 1


def test_message_shortcut_opens_a_touchpoint_modal_prefilled(rapport, db):
    add_client(db, "Acme")
    rapport.slack.shortcut(
        "log_touchpoint",
        user=USER,
        channel="C0ACME",
        message={"ts": "1700000000.000100", "text": "Can we move the launch?\nThanks"},
    )
    view = rapport.fake.calls_to("views.open")[0].args["view"]
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["title"]["element"]["initial_value"] == "Can we move the launch?"


def test_a_message_from_the_clients_workspace_is_logged_as_theirs_and_ours_as_a_conversation(rapport, db):
    add_client(db, "Acme")
    for team, expected in (("T0ACME", "inbound"), ("T0001", "both")):
        rapport.slack.shortcut(
            "log_touchpoint",
            user=USER,
            channel="C0ACME",
            message={"ts": "1700000000.000100", "text": "Can we move the launch?", "user_team": team},
        )
        view = rapport.fake.calls_to("views.open")[-1].args["view"]
        blocks = {b.get("block_id"): b for b in view["blocks"]}
        assert blocks["direction"]["element"]["initial_option"]["value"] == expected
