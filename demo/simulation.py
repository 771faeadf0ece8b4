"""The simulated weeks: an event queue on a simulated clock, and what the agency's staff do.

`Demo` sets up a temporary SQLite database, the local Slack stand-in and the real WSGI app, imports
the agency's clients, then walks through the weeks: staff log touchpoints and feelings with signed
slash commands, the clock process (`bot.jobs.tick`) sends DM prompts in each person's working
hours, people click faces (or don't), reminders and expiries happen, and the first time each kind
of message appears in a week it is kept to be shown at the end of that week, in the order things
happened, each with its time and zone.

A day runs from midnight to midnight UTC: the night tick at 02:00 in Amsterdam is that day's, and
the day's line counts what the outbox sent that day the way the summary counts it (DMs, a DM of
several nudges being one; reminders; edits of DMs sent earlier; deferrals to working hours).
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import jobs
from bot.deps import Deps, InlineExecutor
from bot.jobs import outbox
from bot.services import importer
from bot.web import create_wsgi_app
from config.settings import Settings
from demo.agency import (
    AGENCY,
    BOT_USER,
    EVENINGS,
    NOTES_BY_SCORE,
    PHRASES,
    STAFF,
    TEAM,
    DemoClient,
    Person,
    make_agency,
    write_csv,
)
from demo.data import slack_escape
from demo.digests import ADMIN as DIGEST_ADMIN
from demo.digests import Digests
from demo.printer import Printer
from demo.promises import Promises
from fakeslack import FakeSlack, render_message, render_view
from fakeslack.payloads import SlackSender, WSGITransport
from storage.db import Database
from storage.models import OutboxMessage, Prompt, Staff

END = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # a Monday: the simulation ends here
DAY_TICKS = (8 * 60, 22 * 60 + 30)  # every 30 minutes, 08:00-22:30 UTC: Amsterdam to New York hours
NIGHT_TICK = 60  # 01:00 UTC = 02:00 in Amsterdam
EVENING_MINUTE = 22 * 60 + 40  # after the last day tick: only the night tick sees these
AMSTERDAM = "Europe/Amsterdam"


class Clock:
    """The app's notion of now; the demo moves it forward instead of sleeping."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        """What the app waits for (Slack's pace between messages) passes at once."""
        self.now += timedelta(seconds=seconds)


def local(at: datetime, tz: str, fmt: str = "%a %d %b %H:%M") -> str:
    return at.astimezone(ZoneInfo(tz)).strftime(fmt)


def at_local(day: date, minutes: int, tz: str) -> datetime:
    """`minutes` after midnight on `day` in `tz`, as UTC."""
    moment = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(tz)) + timedelta(minutes=minutes)
    return moment.astimezone(UTC)


def plural(count: int, word: str, words: str | None = None) -> str:
    """'1 DM', '2 DMs'; `words` where adding an s is not the plural."""
    return f"{count} {word if count == 1 else words or word + 's'}"


def outbox_tally(session: Session) -> Counter[str]:
    """What the outbox has sent: rows by kind; `dms`, the posts they went as (the nudges of one DM are
    one post); `edits`, the rows that changed a message sent earlier."""
    tally: Counter[str] = Counter()
    posts: set[tuple[str | None, str | None]] = set()
    rows = session.execute(
        select(OutboxMessage.kind, OutboxMessage.response_channel, OutboxMessage.response_ts).where(
            OutboxMessage.status == "sent"
        )
    )
    for kind, channel, ts in rows:
        tally[kind] += 1
        sender = outbox.KINDS[kind].send if kind in outbox.KINDS else outbox.post
        if sender is outbox.update:
            tally["edits"] += 1
        elif sender is outbox.post:
            posts.add((channel, ts))
    tally["dms"] = len(posts)
    return tally


def find_element(message: dict[str, Any], action_id: str) -> tuple[str, dict[str, Any]] | None:
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                return block.get("block_id", "actions"), element
    return None


@dataclass
class Ask:
    """A DM prompt the demo is tracking: who was asked about which client, and what they'll do."""

    person: Person
    client: DemoClient
    plan: str  # face | skip | details | snooze | ignore | late
    sightings: int = 0
    showcase: str | None = None  # the week's showcase this prompt was picked for


