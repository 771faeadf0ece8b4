"""The whole check-in loop, as one user would live it, through the real WSGI app:
import → /feeling → modal submit → touchpoint → DM prompt sent → button click → stored and updated."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.services.importer import import_file
from storage.models import CheckIn, Client, Prompt

USER = "U01LEAD001"
CSV = """client,aliases,segment,email_domains,lead,partner,backup,renewal_date,contacts
Acme Corporation,Acme;ACME BV,retainer,acme.example,U01LEAD001,U01PART001,,2027-03-31,Jan <jan@acme.example>
Globex,,project,globex.example,U01PART001,,U01LEAD001,,
"""


def test_import_feeling_modal_touchpoint_prompt_and_click(rapport, db, tmp_path: Path):
    # 1. An admin imports the clients.
    path = tmp_path / "clients.csv"
    path.write_text(CSV)
    with db.session() as session:
        report = import_file(session, "T0001", path)
    assert report.ok and report.created == 2

    # 2. /feeling with everything given logs at once.
    body = rapport.slack.command("/feeling", "acme 4 good kickoff", user=USER).json()
    assert "Acme Corporation" in body["text"]

    # 3. /feeling with the score missing opens the modal, pre-filled; the submit logs it.
    rapport.slack.command("/feeling", "globex", user=USER)
    view = rapport.fake.calls_to("views.open")[-1].args["view"]
    assert rapport.slack.submit(view, user=USER, answers={"score": "3", "expectation": "met"}).status == 200

    # 4. A touchpoint queues a DM prompt; the outbox job sends it.
    rapport.slack.command("/rapport", "touchpoint acme quarterly review", user=USER)
    assert rapport.tick()["sent"] == 1
    [message] = rapport.fake.messages(USER)
    assert "How did *Acme Corporation* feel after *quarterly review*?" in message["text"]

    # 5. One click on a face logs it and updates the message in place.
    button = next(
        e
        for b in message["blocks"]
        if b.get("block_id") == "prompt_faces"
        for e in b["elements"]
        if e["action_id"] == "prompt_face_2"
    )
    rapport.slack.click(
        user=USER, action_id="prompt_face_2", value=button["value"], message=message, block_id="prompt_faces"
    )
    [updated] = rapport.fake.messages(USER)
    assert updated["ts"] == message["ts"] and "🙁 Unhappy" in updated["text"]

    with db.session() as session:
        rows = session.execute(
            select(Client.name, CheckIn.score, CheckIn.expectation, CheckIn.source, CheckIn.touchpoint_id)
            .join(Client, Client.id == CheckIn.client_id)
            .order_by(CheckIn.id)
        ).all()
        prompt = session.scalars(select(Prompt)).one()
    assert [(r.name, r.score, r.expectation, r.source) for r in rows] == [
        ("Acme Corporation", 4, None, "command"),
        ("Globex", 3, "met", "modal"),
        ("Acme Corporation", 2, None, "prompt"),
    ]
    assert rows[2].touchpoint_id == prompt.touchpoint_id and prompt.status == "answered"
    assert rapport.fake.rejected == []  # every Slack call matched Slack's published spec
