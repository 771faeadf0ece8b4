"""Realistic workspace data in bulk, written with SQLAlchemy Core: the benchmark's database.

`client_names` makes any number of distinct, realistic client names: many share a first word
("Acme Labs", "Acme Media"), a few have accents or "&". `load_workspace` writes a workspace with
its staff, those clients, acronym aliases ("BHL") for about one client in ten and two years of
check-ins, some clients far busier than others. `slack_escape` is how Slack sends what people
type, for the demo's commands and the benchmark's alike.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from bot.domain.text import normalize
from storage import weeks, words
from storage.db import Database
from storage.models import CheckIn, Client, ClientAlias, Staff, Workspace

# Words of client names: FIRST ones start names, SECOND ones end them ("Harbor" + "Labs").
FIRST = """
Acme Northwind Bluebird Blue Red Green Golden Silver Copper Iron Granite Oak Pine Cedar Maple Birch
Willow Aspen Harbor Harbour Summit Ridge Valley River Lake Ocean Coastal Island Prairie Meadow Canyon
Mesa Delta Sierra Alpine Arctic Polar Solar Lunar Stellar Nova Orbit Comet Atlas Apollo Helios Zephyr
Boreal Nimbus Cirrus Horizon Vista Beacon Lighthouse Anchor Compass Keystone Cornerstone Bridge Gateway
Pioneer Frontier Heritage Legacy Liberty Union Capital Crown Royal Regal Sterling Noble Monarch Falcon
Eagle Hawk Raven Heron Kestrel Osprey Owl Fox Wolf Bear Lynx Otter Badger Bison Stag Lion Tiger Panda
Koala Dolphin Orca Marlin Coral Pearl Amber Jade Onyx Ruby Sapphire Emerald Opal Topaz Indigo Crimson
Scarlet Ivory Ebony Velvet Linen Cotton Bramble Thistle Clover Fern Moss Ivy Laurel Sage Basil Juniper
Rosemary Saffron Cinnamon Ginger Pepper Mint Lemon Orange Cherry Plum Peach Apple Olive Fig Walnut
Chestnut Hazel Acorn Bluebell Poppy Lotus Orchid Tulip Lily Daisy Magnolia Jasmine Lavender Heather
Brook Creek Spring Fountain Cascade Rapids Tide Wave Surf Reef Bay Cove Port Quay Wharf Dock Mill Forge
Foundry Anvil Hammer Loom Spindle Lantern Candle Ember Flint Spark Blaze Flare Prism Quartz Crystal
Vertex Apex Zenith Pinnacle Crest Peak Cliff Boulder Pebble Sandstone Marble Slate Cobalt Nickel Zinc
Titan Vector Matrix Quantum Fusion Catalyst Kinetic Momentum Velocity Tandem Parallel Meridian Equinox
Solstice Aurora Twilight Dawn Dusk Midnight Morning Evergreen Everest Kilimanjaro Fuji Andes Sahara
Kalahari Sonora Mojave Yukon Klondike Hudson Thames Danube Rhine Seine Loire Tiber Nile Amazon Orinoco
Brightside Clearwater Stonebridge Riverside Lakeside Hillcrest Fairview Greenfield Westbrook Eastwood
Northgate Southpark Kingsley Ashford Bradford Carlisle Dunmore Elmwood Fairfax Glenwood Hartley
""".split()  # noqa: SIM905

SECOND = """
Labs Media Studio Studios Partners Group Foods Logistics Health Capital Consulting Digital Robotics
Apparel Ventures Systems Analytics Bakery Brewing Dental Legal Realty Travel Fitness Energy Solar
Pharma Games Records Architects Motors Coffee Books Clinic Insurance Marine Outdoors Pets Textiles
Wines Works Interiors Furniture Cosmetics Software Security Aviation Academy Events Catering
""".split()  # noqa: SIM905

COMPANY_SUFFIXES = ["Inc.", "Ltd", "GmbH", "B.V.", "& Co", "LLC", "AG", "S.A."]

SPECIAL_NAMES = [
    "Café Müller",
    "O'Brien & Sons",
    "Zoë Design Studio",
    "Björk & Berg",
    "Café Lumière",
    "Müller Bäckerei",
    "L'Atelier Rose",
    "Núñez Abogados",
    "São Paulo Imports",
    "Dvořák Audio",
    "Ødegaard Marine Services",
    "Łukasz & Co",
    "Château Verde Wines",
    "Smith, Jones & Partners",
    "AT&T Regional Office",
    "Ben & Jerry's Franchise North",
]

# Check-in notes, blank ones included (many check-ins have none).
NOTES = [
    "good call",
    "great kickoff, they loved the demo",
    "quiet meeting, waiting on budget",
    "asked about the invoice again",
    "happy with the new dashboard",
    "frustrated about the delay on phase 2",
    "renewal looks likely",
    "new stakeholder joined, a bit skeptical",
    "quick sync",
    "they want weekly updates from now on",
    "escalated a bug in checkout",
    "praised the design team",
    "",
    "",
    "",
    "moved the launch to next month",
    "asked for a discount",
    "very positive QBR",
    "mixed feelings about the copy",
    "they're hiring a new head of marketing",
]

TAGS = ["upsell", "billing", "renewal", "bug", "design", "scope", "launch", "praise"]


def slack_escape(text: str) -> str:
    """Slack escapes &, < and > in the text it sends (control sequences like <@U1> stay)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def client_names(count: int, rng: random.Random) -> list[str]:
    """`count` names with distinct matching keys; many share a first word ("Acme Labs", "Acme Media")."""
    names: list[str] = []
    keys: set[str] = set()

    def add(name: str) -> None:
        key = normalize(name)
        if key and key not in keys and len(names) < count:
            keys.add(key)
            names.append(name)

    for name in SPECIAL_NAMES:
        add(name)
    pairs = [(a, b) for a in FIRST for b in SECOND]
    rng.shuffle(pairs)
    for a, b in pairs:
        if len(names) >= count:
            break
        roll = rng.random()
        if roll < 0.06:
            add(a)  # a one-word brand
        elif roll < 0.14:
            add(f"{a} {rng.choice(FIRST)} {b}")
        elif roll < 0.22:
            add(f"{a} {b} {rng.choice(COMPANY_SUFFIXES)}")
        else:
            add(f"{a} {b}")
    while len(names) < count:  # only for very large --clients
        add(f"{rng.choice(FIRST)} {rng.choice(FIRST)} {rng.choice(FIRST)} {rng.choice(SECOND)}")
    return names