@dataclass
class Example:
    """What staff saw of one thing: a message and what became of it, from the moment it began."""

    at: datetime
    parts: list[tuple[str, str]] = field(default_factory=list)  # (title, what was seen)


@dataclass
class Week:
    """The week's examples, the first of each kind, shown at its end in the order they happened.

    What happened to a message later (a click, the message redrawn) is shown with the message: the
    parts with the same `key` (the message's timestamp, or the person's form) are one example.
    """

    number: int
    clock: Clock
    kinds: set[str] = field(default_factory=set)
    examples: list[Example] = field(default_factory=list)
    by_key: dict[object, Example] = field(default_factory=dict)

    def want(self, kind: str) -> bool:
        return kind not in self.kinds

    def has(self, key: object) -> bool:
        """Whether a message (or form) is among the examples already."""
        return key in self.by_key

    def show(self, kind: str, title: str, body: str, key: object = None) -> None:
        """Keep a part to show; one whose title begins with "..." tells what became of an example
        already kept (the same `key`), and is shown only with it."""
        example = self.by_key.get(key) if key is not None else None
        if example is None and title.startswith("..."):
            return
        self.kinds.add(kind)
        if example is None:
            example = Example(self.clock.now)
            self.examples.append(example)
            if key is not None:
                self.by_key[key] = example
        example.parts.append((title, body))

    def in_time_order(self) -> list[Example]:
        return sorted(self.examples, key=lambda example: example.at)


