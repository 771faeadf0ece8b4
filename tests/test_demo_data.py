"""The demo's bulk data builder: realistic distinct client names, and a workspace written with Core."""

from __future__ import annotations

import random
from collections import Counter

from sqlalchemy import func, select

from bot.domain.text import normalize
from bot.services.clients import resolve
from demo.data import acronym, client_names, load_workspace, slack_escape
from storage.db import Database
from storage.models import CheckIn, Client, ClientAlias, ClientWord, Staff

TEAM = "T0DATA"


def test_client_names_are_distinct_realistic_and_repeatable():
    names = client_names(1000, random.Random(1))
    assert len(names) == 1000
    assert len({normalize(name) for name in names}) == 1000  # distinct as the app matches them
    first_words = Counter(normalize(name).split()[0] for name in names)
    assert sum(n for n in first_words.values() if n > 1) > 500  # many share a first word
    assert any("&" in name for name in names) and any(normalize(name) != name.lower() for name in names)
    assert client_names(1000, random.Random(1)) == names
    assert client_names(5000, random.Random(2))[4999]  # more than the word pairs give


def test_acronyms_and_slack_escaping():
    assert acronym("Blue Harbor Labs") == "bhl"
    assert acronym("Acme") == ""
    assert slack_escape("Smith & Sons <3") == "Smith &amp; Sons &lt;3"


def test_load_workspace_writes_the_documented_shape(db: Database):
    loaded = load_workspace(db, TEAM, random.Random(5), clients=200, checkins=3000, staff=7, name="Data")
    assert (loaded.staff, loaded.clients, loaded.checkins) == (7, 200, 3000)
    assert 5 <= loaded.aliases <= 50  # about one client in ten
    with db.session() as session:

        def count(model: type[Staff | Client | ClientAlias | CheckIn]) -> int:
            return session.scalar(select(func.count()).select_from(model).where(model.team_id == TEAM)) or 0

        counts = [count(Staff), count(Client), count(ClientAlias), count(CheckIn)]
        assert counts == [7, 200, loaded.aliases, 3000]
        names = {cid: key for cid, key in session.execute(select(Client.id, Client.name_key))}
        aliases = {key: cid for key, cid in session.execute(select(ClientAlias.key, ClientAlias.client_id))}
        assert len(aliases) == loaded.aliases and not set(names.values()) & set(aliases)  # each names one
        stamps = list(session.scalars(select(CheckIn.created_at).order_by(CheckIn.id)))
        assert stamps == sorted(stamps)  # ids grow with time
        # Core writes skip the ORM hook, so the builder files every name and alias in the word index.
        filed = set(session.execute(select(ClientWord.client_id, ClientWord.key).distinct()).tuples())
        assert filed == set(names.items()) | {(cid, key) for key, cid in aliases.items()}
        alias, client_id = next(iter(aliases.items()))
        assert resolve(session, TEAM, alias.upper()).client_id == client_id
