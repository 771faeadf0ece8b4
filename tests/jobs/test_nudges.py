"""Nudges: a person gets at most one nudge DM per 30 minutes, in their working hours; nudges due close
together go in one message, a section each; what comes due later waits for the next turn; prompts are
never held back nor bundled; and a message of several nudges is delivered once, whatever Slack does."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot import deps as deps_module
from bot.jobs import outbox
from bot.services import outbox as outbox_service
from bot.views.common import blocks_json, context, section
from bot.views.nudges import part_of
from storage import queries
from storage.models import OutboxMessage, SendAttempt, Staff
from tests.factories import add_client, dm, log_touchpoint

LENA = "U01LEAD001"  # Amsterdam
NORA = "U01NYC0001"  # New York
AT_NINE = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Amsterdam


@pytest.fixture
def followed() -> list[tuple[str, int, str | None, int | None]]:
    """What the kinds' on_sent saw: (kind, row id, ts, bundle id)."""
    return []


@pytest.fixture
def kinds(followed) -> Iterator[None]:
    """Two nudge kinds, as a follow-up slice would register them: each draws its own section."""

    def draw(session, message: OutboxMessage) -> dict[str, Any] | None:
        what = message.payload["what"]
        if what == "done meanwhile":
            return None
        blocks = [section(f"*{what}*"), context(message.kind)]
        drawn = blocks_json(blocks) + [
            {"type": "context", "block_id": "nudge_more", "elements": [{"type": "mrkdwn", "text": "·"}]}
        ] * message.payload.get("extra", 0)
        return {"text": what, "blocks": drawn}

    def on_sent(session, settings, message: OutboxMessage, now: datetime) -> None:
        followed.append((message.kind, message.id, message.response_ts, message.bundle_id))

    registered = [
        outbox.Kind("test_promise_due", draw, outbox.post, on_sent, nudge=True),
        outbox.Kind("test_contact_quiet", draw, outbox.post, on_sent, nudge=True),
    ]
    outbox.register(*registered)
    yield
    for kind in registered:
        outbox.KINDS.pop(kind.name, None)


def staff_id(db, user: str) -> int:
    with db.session() as session:
        found = session.scalars(select(Staff.id).where(Staff.slack_user_id == user)).first()
    if found is None:
        add_client(db, f"Client of {user}", lead=user)
        return staff_id(db, user)
    return found


def nudge(
    db, what: str, due: datetime, kind: str = "test_promise_due", user: str = LENA, extra: int = 0
) -> int:
    recipient = staff_id(db, user)
    with db.session() as session:
        return outbox_service.enqueue(
            session,
            team_id="T0001",
            kind=kind,
            channel=user,
            not_before=due,
            payload={"what": what, "extra": extra},
            recipient_staff_id=recipient,
            key=(f"thing:{what}", "due"),
        ).message.id


def row(db, outbox_id: int) -> OutboxMessage:
    with db.session() as session:
        found = session.get(OutboxMessage, outbox_id)
        assert found is not None
        return found


def carried(message: dict[str, Any]) -> list[int]:
    payload = message["metadata"]["event_payload"]
    return payload.get("bundle") or [payload["outbox_id"]]


def sections(message: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]


def test_three_nudges_due_within_half_an_hour_go_in_one_dm_with_a_section_each(
    rapport, db, clock, kinds, followed
):
    ids = [
        nudge(db, "Call Acme back", AT_NINE),
        nudge(db, "Jan at Acme has gone quiet", AT_NINE + timedelta(minutes=10), kind="test_contact_quiet"),
        nudge(db, "Send Acme the proposal", AT_NINE + timedelta(minutes=20)),
    ]

    counts = rapport.tick()

    assert (counts["sent"], counts["bundles"]) == (3, 1)
    [message] = dm(rapport.fake)
    assert sections(message) == [
        "*Call Acme back*",
        "*Jan at Acme has gone quiet*",
        "*Send Acme the proposal*",
    ]
    header, why = message["blocks"][:2]
    assert header["type"] == "header" and header["text"]["text"] == "3 things to follow up on"
    assert "at most once every 30 minutes" in why["elements"][0]["text"]
    assert [b["type"] for b in message["blocks"]].count("divider") == 2
    assert message["text"].startswith("3 things to follow up on\nCall Acme back\n")
    assert carried(message) == ids  # one message, every row's id in its metadata
    rows = [row(db, n) for n in ids]
    assert {(r.status, r.response_ts, r.bundle_id, r.attempts) for r in rows} == {
        ("sent", message["ts"], ids[0], 1)
    }
    # every row's kind followed up, each with its own row, all with the message's ts
    assert followed == [
        ("test_promise_due", ids[0], message["ts"], ids[0]),
        ("test_contact_quiet", ids[1], message["ts"], ids[0]),
        ("test_promise_due", ids[2], message["ts"], ids[0]),
    ]
    assert rapport.fake.rejected == []


