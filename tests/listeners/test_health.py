"""`/rapport health`: the score explained with this workspace's weights, one client's parts, and
owners and admins changing the weights and a segment's contact window."""

from __future__ import annotations

from bot.services import health
from tests.factories import USER, add_client

ADMIN = "U01ADMN001"


def health_command(rapport, text: str = "", user: str = USER):
    return rapport.slack.command("/rapport", f"health {text}".strip(), user=user)


def test_the_score_is_explained_with_the_workspaces_weights(rapport, db):
    add_client(db, "Acme", lead=USER)
    answer = health_command(rapport).json()
    shown = str(answer["blocks"])
    assert "How a client's health is worked out" in shown
    assert "*feeling* (30)" in shown and "*renewal* (5)" in shown and "At risk" in shown


def test_one_clients_parts(rapport, db):
    add_client(db, "Acme", lead=USER)
    answer = health_command(rapport, "acme").json()
    assert "*Acme*" in answer["text"] and "Not scored" in answer["text"]
    assert "unknown client" not in answer["text"]
    assert "No client matches “zork”" in health_command(rapport, "zork").json()["text"]


def test_only_admins_change_weights_and_windows(rapport, db):
    add_client(db, "Acme", lead=USER)
    health_command(rapport, "weights feeling 50")
    assert "Only workspace owners and admins" in rapport.fake.calls_to("response_url")[-1].args["text"]
    with db.session() as session:
        assert health.weights(session, "T0001")["feeling"] == 30
    rapport.fake.add_user(ADMIN, name="ada", is_owner=True)
    health_command(rapport, "weights feeling=50, contact 0", user=ADMIN)
    assert "feeling 50" in rapport.fake.calls_to("response_url")[-1].args["text"]
    health_command(rapport, "segment Retail 7 21", user=ADMIN)
    assert (
        "*Retail*: contact ideally every 7 days, at most 21"
        in rapport.fake.calls_to("response_url")[-1].args["text"]
    )
    with db.session() as session:
        assert health.weights(session, "T0001")["feeling"] == 50
        assert health.windows(session, "T0001") == {"retail": (7, 21)}
    assert "*feeling* (50)" in str(health_command(rapport).json()["blocks"])
    health_command(rapport, "weights reset", user=ADMIN)
    with db.session() as session:
        assert health.weights(session, "T0001")["feeling"] == 30


def test_bad_weights_and_windows_say_how_to_write_them(rapport, db):
    add_client(db, "Acme", lead=USER)
    assert "feeling, trend" in health_command(rapport, "weights feeling lots").json()["text"]
    assert "feeling, trend" in health_command(rapport, "weights mood 40").json()["text"]
    assert "feeling, trend" in health_command(rapport, "weights feeling 400").json()["text"]
    assert "ideal then most" in health_command(rapport, "segment retail 21 7").json()["text"]
