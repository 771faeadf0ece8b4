"""The word index: names and aliases found by any word start, kept in step with every change."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, insert, select

from bot.domain.text import normalize
from storage import queries, words
from storage.db import Database, alembic_config
from storage.models import Client, ClientAlias, ClientWord, Workspace
from tests.factories import add_client

NAMES = [
    ("Acme Labs", ("AL",)),
    ("Acme Media", ()),
    ("Blue Harbor Labs", ("BHL", "Harbour Blue")),
    ("Acme", ()),
    ("Labs Acme Labs", ()),  # a word twice
    ("Café Müller", ("Mueller",)),
    ("Ødegaard Marine Services", ()),
    ("Zoë Design Studio", ()),
    ("O'Brien & Sons", ()),
    ("Harbor", ("Acme Harbor",)),  # an alias that shares words with other names
]


def expected(db: Database, team: str, query: str) -> set[tuple[int, str, str]]:
    """By definition: every (client, name, key) whose key, or one of its words on, starts with the query."""
    with db.session() as session:
        team_clients = session.scalars(select(Client).where(Client.team_id == team))
        rows = [(c.id, c.name, c.name_key) for c in team_clients]
        rows += [
            (a.client.id, a.client.name, a.key)
            for a in session.scalars(select(ClientAlias).where(ClientAlias.team_id == team))
        ]
    return {row for row in rows if row[2].startswith(query) or f" {query}" in row[2]}


def found(db: Database, team: str, query: str, limit: int = 1000) -> list[tuple[int, str, str]]:
    with db.session() as session:
        return queries.clients_by_word_start(session, team, query, limit)


@pytest.fixture
def clients(db: Database) -> dict[str, int]:
    ids = {name: add_client(db, name, aliases=aliases) for name, aliases in NAMES}
    add_client(db, "Acme Other Team", team="T0002", aliases=("Harbor Two",))
    return ids


def every_query() -> set[str]:
    """Every start of every word of every key, and a few that match nothing."""
    queries_ = {"zzz", "labsx", "acme labz", "q"}
    for name, aliases in NAMES:
        for key in (normalize(name), *(normalize(a) for a in aliases)):
            for start in words.word_starts(key):
                queries_.update(start[:n] for n in range(1, len(start) + 1))
    return queries_


def test_word_starts():
    assert words.word_starts("blue harbor labs") == ["blue harbor labs", "harbor labs", "labs"]
    assert words.word_starts("acme") == ["acme"]
    assert words.word_starts("") == []


def test_every_word_start_finds_what_the_definition_says(db, clients):
    checked = 0
    for query in sorted(every_query()):
        rows = found(db, "T0001", query)
        assert len(rows) == len(set(rows)), f"{query!r} repeats a row"
        assert set(rows) == expected(db, "T0001", query), query
        checked += 1
    assert checked > 150


def test_active_clients_come_first_then_by_name(db, clients):
    with db.session() as session:
        session.get(Client, clients["Acme"]).status = "churned"
    rows = found(db, "T0001", "acme")
    names = [name for _, name, _ in rows]
    assert names[-1] == "Acme"  # churned, last
    assert names[:-1] == sorted(names[:-1], key=str.lower)


def test_the_limit_cuts_the_ordered_list(db, clients):
    every = found(db, "T0001", "a")
    assert found(db, "T0001", "a", limit=3) == every[:3]


def test_another_workspaces_names_are_never_found(db, clients):
    assert [name for _, name, _ in found(db, "T0002", "harbor")] == ["Acme Other Team"]
    assert "Acme Other Team" not in {name for _, name, _ in found(db, "T0001", "acme")}


def test_renames_new_and_removed_aliases_and_deleted_clients_are_refiled(db, clients):
    with db.session() as session:
        acme = session.get(Client, clients["Acme Labs"])
        acme.name, acme.name_key = "Apex Labs", "apex labs"
        blue = session.get(Client, clients["Blue Harbor Labs"])
        blue.aliases = [a for a in blue.aliases if a.key != "bhl"]  # removed (delete-orphan)
        blue.aliases.append(ClientAlias(team_id="T0001", alias="Seaport", key="seaport"))
        session.delete(session.get(Client, clients["Acme Media"]))

    assert "Acme Labs" not in {name for _, name, _ in found(db, "T0001", "acme")}
    assert {key for _, name, key in found(db, "T0001", "apex") if name == "Apex Labs"} == {"apex labs"}
    assert found(db, "T0001", "bhl") == []
    assert [name for _, name, _ in found(db, "T0001", "seap")] == ["Blue Harbor Labs"]
    assert "Acme Media" not in {name for _, name, _ in found(db, "T0001", "media")}
    for query in ("acme", "labs", "harbor", "a", "m"):
        assert set(found(db, "T0001", query)) == expected(db, "T0001", query)


def test_an_alias_moved_to_another_client_is_filed_under_it(db, clients):
    with db.session() as session:
        alias = session.scalars(select(ClientAlias).where(ClientAlias.key == "mueller")).one()
        alias.client_id = clients["Harbor"]
    assert [(cid, key) for cid, _, key in found(db, "T0001", "muel")] == [(clients["Harbor"], "mueller")]


def test_a_change_that_is_rolled_back_leaves_the_words_as_they_were(db, clients):
    before = found(db, "T0001", "a")
    with pytest.raises(RuntimeError), db.session() as session:
        session.get(Client, clients["Acme Labs"]).name_key = "zebra labs"
        session.flush()
        raise RuntimeError("boom")
    assert found(db, "T0001", "a") == before
    assert found(db, "T0001", "zebra") == []


def test_rows_written_with_core_are_filed_by_refile_team(db):
    with db.engine.begin() as connection:
        connection.execute(insert(Workspace), [{"team_id": "T0003", "settings": {}}])
        connection.execute(
            insert(Client),
            [{"team_id": "T0003", "name": n, "name_key": normalize(n)} for n in ("Red Fox", "Fox Media")],
        )
    assert found(db, "T0003", "fox") == []  # Core writes skip the ORM hook
    with db.engine.begin() as connection:
        words.refile_team(connection, "T0003")
        words.refile_team(connection, "T0003")  # again: no duplicates
    assert [name for _, name, _ in found(db, "T0003", "fox")] == ["Fox Media", "Red Fox"]
    with db.engine.begin() as connection:
        connection.execute(delete(ClientWord).where(ClientWord.team_id == "T0003"))


def test_the_migration_files_names_already_there(scratch_url):
    from alembic import command

    url = scratch_url
    command.upgrade(alembic_config(url), "0001")
    database = Database(url)
    with database.engine.begin() as connection:
        connection.execute(insert(Workspace), [{"team_id": "T0001", "settings": {}}])
        connection.execute(
            insert(Client), [{"team_id": "T0001", "name": "Blue Harbor Labs", "name_key": "blue harbor labs"}]
        )
        client_id = connection.scalar(select(Client.id))
        connection.execute(
            insert(ClientAlias), [{"team_id": "T0001", "client_id": client_id, "alias": "BHL", "key": "bhl"}]
        )
    database.upgrade()
    with database.engine.connect() as connection:
        filed = set(connection.execute(select(ClientWord.word, ClientWord.key)))
        assert filed == {
            ("blue harbor labs", "blue harbor labs"),
            ("harbor labs", "blue harbor labs"),
            ("labs", "blue harbor labs"),
            ("bhl", "bhl"),
        }
        assert connection.scalar(select(func.count()).select_from(ClientWord)) == 4
    database.dispose()