def test_a_fourth_nudge_ten_minutes_later_waits_for_the_next_turn(rapport, db, clock, kinds):
    for minutes in (0, 10, 20):
        nudge(db, f"Thing {minutes}", AT_NINE + timedelta(minutes=minutes))
    rapport.tick()  # one DM at 09:00 with all three
    clock.set(AT_NINE + timedelta(minutes=10))
    fourth = nudge(db, "Thing after", clock.now)

    assert rapport.tick()["deferred"] == 1
    assert row(db, fourth).not_before == AT_NINE + timedelta(minutes=30)
    clock.set(AT_NINE + timedelta(minutes=29, seconds=59))
    assert rapport.tick()["sent"] == 0
    clock.set(AT_NINE + timedelta(minutes=30))
    assert rapport.tick()["sent"] == 1

    first, second = dm(rapport.fake)
    assert float(second["ts"]) - float(first["ts"]) >= 30 * 60
    assert (len(carried(first)), carried(second)) == (3, [fourth])


def test_one_nudge_goes_as_its_kind_drew_it(rapport, db, clock, kinds):
    only = nudge(db, "Call Acme back", AT_NINE)
    assert rapport.tick()["bundles"] == 0
    [message] = dm(rapport.fake)
    assert message["text"] == "Call Acme back" and message["blocks"][0]["type"] == "section"
    assert message["metadata"]["event_payload"] == {"outbox_id": only, "team": "T0001"}


def test_a_prompt_is_neither_held_back_nor_bundled(rapport, db, clock, kinds):
    nudge(db, "Call Acme back", AT_NINE)
    rapport.tick()  # the nudge DM: the next nudge waits until 09:30
    clock.advance(minutes=5)
    later = nudge(db, "Send the proposal", clock.now)
    log_touchpoint(rapport, db)  # a check-in question after a touchpoint

    counts = rapport.tick()

    assert (counts["sent"], counts["deferred"]) == (1, 1)
    nudged, prompt = dm(rapport.fake)
    assert nudged["text"] == "Call Acme back"
    assert prompt["text"].startswith("How did") and "bundle" not in prompt["metadata"]["event_payload"]
    assert row(db, later).not_before == AT_NINE + timedelta(minutes=30)


def test_nudges_wait_for_working_hours_in_the_recipients_zone(rapport, db, clock, kinds):
    clock.set(datetime(2026, 11, 24, 1, 0, tzinfo=UTC))  # 02:00 in Amsterdam, 20:00 in New York
    lena = [nudge(db, f"Lena {n}", clock.now + timedelta(minutes=10 * n)) for n in range(3)]
    nora = [nudge(db, f"Nora {n}", clock.now, user=NORA) for n in range(2)]

    assert rapport.tick()["deferred"] == 5
    amsterdam_nine, new_york_nine = (datetime(2026, 11, 24, h, 0, tzinfo=UTC) for h in (8, 14))
    assert {row(db, n).not_before for n in lena} == {amsterdam_nine}
    assert {row(db, n).not_before for n in nora} == {new_york_nine}

    clock.set(amsterdam_nine - timedelta(seconds=1))
    assert rapport.tick()["sent"] == 0
    clock.set(amsterdam_nine)
    assert rapport.tick()["sent"] == 3
    clock.set(new_york_nine)
    assert rapport.tick()["sent"] == 2
    assert [len(carried(m)) for m in dm(rapport.fake)] == [3]
    assert [len(carried(m)) for m in dm(rapport.fake, NORA)] == [2]


