"""The word index of client names and aliases (`client_words`), kept in step with them.

Every flush that adds, renames or removes a client or an alias through the ORM refiles that client
(`after_flush` below). Code that writes clients or aliases with Core statements (bulk loads) calls
`refile_team` afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import Any, cast

from sqlalchemy import Connection, Table, delete, event, insert, select, union_all
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.orm.attributes import get_history

from storage.models import Client, ClientAlias, ClientWord

_clients = cast(Table, Client.__table__)
_aliases = cast(Table, ClientAlias.__table__)
_words = cast(Table, ClientWord.__table__)


def word_starts(key: str) -> list[str]:
    """The key from each of its words on: "blue harbor labs" gives itself, "harbor labs" and "labs"."""
    return [key[i:] for i in range(len(key)) if key[i] != " " and (i == 0 or key[i - 1] == " ")]


def _refile(connection: Connection, where_clients: Any, where_words: Any) -> None:
    keys = union_all(
        select(_clients.c.team_id, _clients.c.id, _clients.c.name_key).where(where_clients),
        select(_clients.c.team_id, _clients.c.id, _aliases.c.key)
        .join(_aliases, _aliases.c.client_id == _clients.c.id)
        .where(where_clients),
    )
    rows = {
        (team_id, word, client_id, key)
        for team_id, client_id, key in connection.execute(keys)
        for word in word_starts(key)
    }
    connection.execute(delete(_words).where(where_words))
    if rows:
        columns = ("team_id", "word", "client_id", "key")
        connection.execute(insert(_words), [dict(zip(columns, row, strict=True)) for row in sorted(rows)])


def refile(connection: Connection, client_ids: Iterable[int]) -> None:
    """File these clients' names and aliases afresh (a client that is gone loses its words)."""
    ids = sorted(set(client_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        _refile(connection, _clients.c.id.in_(chunk), _words.c.client_id.in_(chunk))


def refile_team(connection: Connection, team_id: str) -> None:
    """File every client of a workspace afresh: after clients or aliases were written with Core."""
    _refile(connection, _clients.c.team_id == team_id, _words.c.team_id == team_id)


def _changed(obj: object, *attributes: str) -> bool:
    return any(get_history(obj, name).has_changes() for name in attributes)


@event.listens_for(Session, "after_flush")
def _refile_what_the_flush_changed(session: Session, _context: UOWTransaction) -> None:
    touched: set[int] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        fresh = obj in session.new or obj in session.deleted
        if isinstance(obj, Client) and (fresh or _changed(obj, "name_key", "team_id")):
            touched.add(obj.id)
        elif isinstance(obj, ClientAlias) and (fresh or _changed(obj, "key", "client_id")):
            # The client it names now, and the one it named before if it moved.
            for client_id in (obj.client_id, *get_history(obj, "client_id").deleted):
                if client_id is not None:
                    touched.add(client_id)
    if touched:
        refile(session.connection(), touched)
