"""Quiet contacts: outreaches logged as touchpoints or with `/rapport waiting`, answers that close
them, the nudge to the lead with next steps and its buttons, the partner told after 2 more working
days, and `/rapport quiet` to set how long is too long. Through the real WSGI app; the clock starts
Tuesday 24 Nov 2026, 10:00 in Amsterdam (09:00 UTC)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from storage.models import Client, Contact, OutboxMessage, Staff, Wait
from tests.factories import USER, add_client

PARTNER = "U01PART001"
COLLEAGUE = "U01COLL001"


def waits(db) -> list[Wait]:
    with db.session() as session:
        return list(session.scalars(select(Wait).order_by(Wait.id)))


def contact(db, name: str) -> Contact:
    with db.session() as session:
        return session.scalars(select(Contact).where(Contact.name == name)).one()


def acme(db, **kwargs) -> int:
    return add_client(db, "Acme", lead=USER, partner=PARTNER, **kwargs)


def touchpoint(rapport, text: str, user: str = USER):
    return rapport.slack.command("/rapport", f"touchpoint {text}", user=user)


def elements(message) -> set[str]:
    return {e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]}


def test_an_email_to_a_contact_is_an_outreach_awaiting_an_answer(rapport, db):
    acme(db)
    answer = touchpoint(rapport, "acme email to Jan about the revised quote")
    text = answer.json()["text"]
    assert "Logged email" in text and "(Jan)" in text and "no answer in 5 working days" in text
    [wait] = waits(db)
    assert (wait.status, wait.about, wait.channel) == (
        "open",
        "email to Jan about the revised quote",
        "email",
    )
    assert wait.next_check_at == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 5 working days on, same time
    assert contact(db, "Jan").last_outbound_at == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    with db.session() as session:
        assert session.scalars(select(OutboxMessage)).all() == []  # no "how did they feel?" for an email


def test_an_answer_from_the_contact_closes_the_wait(rapport, db, clock):
    acme(db)
    touchpoint(rapport, "acme email to Jan about the revised quote")
    clock.advance(days=1)
    answer = touchpoint(rapport, "acme email from Jan")
    assert "stopped waiting" in answer.json()["text"]
    [wait] = waits(db)
    assert wait.status == "replied"
    assert contact(db, "Jan").last_inbound_at == datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def test_a_meeting_with_anyone_at_the_client_answers_an_outreach_that_named_nobody(rapport, db):
    acme(db)
    rapport.slack.command("/rapport", "waiting acme the signed contract", user=USER)
    [wait] = waits(db)
    assert wait.contact_id is None and wait.about == "the signed contract"
    touchpoint(rapport, "acme call with Piet")
    assert waits(db)[0].status == "replied"


def test_an_answer_from_someone_else_leaves_a_named_contact_waiting(rapport, db):
    acme(db)
    touchpoint(rapport, "acme email to Jan about the quote")
    touchpoint(rapport, "acme email from Piet about the invoice")
    assert waits(db)[0].status == "open"


def test_a_second_outreach_to_the_same_contact_keeps_the_first_silence(rapport, db, clock):
    acme(db)
    touchpoint(rapport, "acme email to Jan about the quote")
    clock.advance(days=2)
    touchpoint(rapport, "acme email to Jan about the quote, again")
    [wait] = waits(db)
    assert wait.since == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert wait.last_outreach_at == datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def test_the_touchpoint_form_takes_the_contact_and_who_reached_out(rapport, db):
    acme(db)
    rapport.slack.command("/rapport", "touchpoint", user=USER)
    form = rapport.fake.calls_to("views.open")[-1].args["view"]
    client_option = {b.get("block_id"): b for b in form["blocks"]}["client"]
    assert client_option  # the picker
    with db.session() as session:
        client_id = session.scalars(select(Client.id)).one()
    rapport.slack.submit(
        form,
        user=USER,
        answers={
            "client": str(client_id),
            "kind": "call",
            "title": "Called about the renewal",
            "contact": "Marie Dubois",
            "direction": "outbound",
        },
    )
    [wait] = waits(db)
    assert contact(db, "Marie Dubois").id == wait.contact_id and wait.channel == "call"


def test_waiting_names_a_contact_the_client_and_what_it_is_about(rapport, db):
    acme(db)
    answer = rapport.slack.command("/rapport", "waiting acme jan about the proposal", user=USER)
    body = answer.json()
    assert "waiting on *jan* at *Acme* about “the proposal”" in body["text"]
    assert "by Tue 01 Dec" in body["text"]
    assert {"quiet_replied", "quiet_not_needed"} <= elements(body)
    # A contact known at one client is enough on its own, by name or e-mail.
    with db.session() as session:
        jan = session.scalars(select(Contact)).one()
        jan.email = "jan@acme.example"
    answer = rapport.slack.command("/rapport", "waiting jan@acme.example the invoice", user=USER)
    assert "*Acme*" in answer.json()["text"]
    assert len(waits(db)) == 1 and waits(db)[0].about == "the invoice"


def test_waiting_alone_lists_what_i_wait_on_and_settles_one_from_its_menu(rapport, db, clock):
    acme(db)
    empty = rapport.slack.command("/rapport", "waiting", user=USER).json()
    assert "not waiting on anyone" in empty["text"]
    touchpoint(rapport, "acme email to Jan about the quote")
    clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    listed = rapport.slack.command("/rapport", "waiting", user=USER).json()
    assert "Waiting for an answer: 1" in listed["text"]
    assert "Quiet for 6 working days" in str(listed["blocks"])
    menu = next(b["accessory"] for b in listed["blocks"] if b.get("accessory"))
    replied = next(o for o in menu["options"] if o["value"].endswith(":replied"))
    where = {"ts": "1764666000.000100", "channel": "C0GENERAL", "blocks": listed["blocks"]}
    rapport.slack.click(
        user=USER,
        action_id="quiet_menu",
        action_type="overflow",
        selected_option=replied,
        message=where,
        is_ephemeral=True,
    )
    assert waits(db)[0].status == "replied"
    assert "not waiting on anyone" in rapport.fake.calls_to("response_url")[-1].args["text"]


def test_waiting_on_someone_unknown_says_how_to_say_it(rapport, db):
    acme(db)
    answer = rapport.slack.command("/rapport", "waiting zork about it", user=USER).json()
    assert (
        "don't know a client or contact called “zork”" in answer["text"]
        and "/rapport waiting acme" in answer["text"]
    )
    assert waits(db) == []


def test_a_contact_name_at_two_clients_asks_which(rapport, db):
    acme(db)
    add_client(db, "Globex", lead=USER)
    with db.session() as session:
        for client in session.scalars(select(Client)):
            client.contacts.append(Contact(team_id="T0001", name="Jan Smit"))
    answer = rapport.slack.command("/rapport", "waiting jan the quote", user=USER).json()
    assert "Jan Smit (Acme)" in answer["text"] and "Jan Smit (Globex)" in answer["text"]
    assert waits(db) == []


def test_quiet_days_can_be_set_per_client_and_per_segment(rapport, db):
    acme(db, segment="Retail")
    answer = rapport.slack.command("/rapport", "quiet segment retail 7", user=USER).json()
    assert "Segment *retail*" in answer["text"] and "7 working days" in answer["text"]
    touchpoint(rapport, "acme email to Jan about the quote")
    assert waits(db)[0].next_check_at == datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # 7 working days
    answer = rapport.slack.command("/rapport", "quiet acme 2", user=USER).json()
    assert "*Acme*" in answer["text"] and "2 working days" in answer["text"]
    assert waits(db)[0].next_check_at == datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # planned again
    answer = rapport.slack.command("/rapport", "quiet acme default", user=USER).json()
    assert "7 working days" in answer["text"]  # the segment's again


def test_quiet_days_refuse_what_cannot_be_used(rapport, db):
    acme(db)
    for text, expected in [
        ("quiet", "/rapport quiet acme 3"),
        ("quiet acme", "/rapport quiet acme 3"),
        ("quiet acme 0", "from 1 to 60"),
        ("quiet acme 999", "from 1 to 60"),
        ("quiet acme soon", "/rapport quiet acme 3"),
        ("quiet segment nope 3", "No client is in a segment called “nope”"),
        ("quiet zork 3", "don't know a client"),
    ]:
        answer = rapport.slack.command("/rapport", text, user=USER).json()
        assert expected in answer["text"], text
    answer = rapport.slack.command("/rapport", "quiet acme 3", user=COLLEAGUE).json()
    assert "Only *Acme*'s lead, partner or backup" in answer["text"]
    with db.session() as session:
        assert session.scalars(select(Client.quiet_after_days)).one() is None


def test_home_and_the_client_card_show_who_we_are_waiting_on(rapport, db, clock):
    acme(db)
    touchpoint(rapport, "acme email to Jan about the quote")
    clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    rapport.slack.event({"type": "app_home_opened", "user": USER, "channel": "D0001", "tab": "home"})
    home = rapport.fake.calls_to("views.publish")[-1].args["view"]
    assert "Waiting for an answer" in str(home["blocks"]) and "Quiet for 6 working days" in str(
        home["blocks"]
    )
    card = rapport.slack.command("/rapport", "client acme", user=USER).json()
    assert "Waiting for an answer" in str(card["blocks"]) and "*Jan*" not in str(card["blocks"])
    assert "Jan" in str(card["blocks"]) and "6 working days" in str(card["blocks"])
    assert "Contacts: Jan (reached Tue 24 Nov)" in str(card["blocks"])


def test_nobody_outside_the_client_can_settle_a_wait(rapport, db):
    acme(db)
    touchpoint(rapport, "acme email to Jan about the quote")
    [wait] = waits(db)
    rapport.slack.click(user=COLLEAGUE, action_id="quiet_replied", value=str(wait.id))
    assert waits(db)[0].status == "open"
    with db.session() as session:
        assert session.scalars(select(Staff).where(Staff.slack_user_id == COLLEAGUE)).one()
