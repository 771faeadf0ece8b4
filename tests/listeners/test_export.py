"""`/rapport export …` through the real WSGI app: the ack, the outbox row, the clock building the file
and uploading it to the person's DM through Slack's three upload steps, and the file read back."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook
from sqlalchemy import select

from bot.services import export as export_service
from storage.models import OutboxMessage, SendAttempt
from tests.factories import USER, add_client


def exports(db):
    with db.session() as session:
        return list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == export_service.KIND)))


def the_file(fake):
    """The one file uploaded to the fake Slack, opened as a workbook."""
    [content] = fake.uploaded_files.values()
    return load_workbook(io.BytesIO(content))


def test_an_export_is_acked_at_once_then_built_by_the_clock_and_shared_in_the_dm(rapport, db):
    add_client(db, "Acme Corp", aliases=("acme",), lead=USER)
    rapport.slack.command("/feeling", "acme 2 =they want a discount, #N/A", user=USER)
    rapport.clock.advance(hours=1)

    body = rapport.slack.command("/rapport", "export 12w acme", user=USER).json()
    assert body["response_type"] == "ephemeral"
    assert "Preparing your export" in body["text"] and "Acme Corp" in body["text"]
    assert "the last 12 weeks (since 2026-09-07)" in body["text"]
    assert not rapport.fake.calls_to("files.getUploadURLExternal")  # nothing built in the web process
    [queued] = exports(db)
    assert queued.channel == USER and queued.respect_working_hours is False
    assert queued.payload["period"] == {"kind": "weeks", "count": 12, "start": "2026-09-07", "end": None}
    # Their zone was not known yet: Slack is asked after the answer, and the file is in it.
    assert queued.payload["client_name"] == "Acme Corp" and queued.payload["zone"] is None

    assert rapport.tick()["sent"] == 1
    # Slack's three steps: an upload URL for the file, the file to that URL, then its sharing in the DM.
    [asked] = rapport.fake.calls_to("files.getUploadURLExternal")
    assert asked.args["filename"] == "rapport-export-acme-corp-2026-11-24.xlsx"
    [uploaded] = rapport.fake.calls_to("upload")
    [file_id] = rapport.fake.uploaded_files
    assert uploaded.args == {"file_id": file_id, "size": int(asked.args["length"])}
    [shared] = rapport.fake.calls_to("files.completeUploadExternal")
    [opened] = rapport.fake.calls_to("conversations.open")  # Slack shares files in conversations only
    assert opened.args["users"] == USER
    assert shared.args["channel_id"] == "D" + USER[1:]  # the fake's id for that DM
    comment = shared.args["initial_comment"]
    assert comment.startswith("Your export: Acme Corp, the last 12 weeks (since 2026-09-07).")
    assert (
        "Clients: 1 · check-ins: 1 · follow-ups: 0 · contacts: 0. Times are in Europe/Amsterdam." in comment
    )
    assert rapport.fake.rejected == [] and rapport.fake.server_errors == []
    [in_dm] = rapport.fake.messages(USER)[-1:]
    assert in_dm.get("files") == [file_id]

    workbook = the_file(rapport.fake)
    assert workbook.sheetnames == ["Summary", "Check-ins", "Follow-ups", "Contacts", "Weekly"]
    checkins = workbook["Check-ins"]
    header, row = list(checkins.iter_rows(values_only=True))
    assert header[:5] == ("When (Europe/Amsterdam)", "Client", "Segment", "Who", "Feeling (1–5)")
    # Logged at 10:00 in Amsterdam (09:00 UTC), as text even where it reads like a formula or an error.
    assert row[:5] == (datetime(2026, 11, 24, 10, 0), "Acme Corp", "retainer", "Lena Lead", 2)
    assert row[6] == "=they want a discount, #N/A"
    assert checkins["G2"].data_type == "s"
    with rapport.deps.db.session() as session:
        [attempt] = session.scalars(select(SendAttempt))
        assert attempt.ok and attempt.error is None
    assert exports(db)[0].status == "sent"


def test_a_second_export_while_the_first_is_on_its_way_is_not_queued(rapport, db):
    add_client(db, "Acme")
    rapport.slack.command("/rapport", "export", user=USER)
    body = rapport.slack.command("/rapport", "export 2026", user=USER).json()
    assert "still being prepared" in body["text"]
    assert len(exports(db)) == 1
    rapport.tick()
    assert "Preparing" in rapport.slack.command("/rapport", "export 2026", user=USER).json()["text"]
    assert len(exports(db)) == 2


def test_nonsense_is_explained_with_examples_and_nothing_is_queued(rapport, db):
    add_client(db, "Acme")
    text = rapport.slack.command("/rapport", "export nonsense", user=USER).json()["text"]
    assert "“nonsense” isn't a period, client or segment I know." in text
    assert "`/rapport export 12w acme`" in text and "`/rapport export since 2026-09-01`" in text
    assert exports(db) == []


def test_an_unknown_client_suggests_the_names_it_might_have_been(rapport, db):
    add_client(db, "Acme Corp")
    add_client(db, "Globex", segment="retail")
    text = rapport.slack.command("/rapport", "export 12w acme crop", user=USER).json()["text"]
    assert "“acme crop” isn't a period, client or segment I know. Did you mean “Acme Corp”?" in text
    text = rapport.slack.command("/rapport", "export retial", user=USER).json()["text"]
    assert "Did you mean “retail”?" in text
    assert exports(db) == []


def test_an_ambiguous_client_names_the_candidates(rapport, db):
    add_client(db, "Acme Corp")
    add_client(db, "Acme Labs")
    text = rapport.slack.command("/rapport", "export acme", user=USER).json()["text"]
    assert "“acme” could be “Acme Corp”, “Acme Labs”." in text
    assert exports(db) == []


def test_a_segment_by_its_name_or_after_the_word_segment(rapport, db):
    add_client(db, "Acme", segment="Retail")
    add_client(db, "Globex", segment="enterprise")
    text = rapport.slack.command("/rapport", "export 2026 segment retail", user=USER).json()["text"]
    assert "segment Retail, 2026" in text
    assert exports(db)[0].payload["segment"] == "Retail"
    text = rapport.slack.command("/rapport", "export segment nope", user=USER).json()["text"]
    assert "There's no segment “nope”. The segments: enterprise, Retail." in text
    text = rapport.slack.command("/rapport", "export segment", user=USER).json()["text"]
    assert "Which segment?" in text and "enterprise, Retail" in text


def test_a_period_nearly_right_says_what_is_wrong(rapport, db):
    add_client(db, "Acme")
    for typed, says in (
        ("export 2026-02-30", "“2026-02-30” isn't a date I can read"),
        ("export since 2027-01-01", "“since 2027-01-01” hasn't started yet"),
        ("export 2026-10-15 to 2026-09-01", "ends before it starts"),
        ("export 900w", "at most 520 weeks"),
    ):
        text = rapport.slack.command("/rapport", typed, user=USER).json()["text"]
        assert says in text, (typed, text)
        assert "Try:" in text
    assert exports(db) == []


def test_help_lists_export(rapport):
    body = rapport.slack.command("/rapport", "help", user=USER).json()
    assert "/rapport export" in str(body["blocks"])
