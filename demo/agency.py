"""The simulated agency: its staff, its clients, the clients.csv it imports and what staff say.

Brightside is a small agency with staff in Amsterdam, London and New York. `make_agency` picks about
ten clients from the templates below, gives each owners, a renewal date and a mood that drifts over
the weeks (one client slowly sours, another recovers), and `write_csv` writes them in the importer's
format, so the demo loads them through the real import.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

TEAM = "T0BRIGHT5"  # the agency's Slack workspace
AGENCY = "Brightside"
BOT_USER = "UBOT"  # Rapport's own user in that workspace


@dataclass(frozen=True)
class Person:
    uid: str
    handle: str
    name: str
    email: str
    tz: str
    answers: float  # how often they answer a prompt right away

    @property
    def first(self) -> str:
        return self.name.split()[0]

    @property
    def city(self) -> str:
        return self.tz.rsplit("/", 1)[-1].replace("_", " ")


STAFF = (
    Person(
        "U02SV8K1A", "sanne", "Sanne de Vries", "sanne.devries@brightside.example", "Europe/Amsterdam", 0.9
    ),
    Person("U03JB5T9Q", "joost", "Joost Bakker", "joost.bakker@brightside.example", "Europe/Amsterdam", 0.6),
    Person("U04MJ2R7C", "mila", "Mila Jansen", "mila.jansen@brightside.example", "Europe/Amsterdam", 0.8),
    Person("U05DV6X3E", "daan", "Daan Visser", "daan.visser@brightside.example", "Europe/Amsterdam", 0.7),
    Person("U06MC9P4N", "maya", "Maya Chen", "maya.chen@brightside.example", "America/New_York", 0.8),
    Person("U07OH1W8L", "oliver", "Oliver Hughes", "oliver.hughes@brightside.example", "Europe/London", 0.75),
)


@dataclass(frozen=True)
class Template:
    name: str
    aliases: tuple[str, ...]
    segment: str
    domains: tuple[str, ...]
    contacts: tuple[tuple[str, str | None], ...]


EXTERNAL = (
    Template(
        "Acme Logistics",
        ("Acme", "ACME BV"),
        "retainer",
        ("acme-logistics.nl",),
        (("Jan de Vries", "jan.devries@acme-logistics.nl"), ("Priya Shah", "priya.shah@acme-logistics.nl")),
    ),
    Template(
        "Café Zuid", ("Zuid", "CZ"), "project", ("cafezuid.nl",), (("Marieke Jansen", "marieke@cafezuid.nl"),)
    ),
    Template(
        "Bakkerij Van Dam",
        ("Van Dam",),
        "retainer",
        ("bakkerijvandam.nl",),
        (("Kees van Dam", "kees@bakkerijvandam.nl"),),
    ),
    Template(
        "Northwind Health",
        ("Northwind", "NWH"),
        "retainer",
        ("northwind-health.com",),
        (
            ("Eva Bakker", "eva.bakker@northwind-health.com"),
            ("Tom Okafor", "tom.okafor@northwind-health.com"),
        ),
    ),
    Template(
        "Studio Lumen",
        ("Lumen",),
        "project",
        ("studiolumen.nl",),
        (("Noor El Amrani", "noor@studiolumen.nl"),),
    ),
    Template(
        "De Groene Fietser",
        ("Groene Fietser", "DGF"),
        "project",
        ("degroenefietser.nl",),
        (("Lars de Groot", "lars@degroenefietser.nl"),),
    ),
    Template(
        "Van der Berg & Zonen",
        ("VDB",),
        "retainer",
        ("vdberg-zonen.nl",),
        (("Willem van der Berg", "willem@vdberg-zonen.nl"),),
    ),
    Template(
        "Harbour & Pine Hotels",
        ("Harbour", "H&P"),
        "retainer",
        ("harbourpine.co.uk",),
        (("Charlotte Reid", "charlotte.reid@harbourpine.co.uk"),),
    ),
    Template(
        "Meridian Insurance",
        ("Meridian",),
        "retainer",
        ("meridian-insure.com",),
        (("Daniel Brooks", "d.brooks@meridian-insure.com"), ("Aisha Khan", "a.khan@meridian-insure.com")),
    ),
    Template(
        "Polderwind Energie",
        ("Polderwind",),
        "project",
        ("polderwind.nl",),
        (("Femke Smit", "femke@polderwind.nl"),),
    ),
    Template(
        "Kite & Kettle",
        ("Kite",),
        "project",
        ("kiteandkettle.com",),
        (("Rosa Martens", "rosa@kiteandkettle.com"),),
    ),
    Template(
        "Atlas Fitness Clubs",
        ("Atlas",),
        "retainer",
        ("atlasfitness.eu",),
        (("Mark de Boer", "mark@atlasfitness.eu"),),
    ),
)
INTERNAL = Template(
    "Finance (internal)", ("Finance", "Finance team"), "internal", (), (("Hanneke Vos", None),)
)


@dataclass
class DemoClient:
    template: Template
    lead: Person
    partner: Person | None
    backup: Person | None
    renewal: date | None
    mood_from: float
    mood_to: float

    @property
    def name(self) -> str:
        return self.template.name

    @property
    def contacts(self) -> list[str]:
        return [name.split()[0] for name, _ in self.template.contacts]

    def owners(self) -> list[Person]:
        return [p for p in (self.lead, self.partner, self.backup) if p is not None]

    def typed(self, rng: random.Random) -> str:
        """What someone types for this client: an alias, or the name in lower case."""
        return rng.choice([*self.template.aliases, self.name.lower()])


def make_agency(rng: random.Random, start: datetime) -> tuple[list[DemoClient], DemoClient, DemoClient]:
    """About ten clients with owners, renewals and moods; one souring and one recovering."""
    templates = [*rng.sample(EXTERNAL, 9), INTERNAL]
    leads = list(STAFF)
    rng.shuffle(leads)
    clients: list[DemoClient] = []
    for index, template in enumerate(templates):
        lead = leads[index % len(leads)]
        others = [p for p in STAFF if p != lead]
        rng.shuffle(others)
        partner = others[0] if template.segment == "retainer" and rng.random() < 0.6 else None
        backup = others[1] if template.segment != "internal" or rng.random() < 0.5 else None
        internal = template.segment == "internal"
        renewal = None if internal else start.date() + timedelta(days=rng.randrange(25, 330))
        mood = rng.uniform(3.3, 4.4)
        clients.append(
            DemoClient(template, lead, partner, backup, renewal, mood, mood + rng.uniform(-0.3, 0.3))
        )
    retainers = [c for c in clients if c.template.segment == "retainer"]
    souring = rng.choice(retainers)
    souring.mood_from, souring.mood_to = 4.6, 1.6
    improving = rng.choice([c for c in clients if c is not souring and c.template.segment != "internal"])
    improving.mood_from, improving.mood_to = 1.9, 4.6
    return clients, souring, improving


def write_csv(path: Path, clients: list[DemoClient]) -> None:
    columns = ["client", "aliases", "segment", "email_domains", "lead", "partner", "backup", "renewal_date"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*columns, "contacts"])
        for c in clients:
            contacts = "; ".join(f"{n} <{e}>" if e else f"{n} (controller)" for n, e in c.template.contacts)
            writer.writerow(
                [
                    c.name,
                    " | ".join(c.template.aliases),
                    c.template.segment,
                    "; ".join(c.template.domains),
                    c.lead.uid,
                    c.partner.uid if c.partner else "",
                    c.backup.uid if c.backup else "",
                    c.renewal.isoformat() if c.renewal else "",
                    contacts,
                ]
            )


# What staff type: a note that fits the score they give, about someone at that client (so a note can
# only belong to the client it was written for), and the touchpoints they log.
NOTES_BY_SCORE = {
    1: (
        "{contact} is furious about the missed deadline",
        "{contact} threatened to put the account up for review",
    ),
    2: (
        "{contact} is unhappy with the reporting delays",
        "budget pressure, {contact} wants fewer hours",
        "{contact} felt we didn't listen",
    ),
    3: (
        "fine, {contact} was a bit distracted",
        "ok, {contact} is waiting on their legal team",
        "neutral; {contact} is new and still settling in",
    ),
    4: (
        "good kickoff with {contact}",
        "{contact} liked the new concepts",
        "{contact} is happy with the campaign numbers",
        "smooth handover to {contact}",
    ),
    5: (
        "{contact} loved the new campaign",
        "{contact} asked us to pitch for their second brand",
        "{contact} is thrilled with the results",
    ),
}
PHRASES = (
    "call with {contact}",
    "call with {contact} about the invoice",
    "meeting with {contact}",
    "meeting with {contact} on the Q1 plan",
    "visit to {contact} at their office",
    "lunch with {contact}",
    "workshop with {contact}",
    "review of the campaign with {contact}",
)
EVENINGS = (
    "dinner with {contact}",
    "drinks with {contact} after the awards",
    "dinner with {contact} in town",
)