def test_a_message_keeps_within_fifty_blocks_and_the_rest_waits_for_the_next_turn(rapport, db, clock, kinds):
    ids = [nudge(db, f"Thing {n:02}", AT_NINE, extra=1) for n in range(20)]  # three blocks each

    counts = rapport.tick()

    # the header's two blocks, then 3 blocks and a divider each: twelve fit in 49
    assert (counts["sent"], counts["deferred"]) == (12, 8)
    [first] = dm(rapport.fake)
    assert len(first["blocks"]) == 49 and carried(first) == ids[:12]
    block_ids = [b["block_id"] for b in first["blocks"] if "block_id" in b]
    # each kept apart from the others', and every block of a nudge says which nudge it belongs to
    assert [i for i in block_ids if i.startswith("nudge_more")] == [f"nudge_more~{n}" for n in ids[:12]]
    assert len(block_ids) == len(set(block_ids)) == 3 * 12
    assert {part_of(i)[1] for i in block_ids} == set(ids[:12])
    assert {row(db, n).not_before for n in ids[12:]} == {AT_NINE + timedelta(minutes=30)}
    clock.set(AT_NINE + timedelta(minutes=30))
    assert rapport.tick()["sent"] == 8
    assert carried(dm(rapport.fake)[1]) == ids[12:]
    assert rapport.fake.rejected == []


def test_a_nudge_withdrawn_meanwhile_stays_out_and_the_others_go(rapport, db, clock, kinds):
    keep = nudge(db, "Call Acme back", AT_NINE)
    gone = nudge(db, "done meanwhile", AT_NINE)
    other = nudge(db, "Send the proposal", AT_NINE)
    counts = rapport.tick()
    assert (counts["sent"], counts["cancelled"]) == (2, 1)
    assert carried(dm(rapport.fake)[0]) == [keep, other] and row(db, gone).status == "cancelled"


def test_a_nudge_kind_is_sent_as_a_post():
    with pytest.raises(ValueError):
        outbox.register(outbox.Kind("test_edit_nudge", lambda s, m: {}, outbox.update, nudge=True))
    assert "test_edit_nudge" not in outbox.KINDS


# --- delivered once, whatever Slack does ------------------------------------------------------------


def test_a_429_with_retry_after_and_500s_still_deliver_every_nudge_once(rapport, db, clock, kinds):
    ids = [nudge(db, f"Thing {n}", AT_NINE) for n in range(3)]
    rapport.fake.inject("chat.postMessage", status=429, retry_after=1)  # waited out within the call
    rapport.fake.inject("chat.postMessage", status=500, times=2)  # then Slack fails, and keeps nothing

    counts = rapport.tick()
    assert (counts["retried"], counts["sent"]) == (3, 0)
    doubt = row(db, ids[0])
    assert (doubt.status, doubt.bundle_id, doubt.last_error) == ("pending", ids[0], "fatal_error")
    assert doubt.in_doubt_since is not None  # a 500 does not say whether Slack kept it

    clock.advance(minutes=1)
    assert rapport.tick()["retried"] == 3  # looked for first (not there), sent again, another 500
    clock.advance(minutes=2)
    counts = rapport.tick()

    assert (counts["sent"], counts["found"]) == (3, 0)
    [message] = dm(rapport.fake)
    assert carried(message) == ids
    assert len(rapport.fake.calls_to("conversations.history")) == 2
    for n in ids:
        assert [ok for ok, *_ in attempts(db, n)] == [False, False, True]


def test_a_long_retry_after_gives_the_person_their_turn_back_and_the_nudges_go_when_slack_says(
    rapport, db, clock, kinds
):
    ids = [nudge(db, f"Thing {n}", AT_NINE) for n in range(3)]
    rapport.fake.inject("chat.postMessage", status=429, retry_after=60)  # longer than a call waits

    assert rapport.tick()["retried"] == 3
    assert {(row(db, n).not_before, row(db, n).bundle_id) for n in ids} == {
        (AT_NINE + timedelta(seconds=60), None)
    }
    clock.set(AT_NINE + timedelta(seconds=60))  # not the next turn, half an hour on: nothing reached them
    assert rapport.tick()["sent"] == 3
    [message] = dm(rapport.fake)
    assert carried(message) == ids