def acronym(name: str) -> str:
    """The first letters of a name's words, as matched ("blue harbor labs" -> "bhl"); "" for one word."""
    parts = normalize(name).split()
    return "".join(part[0] for part in parts) if len(parts) >= 2 else ""


def staff_user(n: int) -> str:
    return f"U0STAFF{n:03d}"


@dataclass(frozen=True)
class Loaded:
    """How many rows `load_workspace` wrote."""

    staff: int
    clients: int
    aliases: int
    checkins: int


def load_workspace(
    db: Database,
    team_id: str,
    rng: random.Random,
    *,
    clients: int,
    checkins: int,
    staff: int = 20,
    name: str = "Agency",
    now: datetime | None = None,
) -> Loaded:
    """Write a workspace, its staff, clients, aliases and check-ins with Core executemany.

    Expects a migrated database without that workspace. Core writes skip the ORM hook that keeps
    the client word index, so the names are filed with `storage.words.refile_team` afterwards.
    The same `rng` state writes the same data.
    """
    now = now or datetime.now(UTC)
    with db.engine.begin() as conn:
        conn.execute(insert(Workspace), [{"team_id": team_id, "name": name, "settings": {}}])
        conn.execute(
            insert(Staff),
            [
                {
                    "team_id": team_id,
                    "slack_user_id": staff_user(i),
                    "email": f"staff{i}@agency.example",
                    "name": f"Staff {i}",
                    "tz": rng.choice(["Europe/Amsterdam", "Europe/London", "America/New_York"]),
                    "locale": "en-US",
                    "created_at": now - timedelta(days=800),
                }
                for i in range(1, staff + 1)
            ],
        )
        staff_ids = list(conn.scalars(select(Staff.id).where(Staff.team_id == team_id)))
        names = client_names(clients, rng)
        rows = []
        for client in names:
            created = now - timedelta(days=rng.uniform(730, 1100))
            rows.append(
                {
                    "team_id": team_id,
                    "name": client,
                    "name_key": normalize(client),
                    "segment": rng.choice(["retainer", "project", "enterprise", None]),
                    "status": "active" if rng.random() < 0.95 else "churned",
                    "lead_id": rng.choice(staff_ids),
                    "partner_id": rng.choice(staff_ids) if rng.random() < 0.6 else None,
                    "created_at": created,
                    "updated_at": created,
                }
            )
        for chunk in chunks(rows, 1000):
            conn.execute(insert(Client), chunk)
        ids: dict[str, int] = {
            key: cid
            for key, cid in conn.execute(select(Client.name_key, Client.id).where(Client.team_id == team_id))
        }
        # Acronyms ("Blue Harbor Labs" -> "BHL") for about one client in ten, only when no other name
        # or alias has that key, so an alias names exactly one client.
        taken = set(ids)
        aliases = []
        for client in names:
            alias = acronym(client)
            if len(alias) >= 2 and alias not in taken and rng.random() < 0.12:
                taken.add(alias)
                aliases.append(
                    {
                        "team_id": team_id,
                        "client_id": ids[normalize(client)],
                        "alias": alias.upper(),
                        "key": alias,
                    }
                )
        if aliases:
            conn.execute(insert(ClientAlias), aliases)
        words.refile_team(conn, team_id)

    # Some clients far busier than others, over two years, UTC-aware timestamps, in time order (ids
    # grow with time, as in production). Random columns are drawn a chunk at a time.
    client_ids = list(ids.values())
    weights = [rng.paretovariate(1.2) for _ in client_ids]
    span = timedelta(days=730).total_seconds()
    stamps = sorted((rng.random() * span for _ in range(checkins)), reverse=True)  # oldest first
    tag_sets = [[], [], [], [], [], *([t] for t in TAGS), ["renewal", "upsell"], ["bug", "scope"]]
    with db.engine.begin() as conn:  # one transaction
        for start in range(0, checkins, 10_000):
            size = min(10_000, checkins - start)
            columns = zip(
                rng.choices(client_ids, weights=weights, k=size),
                rng.choices(staff_ids, k=size),
                rng.choices((1, 2, 3, 4, 5), weights=(4, 8, 22, 42, 24), k=size),
                rng.choices([None, None, "below", "met", "met", "exceeded"], k=size),
                rng.choices(NOTES, k=size),
                rng.choices(tag_sets, k=size),
                rng.choices(("command", "modal", "prompt", "prompt"), k=size),
                stamps[start : start + size],
                strict=True,
            )
            conn.execute(
                insert(CheckIn),
                [
                    {
                        "team_id": team_id,
                        "client_id": cid,
                        "staff_id": sid,
                        "score": score,
                        "expectation": expectation,
                        "note": note or None,
                        "tags": tags,
                        "source": source,
                        "created_at": now - timedelta(seconds=ago),
                    }
                    for cid, sid, score, expectation, note, tags, source, ago in columns
                ],
            )
    with db.engine.begin() as conn:
        weeks.rebuild(conn, team_id)  # the check-ins' weekly sums, as logging them one by one keeps them
    return Loaded(staff=len(staff_ids), clients=len(names), aliases=len(aliases), checkins=checkins)


def chunks(rows: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
