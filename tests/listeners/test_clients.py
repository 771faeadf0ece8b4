"""Clients: the card, the list and the picker, each showing this workspace's clients only."""

from __future__ import annotations

import json

from sqlalchemy import select

from storage.models import CheckIn
from tests.factories import USER, add_client


def test_client_card_shows_owners_checkins_and_notes(rapport, db):
    add_client(db, "Acme", aliases=("ACME BV",), lead=USER, partner="U01PART001")
    rapport.slack.command("/feeling", "acme 2 invoice was late again", user=USER)
    rapport.slack.command("/feeling", "acme 4 kickoff went well", user="U01PART001")
    rapport.slack.command("/rapport", "touchpoint acme call with Jan", user=USER)
    body = rapport.slack.command("/rapport", "client acme bv", user=USER).json()
    text = json.dumps(body["blocks"], ensure_ascii=False)
    assert "<@U01LEAD001>" in text and "<@U01PART001>" in text
    assert "invoice was late again" in text and "kickoff went well" in text
    assert "3.0 / 5" in text
    assert "call with Jan" in text


def test_client_card_for_an_unknown_client_says_how_to_find_one(rapport, db):
    body = rapport.slack.command("/rapport", "client nobody", user=USER).json()
    assert "No client matches “nobody”" in body["text"] and "/rapport clients" in body["text"]


def test_clients_lists_every_client_of_this_workspace_only(rapport, db):
    add_client(db, "Acme", lead=USER)
    add_client(db, "Secret Other", team="T0OTHER")
    body = rapport.slack.command("/rapport", "clients", user=USER).json()
    text = json.dumps(body["blocks"])
    assert "Acme" in text and "Secret Other" not in text


def test_client_picker_suggests_matching_clients(rapport, db):
    add_client(db, "Acme Corp")
    add_client(db, "Globex")
    add_client(db, "Acme Labs", team="T0OTHER")
    body = rapport.slack.suggest(user=USER, action_id="client_select", block_id="client", value="acm").json()
    assert [o["text"]["text"] for o in body["options"]] == ["Acme Corp"]


def test_another_workspaces_clients_are_invisible(rapport, db):
    add_client(db, "Acme", team="T0OTHER")
    rapport.slack.command("/feeling", "acme 4", user=USER)
    with db.session() as session:
        assert session.scalars(select(CheckIn)).all() == []
    warning = rapport.fake.calls_to("views.open")[0].args["view"]["blocks"][0]["text"]["text"]
    assert "no clients" in warning.lower()


def test_after_an_import_the_list_shows_who_slack_does_not_know_by_their_e_mail(rapport, db, tmp_path):
    from bot.cli import slack_lookups
    from bot.services.importer import import_file

    sheet = tmp_path / "clients.csv"
    sheet.write_text(
        "client,lead,backup\n"
        "Acme,sanne@ouragency.nl,U01LEAD001\n"  # nobody in Slack has this e-mail
        "Globex,U012ABCDEF,\n"  # a member id made up, as in the example sheet
        "Initech,lena@agency.example,\n"  # in Slack by this e-mail
    )
    lookup_email, lookup_member = slack_lookups(rapport.deps.client)
    with db.session() as session:
        report = import_file(session, "T0001", sheet, lookup_email=lookup_email, lookup_member=lookup_member)
    assert [issue.row for issue in report.errors] == [3]

    text = json.dumps(rapport.slack.command("/rapport", "clients", user=USER).json()["blocks"])
    assert "sanne@ouragency.nl" in text
    assert "U012ABCDEF" not in text
    assert text.count("<@U01LEAD001>") == 1  # Initech's lead, found by e-mail