def test_a_message_slack_kept_without_answering_is_found_by_any_of_its_nudges(
    rapport, db, clock, kinds, followed, monkeypatch
):
    monkeypatch.setattr(deps_module, "SLACK_TIMEOUT", 1)  # the sending client gives up on Slack after 1 s
    ids = [nudge(db, f"Thing {n}", AT_NINE) for n in range(3)]
    rapport.fake.inject("chat.postMessage", delay=1.5)  # Slack keeps it, but answers too late

    assert rapport.tick()["retried"] == 3
    rapport.fake.wait_for("chat.postMessage")
    clock.advance(minutes=1)
    counts = rapport.tick()

    assert (counts["found"], counts["sent"]) == (3, 0)
    [message] = dm(rapport.fake)
    assert len(rapport.fake.calls_to("chat.postMessage")) == 1
    assert {(row(db, n).status, row(db, n).response_ts) for n in ids} == {("sent", message["ts"])}
    assert [n for _, n, ts, _ in followed] == ids and {ts for *_, ts, _ in followed} == {message["ts"]}
    for n in ids:
        assert attempts(db, n)[-1] == (True, None, outbox.FOUND)


def test_a_worker_that_died_mid_send_leaves_the_message_to_be_found_not_sent_again(rapport, db, clock, kinds):
    ids = [nudge(db, f"Thing {n}", AT_NINE) for n in range(3)]
    lease = outbox.lease(outbox.KINDS["test_promise_due"])
    with db.session() as session:  # as a killed clock leaves them: claimed, held, posted, nothing recorded
        claimed = queries.claim_nudges(
            session,
            "T0001",
            LENA,
            outbox.nudge_kinds(),
            clock.now,
            clock.now + timedelta(minutes=1),
            "dead",
            clock.now + lease,
            24,
        )
        assert sorted(claimed) == ids
        assert queries.hold_bundle_for_sending(
            session, ids, "dead", clock.now, clock.now, clock.now + lease, ids[0]
        )
    lead = row(db, ids[0])
    rapport.deps.sender_for("T0001").chat_postMessage(
        channel=LENA, text="3 things", metadata=outbox.outbox_key(lead, ids)
    )
    assert rapport.tick()["found"] == 0  # the claims still hold

    clock.advance(seconds=lease.total_seconds() + 1)
    counts = rapport.tick()

    assert (counts["found"], counts["sent"]) == (3, 0)
    assert len(rapport.fake.calls_to("chat.postMessage")) == 1
    assert {row(db, n).status for n in ids} == {"sent"}


def test_a_permanent_error_fails_every_nudge_of_the_message_once_with_the_reason(
    rapport, db, clock, kinds, caplog
):
    ids = [nudge(db, f"Thing {n}", AT_NINE) for n in range(3)]
    rapport.fake.inject("chat.postMessage", error="account_inactive")

    counts = rapport.tick()

    assert (counts["failed"], counts["retried"], counts["sent"]) == (3, 0, 0)
    for n in ids:
        failed = row(db, n)
        assert (failed.status, failed.last_error, failed.attempts, failed.in_doubt_since) == (
            "failed",
            "account_inactive",
            1,
            None,
        )
        assert attempts(db, n) == [(False, "account_inactive", None)]
    assert caplog.text.count("failed for good") == 1
    clock.advance(hours=2)
    assert rapport.tick()["sent"] == 0
    assert rapport.fake.requests["chat.postMessage"] == 1


def test_two_workers_at_once_never_split_a_persons_nudges(rapport, db, clock, kinds):
    clock.set(AT_NINE + timedelta(hours=5))  # 15:00 in Amsterdam, 09:00 in New York
    for user in (LENA, NORA, "U01PART001"):
        for n in range(4):
            nudge(db, f"{user} {n}", clock.now, user=user)
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            outbox.deliver_due(rapport.deps, clock.now, worker=name)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(f"clock-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    for user in (LENA, NORA, "U01PART001"):
        [message] = dm(rapport.fake, user)
        assert len(carried(message)) == 4
    everything = Counter(n for m in rapport.fake.messages() for n in carried(m))
    assert set(everything.values()) == {1}


def attempts(db, outbox_id: int) -> list[tuple[bool, str | None, str | None]]:
    with db.session() as session:
        rows = session.scalars(
            select(SendAttempt).where(SendAttempt.outbox_id == outbox_id).order_by(SendAttempt.id)
        )
        return [(a.ok, a.error, a.note) for a in rows]
