"""Who owns a client: one module answers for the Home tab, the card, the list, the importer and merges."""

from __future__ import annotations

from bot.domain.ownership import MUST_DIFFER, ROLES, role_of
from bot.services import owners
from storage.db import Database
from storage.models import Client, Staff
from tests.factories import add_client


def staff_id(db: Database, user: str, team: str = "T0001") -> int:
    with db.session() as session:
        return session.query(Staff).filter_by(team_id=team, slack_user_id=user).one().id


def test_role_of_names_the_first_role_a_person_holds() -> None:
    holders = {"lead": 1, "partner": 2, "backup": 2}
    assert [role_of(holders, i) for i in (1, 2, 3)] == ["lead", "partner", None]
    assert {a for a, _, _ in MUST_DIFFER} | {b for _, b, _ in MUST_DIFFER} == set(ROLES)


def test_clients_of_finds_every_role_active_clients_only_and_this_team_only(db: Database) -> None:
    add_client(db, "Acme", lead="U1")
    add_client(db, "Bolt", partner="U1", lead="U2")
    gone = add_client(db, "Churned", lead="U1")
    add_client(db, "Elsewhere", lead="U1", team="T0002")
    with db.session() as session:
        session.get(Client, gone).status = "churned"  # type: ignore[union-attr]
    me = staff_id(db, "U1")
    with db.session() as session:
        mine = owners.clients_of(session, "T0001", me)
        assert [(c.name, owners.role_of(c, me)) for c in mine] == [("Acme", "lead"), ("Bolt", "partner")]


def test_people_reads_the_owners_in_one_query_for_the_roles_asked(db: Database) -> None:
    acme = add_client(db, "Acme", lead="U1", partner="U2")
    with db.session() as session:
        client = session.get(Client, acme)
        assert client is not None
        everyone = owners.people(session, "T0001", [client])
        leads = owners.people(session, "T0001", [client], roles=("lead",))
        assert {p.slack_user_id for p in everyone.values()} == {"U1", "U2"}
        assert [p.slack_user_id for p in leads.values()] == ["U1"]
        assert owners.people(session, "T0002", [client]) == {}  # another workspace sees nobody


def test_move_all_hands_every_role_to_another_person_in_this_team_only(db: Database) -> None:
    add_client(db, "Acme", lead="U1", partner="U2")
    add_client(db, "Bolt", partner="U1")
    add_client(db, "Other team", lead="U1", team="T0002")
    old, new = staff_id(db, "U1"), staff_id(db, "U2")
    other = staff_id(db, "U1", team="T0002")
    with db.session() as session:
        owners.move_all(session, "T0001", from_id=old, to_id=new)
    with db.session() as session:
        rows = {c.name: owners.holders(c) for c in session.query(Client)}
    assert rows["Acme"] == {"lead": new, "partner": new, "backup": None}
    assert rows["Bolt"] == {"lead": None, "partner": new, "backup": None}
    assert rows["Other team"]["lead"] == other


def test_put_says_whether_it_changed_anything_and_refuses_unknown_roles(db: Database) -> None:
    acme = add_client(db, "Acme", lead="U1")
    with db.session() as session:
        client = session.get(Client, acme)
        assert client is not None
        lead = owners.get(client, "lead")
        assert lead is not None
        assert owners.put(client, "lead", lead) is False
        assert owners.put(client, "backup", lead) is True
        try:
            owners.put(client, "boss", lead)
        except ValueError:
            pass
        else:
            raise AssertionError("an unknown role was accepted")
