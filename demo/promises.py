"""The demo's first week of promises and silences: follow-ups, quiet contacts and a recovery step.

`Promises` plans what a few staff do on the first Monday and Tuesday, and reacts to the nudges that
reach them: a promise made, nudged, snoozed and done; an outreach that goes unanswered, the lead's
nudge with next steps and the follow-up logged from it; a bad check-in turned into a recovery
follow-up. Everything goes through signed requests to the real app; what staff saw is kept for the
week's showcase.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from bot.views.nudges import part_of
from demo.agency import STAFF, DemoClient, Person
from fakeslack import render_message, render_view
from storage.models import FollowUp, Wait

if TYPE_CHECKING:
    from demo.simulation import Demo


class Promises:
    def __init__(self, demo: Demo, at_local: Callable[[date, int, str], datetime]) -> None:
        self.demo = demo
        self.at_local = at_local
        self.snoozed: set[int] = set()  # follow-ups snoozed once: done when they come back
        self.silent: str | None = None  # the contact who does not answer the outreach
        self.ignored: set[int] = set()  # follow-ups nobody acts on: reminded, then escalated
        self.forgotten: set[str] = set()
        self.second: set[int] = set()  # follow-ups that came with another in one DM: done at once

    # ----- planning

    def plan(self, monday: date) -> None:
        demo = self.demo
        amsterdam = [p for p in STAFF if p.tz == "Europe/Amsterdam"]
        promiser = amsterdam[0]
        client = demo.client_for(promiser)
        wednesday = (monday + timedelta(days=2)).strftime("%A").lower()
        text = f"{client.typed(demo.rng)} send the revised plan {wednesday}"
        demo.at(self.at_local(monday, 10 * 60 + 5, promiser.tz), self.promise, promiser, text)
        # A second promise for the same day: both come due that morning, and go as one DM.
        other = next((c for c in demo.clients if c is not client and promiser in c.owners()), None)
        other = other or next(c for c in demo.clients if c is not client)
        text = f"{other.typed(demo.rng)} share the workshop notes {wednesday}"
        demo.at(self.at_local(monday, 14 * 60 + 40, promiser.tz), self.promise, promiser, text)
        quiet_client = next(
            c for c in demo.clients if len(c.contacts) > 1 and c.lead.tz != "America/New_York"
        )
        reacher = quiet_client.lead
        contact = quiet_client.contacts[0]
        self.silent = contact
        outreach = f"touchpoint {quiet_client.typed(demo.rng)} email to {contact} about the renewal terms"
        demo.at(
            self.at_local(monday, 11 * 60 + 10, reacher.tz), self.reach_out, reacher, quiet_client, outreach
        )
        # A promise for today from someone on light nudges, left undone: one reminder, then the partner.
        forgetful = next(
            (
                c
                for c in demo.clients
                if c.partner and c.lead.tz != "America/New_York" and c.lead not in (promiser, reacher)
            ),
            None,
        )
        if forgetful is not None:
            person = forgetful.lead
            who = forgetful.contacts[-1] if forgetful.contacts else "them"
            later = f"{forgetful.typed(demo.rng)} call {who} back about the invoice today"
            demo.at(self.at_local(monday, 9 * 60 + 50, person.tz), self.forget, person, later)
        tuesday = monday + timedelta(days=1)
        upset = next(p for p in STAFF if p.tz == "Europe/London")
        demo.at(
            self.at_local(tuesday, 15 * 60 + 20, upset.tz), self.bad_checkin, upset, demo.client_for(upset)
        )

    # ----- what staff type

    def promise(self, person: Person, text: str) -> None:
        demo = self.demo
        body = demo.command(person, "/followup", text)
        if not body or "Noted:" not in str(body.get("text")):
            demo.problems.append(f"/followup {text!r} by {person.name} did not record a promise: {body!r}")
            return
        demo.count["promises"] += 1
        title = f"{person.name} typed `/followup {text}`, {demo.when(person)}; only they see the reply"
        demo.week.show("promise_made", title, demo.render(body))

    def forget(self, person: Person, text: str) -> None:
        """Light nudges, then a promise for today that is never done."""
        demo = self.demo
        light = demo.command(person, "/rapport", "settings intensity light")
        if not light or "light" not in str(light.get("text")).lower():
            demo.problems.append(
                f"/rapport settings intensity light did not save for {person.name}: {light!r}"
            )
            return
        body = demo.command(person, "/followup", text)
        if not body or "Noted:" not in str(body.get("text")):
            demo.problems.append(f"/followup {text!r} by {person.name} did not record a promise: {body!r}")
            return
        self.forgotten.add(body["text"])
        demo.count["promises"] += 1
        with demo.db.session() as session:
            row = session.scalars(select(FollowUp).order_by(FollowUp.id.desc())).first()
            if row is not None:
                self.ignored.add(row.id)
        title = f"{person.name} typed `/rapport settings intensity light`, then `/followup {text}`"
        title += f", {demo.when(person)}"
        shown = render_message(light.get("text"), None, demo.users) + "\n" + demo.render(body)
        demo.week.show("promise_forgotten", title, shown)

    def reach_out(self, person: Person, client: DemoClient, text: str) -> None:
        """An e-mail logged as an outreach; the client is quick to flag silence (2 working days)."""
        demo = self.demo
        quick = demo.command(person, "/rapport", f"quiet {client.typed(demo.rng)} 2")
        if not quick or "2 working days" not in str(quick.get("text")):
            demo.problems.append(f"/rapport quiet did not set 2 days for {client.name}: {quick!r}")
            return
        body = demo.command(person, "/rapport", text)
        if not body or "no answer in 2 working days" not in str(body.get("text")):
            demo.problems.append(f"/rapport {text!r} did not start waiting for an answer: {body!r}")
            return
        demo.count["outreaches"] += 1
        demo.count["touchpoints"] += 1
        shown = render_message(quick.get("text"), None, demo.users) + "\n" + demo.render(body)
        typed = f"/rapport quiet {client.typed(demo.rng)} 2"
        title = f"{person.name} typed `{typed}`, then `/rapport {text}`, {demo.when(person)}"
        demo.week.show("outreach", title, shown)

    def bad_checkin(self, person: Person, client: DemoClient) -> None:
        """A bad check-in asks for a recovery step; one click opens the follow-up form for it."""
        demo = self.demo
        text = f"{client.typed(demo.rng)} 1 furious about the missed launch date"
        body = demo.command(person, "/feeling", text)
        if not body or "checkin_recovery" not in str(body.get("blocks")):
            demo.problems.append(f"/feeling {text!r} asked for no recovery step: {body!r}")
            return
        demo.count["feelings"] += 1
        recovery = ("recovery", person.uid)
        title = f"{person.name} typed `/feeling {text}`, {demo.when(person)}"
        demo.week.show("recovery_ask", title, demo.render(body), key=recovery)
        button = next(b["accessory"] for b in body["blocks"] if b.get("block_id") == "recovery")
        before = len(demo.fake.calls_to("views.open"))
        demo.slack.click(
            user=person.uid, action_id="checkin_recovery", value=button["value"], is_ephemeral=True
        )
        opened = demo.fake.calls_to("views.open")
        if len(opened) != before + 1:
            demo.problems.append("'Add a recovery step' did not open the follow-up form")
            return
        view = opened[-1].args["view"]
        title = f'... clicked "Add a recovery step", {demo.when(person)}'
        demo.week.show("recovery_form", title, render_view(view, demo.users), key=recovery)
        day = (demo.clock.now + timedelta(days=2)).date().isoformat()
        what = "call with an apology and a new launch plan"
        response = demo.slack.submit(view, user=person.uid, answers={"what": what, "date": day})
        with demo.db.session() as session:
            kept = session.scalars(
                select(FollowUp).where(FollowUp.what == what, FollowUp.source == "recovery")
            ).first()
        if response.status != 200 or kept is None:
            demo.problems.append(f"the recovery step was not recorded: {response.status} {response.text!r}")
            return
        demo.count["recoveries"] += 1

    # ----- nudges that reach staff

    def saw(self, person: Person, message: dict[str, Any]) -> bool:
        """React to a follow-up or quiet-contact nudge (or a DM of several); False for any other
        message."""
        demo = self.demo
        nudges = nudges_in(message)
        if len(nudges) > 1:
            demo.count["bundled_nudges"] += len(nudges)
            if demo.week.want("bundled_nudge"):
                title = f"DM to {person.name}, {demo.when(person)}: {len(nudges)} nudges due together, one DM"
                demo.week.show("bundled_nudge", title, demo.render(message), key=message["ts"])
        seen = [self._saw_one(person, message, nudge, n, len(nudges)) for n, nudge in enumerate(nudges)]
        return any(seen)

    def _saw_one(
        self, person: Person, message: dict[str, Any], nudge: dict[str, Any], n: int, of: int
    ) -> bool:
        """React to the `n`th of the `of` nudges a DM carries."""
        from demo.simulation import find_element

        demo = self.demo
        later = demo.clock.now + timedelta(minutes=demo.rng.randrange(10, 60, 5))
        done = find_element(nudge, "followup_done")
        if done is not None:
            followup_id = int(str(done[1]["value"]).split(":")[0])
            source = self._source(followup_id)
            if followup_id in self.ignored:
                self._ignored_nudge(person, nudge)
                return True
            if n > 0:  # the second of a DM of several: done at once
                self.second.add(followup_id)
                demo.at(later, self.done, person, message["ts"], followup_id)
                return True
            showcase = "recovery_nudge" if source == "recovery" else "promise_nudge"
            if source is not None and of == 1 and demo.week.want(showcase):
                title = f"DM to {person.name}, {demo.when(person)}"
                if source == "recovery":
                    title += ": the recovery step is due"
                elif followup_id in self.snoozed:
                    title += ": the snoozed promise, asked about again"
                demo.week.show(showcase, title, demo.render(nudge), key=message["ts"])
            action = self.done if followup_id in self.snoozed else self.snooze
            demo.at(later, action, person, message["ts"], followup_id)
            return True
        replied = find_element(nudge, "quiet_replied")
        if replied is not None:
            demo.count["quiet_nudges"] += 1
            if demo.week.want("quiet_nudge"):
                title = f"DM to {person.name}, {demo.when(person)}"
                demo.week.show("quiet_nudge", title, demo.render(nudge), key=message["ts"])
            demo.at(later, self.log_followup, person, message["ts"])
            return True
        return False

    def _ignored_nudge(self, person: Person, message: dict[str, Any]) -> None:
        """The forgotten promise: its reminder to its owner, then the word to the partner."""
        demo = self.demo
        shown = str(message.get("blocks"))
        if "Open past its due moment" in shown:
            kind = "promise_escalated"
        elif "Still open" in shown:
            kind = "promise_reminded"
        else:
            return  # the due nudge itself: shown with the promise that was done
        escalated = kind == "promise_escalated"
        demo.count[kind] += 1
        if demo.week.want(kind):
            why = "the partner is told" if escalated else "not done, so reminded"
            demo.week.show(kind, f"DM to {person.name}, {demo.when(person)}: {why}", demo.render(message))

    def _source(self, followup_id: int) -> str | None:
        with self.demo.db.session() as session:
            row = session.get(FollowUp, followup_id)
            return row.source if row is not None else None

    def snooze(self, person: Person, ts: str, followup_id: int) -> None:

        demo = self.demo
        message = demo.current(person, ts)
        found = element_of(message or {}, "followup_snooze", followup_id)
        if message is None or found is None:
            return
        block_id, element = found
        option = next(o for o in element["options"] if o["value"].endswith(":later_today"))
        demo.slack.click(
            user=person.uid,
            action_id="followup_snooze",
            action_type="static_select",
            selected_option=option,
            block_id=block_id,
            message=message,
        )
        updated = demo.current(person, ts) or {}
        if "Snoozed" not in said(updated):
            demo.problems.append(f"Snooze did not update the nudge: {updated.get('text')!r}")
            return
        self.snoozed.add(followup_id)
        demo.count["promise_snoozes"] += 1
        if demo.week.want("promise_snoozed"):
            title = f"... {person.first} picked Snooze: Later today, {demo.when(person)}"
            demo.week.show("promise_snoozed", title, demo.render(updated), key=ts)

    def done(self, person: Person, ts: str, followup_id: int) -> None:

        demo = self.demo
        message = demo.current(person, ts)
        found = element_of(message or {}, "followup_done", followup_id)
        if message is None or found is None:
            return
        block_id, element = found
        demo.slack.click(
            user=person.uid,
            action_id="followup_done",
            value=element["value"],
            block_id=block_id,
            message=message,
        )
        updated = demo.current(person, ts) or {}
        if "Done:" not in said(updated):
            demo.problems.append(f"Done did not update the nudge: {updated.get('text')!r}")
            return
        demo.count["promises_done"] += 1
        if followup_id in self.second:
            return
        if demo.week.want("promise_done"):
            title = f"... {person.first} clicked Done, {demo.when(person)}"
            demo.week.show("promise_done", title, demo.render(updated), key=ts)

    def log_followup(self, person: Person, ts: str) -> None:
        """ "Log a follow-up" on a quiet-contact nudge: the form, pre-filled; saved, it takes over."""
        from demo.simulation import find_element

        demo = self.demo
        message = demo.current(person, ts)
        found = find_element(message or {}, "quiet_followup")
        if message is None or found is None:
            return
        block_id, element = found
        before = len(demo.fake.calls_to("views.open"))
        demo.slack.click(
            user=person.uid,
            action_id="quiet_followup",
            value=element["value"],
            block_id=block_id,
            message=message,
        )
        opened = demo.fake.calls_to("views.open")
        if len(opened) != before + 1:
            demo.problems.append("'Log a follow-up' did not open the form")
            return
        view = opened[-1].args["view"]
        day = (demo.clock.now + timedelta(days=1)).date().isoformat()
        what = "call them instead, and offer 15 minutes to settle the terms"
        response = demo.slack.submit(view, user=person.uid, answers={"what": what, "date": day})
        with demo.db.session() as session:
            wait = session.scalars(select(Wait).order_by(Wait.id.desc())).first()
            status = wait.status if wait else None
        updated = demo.current(person, ts) or {}
        if response.status != 200 or status != "followed_up" or "stopped waiting" not in said(updated):
            demo.problems.append(f"the follow-up from a quiet-contact nudge was not recorded: {status!r}")
            return
        demo.count["quiet_followups"] += 1
        if demo.week.want("quiet_followup"):
            title = f'... {person.first} clicked "Log a follow-up", {demo.when(person)}, and saved it'
            demo.week.show("quiet_followup", title + "; the DM now reads", demo.render(updated), key=ts)


def nudges_in(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Each nudge in a DM as a message of its own: the DM itself when it is one nudge; in a DM of
    several, each nudge's blocks (they say whose they are in their block_ids)."""
    parts: dict[int, list[dict[str, Any]]] = {}
    for block in message.get("blocks") or []:
        _, part = part_of(block.get("block_id"))
        if part is not None:
            parts.setdefault(part, []).append(block)
    if len(parts) < 2:
        return [message]
    return [{**message, "text": "", "blocks": blocks} for blocks in parts.values()]


def element_of(message: dict[str, Any], action_id: str, subject_id: int) -> tuple[str, dict[str, Any]] | None:
    """The control with this action id on the nudge about `subject_id` (its value, or its options'
    values, start with the id), wherever it sits in the DM."""
    from demo.simulation import find_element

    for nudge in nudges_in(message):
        found = find_element(nudge, action_id)
        if found is None:
            continue
        element = found[1]
        values = [element.get("value"), *(o.get("value") for o in element.get("options") or [])]
        if any(str(v).split(":")[0] == str(subject_id) for v in values if v):
            return found
    return None


def said(message: dict[str, Any]) -> str:
    """Everything a DM says, its notification text and its blocks (a DM of several keeps its text)."""
    return f"{message.get('text')} {message.get('blocks')}"
