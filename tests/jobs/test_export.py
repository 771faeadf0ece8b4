"""The outbox kind `export`: drawn by the clock (the file built then), sent as an upload to the DM, and
what happens when the client has gone, the upload fails for a moment, or Slack says no for good."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import delete, select

from bot.services import export as export_service
from storage.models import Client, OutboxMessage, SendAttempt
from tests.factories import USER, add_client


def asked(rapport, text: str) -> int:
    rapport.slack.command("/rapport", f"export {text}", user=USER)
    with rapport.deps.db.session() as session:
        queued = select(OutboxMessage.id).where(OutboxMessage.kind == export_service.KIND)
        return session.scalars(queued).one()


def row(db, outbox_id: int) -> OutboxMessage:
    with db.session() as session:
        found = session.get(OutboxMessage, outbox_id)
        assert found is not None
        return found


def test_an_export_whose_client_has_gone_is_cancelled_and_nothing_is_uploaded(rapport, db):
    acme = add_client(db, "Acme")
    outbox_id = asked(rapport, "acme")
    with db.session() as session:
        session.execute(delete(Client).where(Client.id == acme))
    assert rapport.tick()["cancelled"] == 1
    assert row(db, outbox_id).status == "cancelled"
    assert rapport.fake.calls_to("files.getUploadURLExternal") == []


def test_an_upload_that_fails_for_a_moment_is_made_and_sent_again(rapport, db):
    add_client(db, "Acme")
    outbox_id = asked(rapport, "all")
    rapport.fake.inject("upload", status=500)
    assert rapport.tick()["retried"] == 1
    assert row(db, outbox_id).status == "pending" and rapport.fake.uploaded_files == {}
    rapport.clock.advance(minutes=2)
    assert rapport.tick()["sent"] == 1
    [content] = rapport.fake.uploaded_files.values()
    assert load_workbook(io.BytesIO(content)).sheetnames[0] == "Summary"
    with db.session() as session:
        attempts = list(session.scalars(select(SendAttempt).order_by(SendAttempt.id)))
    assert [a.ok for a in attempts] == [False, True]


def test_slack_saying_no_for_good_fails_the_export_with_its_reason(rapport, db):
    add_client(db, "Acme")
    outbox_id = asked(rapport, "")
    rapport.fake.inject("files.completeUploadExternal", error="not_allowed_token_type")
    assert rapport.tick()["failed"] == 1
    failed = row(db, outbox_id)
    assert (failed.status, failed.last_error) == ("failed", "not_allowed_token_type")


def test_a_message_of_another_shape_fails_loudly_and_stays_recorded(rapport, db):
    add_client(db, "Acme")
    outbox_id = asked(rapport, "")
    with db.session() as session:
        session.get(OutboxMessage, outbox_id).payload = {"period": "soon"}
    rapport.tick()
    broken = row(db, outbox_id)
    assert broken.last_error.startswith("drawing: ValueError") and broken.status == "pending"