class Demo:
    def __init__(
        self,
        *,
        weeks: int,
        seed: int,
        say: Printer,
        tmp: Path,
        bot_token: str,
        signing_secret: str,
        out: Path | None = None,
    ) -> None:
        self.weeks = weeks
        self.seed = seed
        self.rng = random.Random(seed)
        self.say = say
        self.tmp = tmp
        self.start = END - timedelta(weeks=weeks)
        self.clock = Clock(self.start)
        self.people = {p.uid: p for p in STAFF}
        self.users = {p.uid: p.name for p in STAFF} | {BOT_USER: "Rapport"}
        self.count: Counter[str] = Counter()
        self.problems: list[str] = []
        self.asks: dict[int, Ask] = {}
        self.seen_ts: dict[str, set[str]] = {p.uid: set() for p in STAFF}
        self.expired_ts: set[str] = set()
        self.queue: list[tuple[datetime, int, int, Callable[..., object], tuple[Any, ...]]] = []
        self.order = itertools.count()
        self.week = Week(0, self.clock)
        self.clients, self.souring, self.improving = make_agency(self.rng, self.start)
        self.bot_token = bot_token
        self.signing_secret = signing_secret
        self.night_lines: list[str] = []
        self.deferred_now: list[tuple[int, tuple[str, str, datetime]]] = []  # by the last tick
        self.promises = Promises(self, at_local)
        self.out = out or tmp / "output"
        self.digests = Digests(self, self.out)

    # ----- setup

    def setup(self) -> None:
        self.db = Database(f"sqlite:///{self.tmp}/demo.db")
        self.db.upgrade()
        self.fake = FakeSlack(team_id=TEAM, bot_token=self.bot_token, bot_user_id=BOT_USER, team_name=AGENCY)
        self.fake.start()
        for p in STAFF:
            owner = p is DIGEST_ADMIN  # the agency's owner: a workspace owner in Slack
            self.fake.add_user(p.uid, name=p.handle, real_name=p.name, email=p.email, tz=p.tz, is_owner=owner)
        self.digests.setup()
        settings = Settings(
            bot_token=self.bot_token,
            signing_secret=self.signing_secret,
            database_url=self.db.url,
            slack_api_url=self.fake.url,
            process_before_response=True,
            token_verification=False,
        )
        wsgi = create_wsgi_app(settings, db=self.db, clock=self.clock, listener_executor=InlineExecutor())
        self.deps: Deps = wsgi.deps
        self.deps.sleep = self.clock.sleep
        self.slack = SlackSender(
            signing_secret=self.signing_secret,
            transport=WSGITransport(wsgi),
            team_id=TEAM,
            team_domain="brightside",
            response_url_for=self.fake.response_url,
            trigger_id_for=self.fake.issue_trigger_id,
        )

    def close(self) -> None:
        fake = getattr(self, "fake", None)
        if fake is not None:
            fake.stop()
        db = getattr(self, "db", None)
        if db is not None:
            db.dispose()

    def intro(self) -> None:
        say = self.say
        say(f"Rapport demo: the agency {AGENCY} for {self.weeks} week(s), seed {self.seed}")
        say(f"Slack is a local stand-in at {self.fake.base} (no account, no network); the database is")
        say("a temporary SQLite file; every request is signed and goes through the real app.")
        say()
        say("== Staff ==")
        for p in STAFF:
            say(f"  {p.name:<15} {p.email:<34} {p.tz}")
        say()

    def import_clients(self) -> None:
        say = self.say
        path = self.tmp / "clients.csv"
        write_csv(path, self.clients)
        with self.db.session() as session:
            report = importer.import_file(session, TEAM, path)
        say("== Importing clients (the real importer, from a generated clients.csv) ==")
        for line in importer.format_report(report).splitlines():
            say("  " + line)
        if not report.ok or report.created != len(self.clients):
            self.problems.append(f"the import did not create every client: {importer.format_report(report)}")
        for c in self.clients:
            owners = f"lead {c.lead.first}"
            if c.partner:
                owners += f", partner {c.partner.first}"
            if c.backup:
                owners += f", backup {c.backup.first}"
            renewal = f"renews {c.renewal.isoformat()}" if c.renewal else "no renewal"
            say(f"  {c.name:<22} {c.template.segment:<9} {owners:<42} {renewal}")
        say(
            f"  In this run {self.souring.name} slowly sours and {self.improving.name} recovers; "
            "the others' moods wander a little around where they started."
        )
        say()

    # ----- the event queue

    def at(self, when: datetime, action: Callable[..., object], *args: Any, late: bool = False) -> None:
        heapq.heappush(self.queue, (when, 1 if late else 0, next(self.order), action, args))

    def run_until(self, until: datetime) -> None:
        while self.queue and self.queue[0][0] <= until:
            when, _, _, action, args = heapq.heappop(self.queue)
            self.clock.now = max(self.clock.now, when)
            action(*args)
        self.clock.now = max(self.clock.now, until)

    # ----- moods

    def score(self, client: DemoClient) -> int:
        span = (END - self.start).total_seconds()
        progress = min(1.0, max(0.0, (self.clock.now - self.start).total_seconds() / span))
        mood = client.mood_from + (client.mood_to - client.mood_from) * progress
        return min(5, max(1, round(mood + self.rng.gauss(0, 0.45))))

    def note(self, score: int, client: DemoClient) -> str:
        """A note about someone at the client (not the contact who stays silent in this run)."""
        contact = self.rng.choice(
            [c for c in client.contacts if c != self.promises.silent] or client.contacts
        )
        return self.rng.choice(NOTES_BY_SCORE[score]).format(contact=contact)

    # ----- planning a day

    def plan_for(self, person: Person) -> str:
        roll = self.rng.random()
        if roll < person.answers:
            return "snooze" if self.rng.random() < 0.05 else "face"
        if roll < person.answers + 0.07:
            return "skip"
        return self.rng.choice(("ignore", "late"))

    def client_for(self, person: Person) -> DemoClient:
        mine = [c for c in self.clients if person in c.owners()]
        if not mine or self.rng.random() < 0.15:
            return self.rng.choice(self.clients)
        weights = [3 if c in (self.souring, self.improving) else 1 for c in mine]
        return self.rng.choices(mine, weights=weights)[0]

    def plan_day(self, day: date, first_day: bool) -> None:
        rng = self.rng
        for person in STAFF:
            for _ in range(rng.choices((0, 1, 2), weights=(0.3, 0.5, 0.2))[0]):
                minute = rng.randrange(9 * 60 + 15, 16 * 60 + 50, 5)
                client = self.client_for(person)
                self.at(
                    at_local(day, minute, person.tz),
                    self.log_touchpoint,
                    person,
                    client,
                    None,
                    self.plan_for(person),
                )
        for _ in range(rng.choice((1, 1, 2))):
            person = rng.choice(STAFF)
            client = self.client_for(person)
            minute = rng.randrange(9 * 60 + 30, 17 * 60, 5)
            self.at(at_local(day, minute, person.tz), self.log_feeling, person, client)
        if first_day or (day.weekday() < 4 and rng.random() < 0.5):
            person = rng.choice([p for p in STAFF if p.tz != "America/New_York"])
            evening = at_local(day, 0, "UTC") + timedelta(minutes=EVENING_MINUTE)
            contact_phrase = rng.choice(EVENINGS)
            self.at(evening, self.log_touchpoint, person, self.client_for(person), contact_phrase, "face")
        if first_day:
            self.plan_showcases(day)
        minutes = range(DAY_TICKS[0], DAY_TICKS[1] + 1, 30)
        midnight = at_local(day, 0, "UTC")
        if not first_day:  # before the first day there was nothing to send
            self.at(midnight + timedelta(minutes=NIGHT_TICK), self.night_tick, late=True)
        for minute in minutes:
            self.at(midnight + timedelta(minutes=minute), self.tick, late=True)

    def plan_showcases(self, monday: date) -> None:
        """The first week always shows an ignored prompt, a skip, the details modal and a bad score."""
        amsterdam = [p for p in STAFF if p.tz == "Europe/Amsterdam"]
        lead = self.souring.lead
        ignorer = next(p for p in amsterdam if p != lead)
        self.at(
            at_local(monday, 9 * 60 + 35, ignorer.tz),
            self.log_touchpoint,
            ignorer,
            self.client_for(ignorer),
            None,
            "ignore",
        )
        tuesday, wednesday = monday + timedelta(days=1), monday + timedelta(days=2)
        writer = self.improving.lead
        self.at(
            at_local(tuesday, 11 * 60 + 20, writer.tz),
            self.log_touchpoint,
            writer,
            self.improving,
            None,
            "details",
        )
        skipper = next(p for p in amsterdam if p not in (ignorer, writer))
        self.at(
            at_local(tuesday, 14 * 60 + 10, skipper.tz),
            self.log_touchpoint,
            skipper,
            self.client_for(skipper),
            None,
            "skip",
        )
        typist = next(p for p in STAFF if p not in (writer,))
        self.at(at_local(wednesday, 10 * 60 + 30, typist.tz), self.bad_score, typist, self.client_for(typist))
        self.promises.plan(monday)
        self.digests.plan(monday)

    # ----- what staff do

    def command(self, person: Person, command: str, text: str) -> dict[str, Any] | None:
        response = self.slack.command(command, slack_escape(text), user=person.uid)
        if response.status != 200:
            self.problems.append(f"{command} {text!r} answered HTTP {response.status}")
            return None
        return response.json() if response.body else None

    def log_touchpoint(self, person: Person, client: DemoClient, phrase: str | None, plan: str) -> None:
        # The contact who stays silent in this run's quiet-contact scene is met by nobody meanwhile.
        contact = self.rng.choice(
            [c for c in client.contacts if c != self.promises.silent] or client.contacts
        )
        what = (phrase or self.rng.choice(PHRASES)).format(contact=contact)
        text = f"touchpoint {client.typed(self.rng)} {what}"
        body = self.command(person, "/rapport", text)
        if not body or "Logged" not in str(body.get("text")):
            self.problems.append(f"/rapport {text!r} by {person.name} did not log a touchpoint: {body!r}")
            return
        self.count["touchpoints"] += 1
        with self.db.session() as session:
            prompt_id = session.scalars(
                select(Prompt.id)
                .join(Staff, Prompt.staff_id == Staff.id)
                .where(Staff.team_id == TEAM, Staff.slack_user_id == person.uid)
                .order_by(Prompt.id.desc())
                .limit(1)
            ).first()
        if prompt_id is None:
            self.problems.append(f"no prompt was queued for {person.name}'s touchpoint {what!r}")
            return
        self.asks[prompt_id] = Ask(person, client, plan)

    def log_feeling(self, person: Person, client: DemoClient) -> None:
        score = self.score(client)
        text = f"{client.typed(self.rng)} {score} {self.note(score, client)}"
        body = self.command(person, "/feeling", text)
        if not body or "logged for" not in str(body.get("text")):
            self.problems.append(f"/feeling {text!r} by {person.name} did not log: {body!r}")
            return
        self.count["feelings"] += 1
        if self.week.want("feeling"):
            rendered = render_message(body.get("text"), body.get("blocks"), self.users)
            title = f"{person.name} typed `/feeling {text}`, {self.when(person)}; only they see the reply"
            self.week.show("feeling", title, rendered)

    def bad_score(self, person: Person, client: DemoClient) -> None:
        """`/feeling acme 7 ...`: the modal opens with a warning and what was typed; then fixed and sent."""
        score = self.score(client)
        text = f"{client.typed(self.rng)} 7 {self.note(score, client)}"
        before = len(self.fake.calls_to("views.open"))
        body = self.command(person, "/feeling", text)
        opened = self.fake.calls_to("views.open")
        if body is not None or len(opened) != before + 1:
            self.problems.append(f"/feeling {text!r} did not open the modal with a warning: {body!r}")
            return
        view = opened[-1].args["view"]
        form = ("feeling form", person.uid)
        self.week.show(
            "warning_modal",
            f"{person.name} typed `/feeling {text}`, {self.when(person)}, and got the form",
            render_view(view, self.users),
            key=form,
        )
        answers: dict[str, Any] = {"score": str(score)}
        response = self.slack.submit(view, user=person.uid, answers=answers)
        if response.status != 200 or response.body:
            self.problems.append(
                f"submitting the fixed /feeling form answered {response.status} {response.text}"
            )
            return
        replies = self.fake.calls_to("response_url")
        if not replies or "logged for" not in str(replies[-1].args.get("text")):
            self.problems.append("the fixed /feeling form was not confirmed")
            return
        self.count["modal_feelings"] += 1
        reply = replies[-1].args
        self.week.show(
            "warning_done",
            f"... picked {score} and pressed Log it, {self.when(person)}; the reply in the channel "
            "(only they see it)",
            render_message(reply.get("text"), reply.get("blocks"), self.users),
            key=form,
        )

    def when(self, person: Person) -> str:
        return f"{local(self.clock.now, person.tz)} ({person.city})"

    # ----- the clock process

    def tick(self) -> dict[str, Any]:
        posted = len(self.fake.calls_to("chat.postMessage"))
        edited = len(self.fake.calls_to("chat.update"))
        waiting = self.waiting()
        counts = jobs.tick(self.deps, self.clock.now, worker="demo")
        for key in ("sent", "deferred", "reminded", "expired", "retried", "failed", "cancelled"):
            self.count[key] += int(counts.get(key, 0))
        self.count["ticks"] += 1
        self.deferred_now = [row for row in self.waiting().items() if row not in waiting.items()]
        if (
            len(self.fake.calls_to("chat.postMessage")) != posted
            or len(self.fake.calls_to("chat.update")) != edited
        ):
            self.read_dms()
        return counts

    def waiting(self) -> dict[int, tuple[str, str, datetime]]:
        """The messages waiting for their recipient's working hours: id -> (kind, recipient, until)."""
        with self.db.session() as session:
            rows = session.execute(
                select(OutboxMessage.id, OutboxMessage.kind, OutboxMessage.channel, OutboxMessage.not_before)
                .where(OutboxMessage.status == "pending", OutboxMessage.not_before > self.clock.now)
                .order_by(OutboxMessage.id)
            ).all()
        return {row.id: (row.kind, row.channel, row.not_before) for row in rows}

    def night_tick(self) -> None:
        counts = self.tick()
        self.count["night_ticks"] += 1
        self.count["night_deferred"] += int(counts.get("deferred", 0))
        waiting = []
        for _, (kind, channel, until) in self.deferred_now:
            person = self.people.get(channel)
            if person is not None:
                what = "reminder" if kind == "prompt_reminder" else "prompt" if kind == "prompt" else "nudge"
                opens = local(until, person.tz, "%H:%M")
                waiting.append(f"{person.first}'s {what} waits for {opens} in {person.city}")
        night = local(self.clock.now, "Europe/Amsterdam")
        line = (
            f"    night tick, {night} in Amsterdam: {plural(counts['sent'], 'DM')} sent, "
            f"{counts['deferred']} deferred"
        )
        if waiting:
            line += ": " + ", ".join(waiting[:3])
        self.night_lines.append(line)

    def read_dms(self) -> None:
        for person in STAFF:
            for message in self.fake.messages(person.uid):
                ts = message["ts"]
                if ts not in self.seen_ts[person.uid]:
                    self.seen_ts[person.uid].add(ts)
                    self.new_message(person, message)
                elif ts not in self.expired_ts and "missed check-in" in str(message.get("text")):
                    self.expired_ts.add(ts)
                    if self.week.want("expired"):
                        title = (
                            f"... unanswered, the question expired, {self.when(person)}"
                            if self.week.has(ts)
                            else f"DM to {person.name}, {self.when(person)}: unanswered, the question expired"
                        )
                        self.week.show("expired", title, self.render(message), key=ts)

    def new_message(self, person: Person, message: dict[str, Any]) -> None:
        if self.promises.saw(person, message):
            return
        found = find_element(message, "prompt_face_1")
        if found is None:
            return
        prompt_id = int(str(found[1]["value"]).split(":")[0])
        ask = self.asks.get(prompt_id)
        if ask is None:
            self.problems.append(f"a prompt no one asked for reached {person.name}: {message.get('text')!r}")
            return
        ask.sightings += 1
        reminder = str(message.get("text", "")).startswith("Reminder:")
        delay = timedelta(minutes=self.rng.randrange(5, 150, 5))
        later = self.clock.now + delay
        if reminder:
            self.count["reminders_seen"] += 1
            if self.week.want("reminder"):
                self.week.show(
                    "reminder",
                    f"DM to {person.name}, {self.when(person)}: the one reminder",
                    self.render(message),
                    key=message["ts"],
                )
            if ask.plan != "ignore":
                self.at(later, self.click_face, ask, message["ts"])
            return
        if ask.sightings > 1:  # asked again after a snooze
            self.at(later, self.click_face, ask, message["ts"])
            return
        if ask.plan == "face" and self.week.want("prompt"):
            ask.showcase = "answered"
            title = f"DM to {person.name}, {self.when(person)}"
            self.week.show("prompt", title, self.render(message), key=message["ts"])
        if ask.plan == "face":
            self.at(later, self.click_face, ask, message["ts"])
        elif ask.plan == "skip":
            self.at(later, self.click_skip, ask, message["ts"])
        elif ask.plan == "details":
            self.at(later, self.click_details, ask, message["ts"])
        elif ask.plan == "snooze":
            self.at(later, self.click_snooze, ask, message["ts"])

    def current(self, person: Person, ts: str) -> dict[str, Any] | None:
        return next((m for m in self.fake.messages(person.uid) if m["ts"] == ts), None)

    def render(self, message: dict[str, Any]) -> str:
        return render_message(message.get("text"), message.get("blocks"), self.users)

    def click(self, ask: Ask, message: dict[str, Any], action_id: str, **extra: Any) -> bool:
        found = find_element(message, action_id)
        if found is None:
            return False
        block_id, element = found
        response = self.slack.click(
            user=ask.person.uid,
            action_id=action_id,
            value=element.get("value"),
            block_id=block_id,
            message=message,
            **extra,
        )
        if response.status != 200:
            self.problems.append(f"clicking {action_id} answered HTTP {response.status}")
            return False
        return True

    def click_face(self, ask: Ask, ts: str) -> None:
        message = self.current(ask.person, ts)
        if message is None or find_element(message, "prompt_face_1") is None:
            return  # moved on: reminded, expired or answered meanwhile
        score = self.score(ask.client)
        if not self.click(ask, message, f"prompt_face_{score}"):
            return
        updated = self.current(ask.person, ts) or {}
        if "logged for" not in str(updated.get("text")):
            self.problems.append(f"a face click did not update the prompt in place: {updated.get('text')!r}")
            return
        self.count["face_clicks"] += 1
        if ask.showcase == "answered" and self.week.want("answered"):
            title = f"... {ask.person.first} clicked a face, {self.when(ask.person)}; "
            self.week.show(
                "answered", title + "the same message, updated in place", self.render(updated), key=ts
            )

    def click_skip(self, ask: Ask, ts: str) -> None:
        message = self.current(ask.person, ts)
        if message is None or not self.click(ask, message, "prompt_skip"):
            return
        updated = self.current(ask.person, ts) or {}
        if "didn't happen" not in str(updated.get("text")):
            self.problems.append(f"'Didn't happen' did not update the prompt: {updated.get('text')!r}")
            return
        self.count["skips"] += 1
        if self.week.want("skipped"):
            title = f'{ask.person.name} clicked "Didn\'t happen", {self.when(ask.person)}'
            self.week.show("skipped", title, self.render(updated), key=ts)

    def click_snooze(self, ask: Ask, ts: str) -> None:
        message = self.current(ask.person, ts)
        found = find_element(message or {}, "prompt_snooze")
        if message is None or found is None:
            return
        option = found[1]["options"][0]
        if self.click(ask, message, "prompt_snooze", action_type="overflow", selected_option=option):
            self.count["snoozes"] += 1

    def click_details(self, ask: Ask, ts: str) -> None:
        """ "Add note / expectations": the modal opens from the prompt; submitted, the prompt updates."""
        message = self.current(ask.person, ts)
        before = len(self.fake.calls_to("views.open"))
        if message is None or not self.click(ask, message, "prompt_details"):
            return
        opened = self.fake.calls_to("views.open")
        if len(opened) != before + 1:
            self.problems.append("'Add note / expectations' did not open the form")
            return
        view = opened[-1].args["view"]
        score = min(self.score(ask.client), 3)
        expectation = "below" if score <= 2 else "met"
        note = (
            "launch slipped again; they want a weekly status call"
            if score <= 2
            else "ok, but watching the budget"
        )
        self.week.show(
            "details_modal",
            f'{ask.person.name} clicked "Add note / expectations" on a prompt, {self.when(ask.person)}',
            render_view(view, self.users),
            key=ts,
        )
        response = self.slack.submit(
            view, user=ask.person.uid, answers={"score": str(score), "expectation": expectation, "note": note}
        )
        updated = self.current(ask.person, ts) or {}
        if response.status != 200 or response.body or "logged for" not in str(updated.get("text")):
            self.problems.append(f"the prompt's form did not log: {response.status} {response.text!r}")
            return
        self.count["details"] += 1
        title = (
            f"... filled in {score}, {expectation} expectations and a note, {self.when(ask.person)}; "
            "the prompt now reads"
        )
        self.week.show("details_done", title, self.render(updated), key=ts)

    # ----- the weeks

    def simulate(self) -> None:
        for number in range(1, self.weeks + 1):
            monday = (self.start + timedelta(weeks=number - 1)).date()
            self.week = Week(number, self.clock)
            sunday = monday + timedelta(days=6)
            self.say(f"== Week {number}: {monday:%a %d %b} - {sunday:%a %d %b %Y} ==")
            for offset in range(7):
                day = monday + timedelta(days=offset)
                before = Counter(self.count)
                sent = self.sent_so_far()
                self.night_lines = []
                midnight = at_local(day, 0, "UTC")
                if number > 1 and offset == 0:  # the weekly digest went out at 09:00 (Amsterdam)
                    self.at(at_local(day, 8 * 60 + 31, "UTC"), self.digests.show)
                if day.weekday() < 5:
                    self.plan_day(day, first_day=number == 1 and offset == 0)
                else:
                    self.at(at_local(day, 12 * 60, AMSTERDAM), self.tick, late=True)
                self.run_until(midnight + timedelta(days=1) - timedelta(microseconds=1))
                self.day_line(day, before, sent)
            self.say()
            self.show_week()
        before, sent = Counter(self.count), self.sent_so_far()
        second = END + timedelta(minutes=30)  # the weekly digest's thread follows on the next tick
        self.at(END, self.tick, late=True)
        self.at(second, self.tick, late=True)
        self.run_until(second)
        done = self.since(sent)
        deferred = self.count["deferred"] - before["deferred"]
        self.say(
            f"  {local(END, AMSTERDAM)} in Amsterdam, the first ticks of the new week"
            f" (and {local(second, AMSTERDAM, '%H:%M')} in Amsterdam)"
            f" | {plural(done['dms'], 'DM')} ({plural(done['prompt_reminder'], 'reminder')}), "
            f"{plural(done['edits'], 'edit')}, {deferred} deferred"
        )
        self.say()
        self.digests.show(now=True)

    def sent_so_far(self) -> Counter[str]:
        """What the outbox has sent: messages by kind, the DMs they went as (several nudges go as one),
        and edits of messages sent earlier. The summary counts the same way."""
        with self.db.session() as session:
            return outbox_tally(session)

    def since(self, before: Counter[str]) -> Counter[str]:
        now = self.sent_so_far()
        now.subtract(before)
        return now

    def day_line(self, day: date, before: Counter[str], sent: Counter[str]) -> None:
        d = Counter(self.count)
        d.subtract(before)
        done = self.since(sent)
        dms = f"{plural(done['dms'], 'DM')} ({plural(done['prompt_reminder'], 'reminder')})"
        if day.weekday() >= 5:
            self.say(
                f"  {day:%a %d %b}  weekend: {plural(d['ticks'], 'tick')} at noon in Amsterdam"
                f" | {dms}, {plural(done['edits'], 'edit')}, {d['deferred']} deferred"
            )
            return
        answered = d["face_clicks"] + d["details"]
        feelings = d["feelings"] + d["modal_feelings"]
        self.say(
            f"  {day:%a %d %b}  {plural(d['touchpoints'], 'touchpoint')}, {feelings} /feeling"
            f" | {dms}, {plural(done['edits'], 'edit')}, {d['deferred']} deferred"
            f" | {answered} answered, {d['skips']} didn't happen, {d['expired']} expired"
        )
        for line in self.night_lines:
            self.say(line)

    def show_week(self) -> None:
        examples = self.week.in_time_order()
        if not examples:
            return
        self.say(f"  What staff saw in week {self.week.number}, in the order it happened:")
        for example in examples:
            for title, body in example.parts:
                self.say.box(title, body)
        self.say()

    # ----- the end

    def finale(self) -> None:
        viewer = self.souring.lead
        now = self.clock.now
        self.say(f"== {local(now, viewer.tz)} ({viewer.city}): {viewer.name} opens Rapport's Home tab ==")
        self.slack.event({"type": "app_home_opened", "user": viewer.uid, "channel": "D0HOME", "tab": "home"})
        home = self.fake.home_view(viewer.uid)
        if home is None:
            self.problems.append("app_home_opened published no Home tab")
        else:
            self.say.box("App Home", render_view(home, self.users))
        self.say()
        typed = self.souring.template.aliases[0]
        self.say(f"== {viewer.name} types `/rapport client {typed}` ==")
        body = self.command(viewer, "/rapport", f"client {typed}")
        if not body or not body.get("blocks"):
            self.problems.append(f"/rapport client {typed} showed no card: {body!r}")
        else:
            self.say.box(
                "client card (only they see it)",
                render_message(body.get("text"), body.get("blocks"), self.users),
            )
        self.say()
