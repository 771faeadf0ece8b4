"""Nudges due together reach a person as one DM, a section each, and every button on it works on its
own nudge: the nudge it sat on is redrawn saying what happened, the others stay as they were. The
follow-up and quiet-contact kinds are queued under a key, so a stage is queued once. Through the real
WSGI app; the clock starts Tuesday 24 Nov 2026, 10:00 in Amsterdam."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from bot.services import followups as followup_service
from bot.views.nudges import part_of
from storage.models import Client, FollowUp, OutboxMessage, Staff, Wait
from tests.factories import USER, add_client, dm

PARTNER = "U01PART001"
FRIDAY_NINE = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # 09:00 in Amsterdam


def element(message: dict[str, Any], action_id: str, nth: int = 0) -> tuple[str, dict[str, Any]]:
    """The `nth` element with this action id in a message, and the block_id of the block it is in."""
    found = [
        (block["block_id"], dict(e))
        for block in message["blocks"]
        for e in block.get("elements", []) + ([block["accessory"]] if "accessory" in block else [])
        if e.get("action_id") == action_id
    ]
    assert len(found) > nth, f"no {action_id} #{nth} in {message['blocks']}"
    return found[nth]


def press(rapport, message: dict[str, Any], action_id: str, nth: int = 0, **extra: Any) -> None:
    block_id, button = element(message, action_id, nth)
    rapport.slack.click(
        user=USER, action_id=action_id, value=button.get("value"), block_id=block_id, message=message, **extra
    )


def parts(message: dict[str, Any]) -> dict[int, str]:
    """Each nudge in a message (by its outbox row) and the text of its blocks."""
    found: dict[int, str] = {}
    for block in message["blocks"]:
        _, part = part_of(block.get("block_id"))
        if part is not None:
            found[part] = found.get(part, "") + str(block)
    return found


def followups(db) -> dict[str, FollowUp]:
    with db.session() as session:
        return {row.what: row for row in session.scalars(select(FollowUp))}


def two_promises_for_friday(rapport, db, clock) -> dict[str, Any]:
    add_client(db, "Acme", lead=USER, partner=PARTNER)
    add_client(db, "Globex", lead=USER, partner=PARTNER)
    rapport.slack.command("/followup", "acme call Jan back friday", user=USER)
    rapport.slack.command("/followup", "globex send the revised quote friday", user=USER)
    clock.set(FRIDAY_NINE)
    counts = rapport.tick()
    assert counts["followups_nudged"] == 2 and counts["bundles"] == 1
    [message] = dm(rapport.fake)
    return message


def test_two_promises_due_the_same_morning_come_as_one_message_with_a_section_each(rapport, db, clock):
    message = two_promises_for_friday(rapport, db, clock)
    assert len(rapport.fake.calls_to("chat.postMessage")) == 1
    shown = str(message["blocks"])
    assert message["blocks"][0]["type"] == "header" and "2" in message["blocks"][0]["text"]["text"]
    assert "call Jan back" in shown and "send the revised quote" in shown
    assert len(parts(message)) == 2
    assert sum(1 for b in message["blocks"] if b["type"] == "actions") == 2  # each its own buttons
    with db.session() as session:
        rows = list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == followup_service.DUE)))
    assert {(r.status, r.response_ts) for r in rows} == {("sent", message["ts"])}
    assert all(r.key and r.key.startswith("followup:") for r in rows)


def test_done_on_one_nudge_redraws_only_that_one_and_undo_brings_it_back(rapport, db, clock):
    message = two_promises_for_friday(rapport, db, clock)
    before = parts(message)
    press(rapport, message, "followup_done", nth=1)
    rows = followups(db)
    assert (rows["call Jan back"].status, rows["send the revised quote"].status) == ("open", "done")
    [updated] = dm(rapport.fake)
    after = parts(updated)
    first, second = sorted(before)
    assert after[first] == before[first]  # the other nudge, buttons and all, as it was
    assert (
        "followup_done" not in after[second] and "Done:" in after[second] and "followup_undo" in after[second]
    )
    assert updated["blocks"][0] == message["blocks"][0]  # the header stays
    press(rapport, updated, "followup_undo")
    assert followups(db)["send the revised quote"].status == "open"
    [again] = dm(rapport.fake)
    assert "followup_done" in parts(again)[second] and parts(again)[first] == before[first]


def test_reassign_from_a_message_of_several_names_the_right_promise(rapport, db, clock):
    message = two_promises_for_friday(rapport, db, clock)
    block_id, _ = element(message, "followup_reassign", 0)
    rapport.slack.click(
        user=USER, action_id="followup_reassign", action_type="users_select", message=message,
        block_id=block_id, extra={"selected_user": PARTNER},
    )  # fmt: skip
    with db.session() as session:
        owners = {
            row.what: session.get(Staff, row.owner_id).slack_user_id  # type: ignore[union-attr]
            for row in session.scalars(select(FollowUp))
        }
    assert owners == {"call Jan back": PARTNER, "send the revised quote": USER}
    [updated] = dm(rapport.fake)
    assert "Handed to <@U01PART001>" in str(updated["blocks"]) and "send the revised quote" in str(
        updated["blocks"]
    )


def test_log_a_follow_up_from_a_quiet_nudge_among_others_redraws_only_that_nudge(rapport, db, clock):
    add_client(db, "Acme", lead=USER, partner=PARTNER)
    rapport.slack.command("/rapport", "touchpoint acme email to Jan about the revised quote", user=USER)
    with db.session() as session:
        quiet_at = session.scalars(select(Wait)).one().next_check_at
    assert quiet_at == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # Tuesday 1 Dec, 10:00
    rapport.slack.command("/followup", "acme send the agenda 2026-12-01 at 10:00", user=USER)
    with db.session() as session:
        client = session.scalars(select(Client)).one()
    clock.set(quiet_at)
    counts = rapport.tick()
    assert (counts["quiet_told"], counts["followups_nudged"], counts["bundles"]) == (1, 1, 1)
    [bundled] = dm(rapport.fake)
    assert len(parts(bundled)) == 2 and "quiet_followup" in str(bundled["blocks"])
    press(rapport, bundled, "quiet_followup")
    form = rapport.fake.calls_to("views.open")[-1].args["view"]
    rapport.slack.submit(form, user=USER, answers={"what": "call Jan about the quote", "date": "2026-12-02"})
    with db.session() as session:
        assert session.scalars(select(Wait)).one().status == "followed_up"
        assert client.id in {f.client_id for f in session.scalars(select(FollowUp))}
    redrawn = next(m for m in dm(rapport.fake) if m["ts"] == bundled["ts"])
    shown = parts(redrawn)
    assert len(shown) == 2
    assert any("stopped waiting" in text and "quiet_replied" not in text for text in shown.values())
    assert any("send the agenda" in text and "followup_done" in text for text in shown.values())
    assert redrawn["blocks"][0] == bundled["blocks"][0]


def test_a_stage_is_queued_once_however_often_it_is_asked_for(rapport, db, clock):
    add_client(db, "Acme", lead=USER, partner=PARTNER)
    rapport.slack.command("/followup", "acme call Jan back friday", user=USER)
    clock.set(FRIDAY_NINE)
    with db.session() as session:
        promise = session.scalars(select(FollowUp)).one()
        scheduled = promise.next_nudge_at
    with db.session() as session:
        followup_service.advance(session, FRIDAY_NINE)
    # a second clock that read the row before the first moved it queues the same nudge again: one row
    with db.session() as session:
        promise = session.scalars(select(FollowUp)).one()
        promise.stage, promise.next_nudge_at = "due", scheduled
    with db.session() as session:
        followup_service.advance(session, FRIDAY_NINE)
        rows = list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == followup_service.DUE)))
    assert len(rows) == 1
    rapport.tick()
    assert len(rapport.fake.calls_to("chat.postMessage")) == 1
