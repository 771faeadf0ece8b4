"""The demo's weekly digest: an owner of the agency sends it to #client-health on the first Monday;
every Monday at 09:00 (Amsterdam) the clock posts it, and the demo prints it as the channel shows
it, and keeps its chart in the output folder it names."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from demo.agency import STAFF, Person
from fakeslack import render_message

if TYPE_CHECKING:
    from demo.simulation import Demo

CHANNEL = "C0CLIENTS1"
CHANNEL_NAME = "client-health"
ADMIN: Person = STAFF[0]
DIGEST_TZ = ADMIN.tz


class Digests:
    def __init__(self, demo: Demo, out: Path) -> None:
        self.demo = demo
        self.out = out
        self.posted: list[dict[str, Any]] = []  # every digest the channel got, newest last
        self.at_risk: dict[str, list[str]] = {}  # week -> the clients the digest named at risk

    def setup(self) -> None:
        fake = self.demo.fake
        fake.add_channel(CHANNEL, name=CHANNEL_NAME, member=False)

    def plan(self, monday: date) -> None:
        from demo.simulation import at_local

        self.demo.at(at_local(monday, 9 * 60 + 40, ADMIN.tz), self.choose_channel)

    def choose_channel(self) -> None:
        demo = self.demo
        typed = f"digest <#{CHANNEL}|{CHANNEL_NAME}>"
        before = len(demo.fake.calls_to("response_url"))
        demo.command(ADMIN, "/rapport", typed)
        answers = demo.fake.calls_to("response_url")[before:]
        text = str(answers[-1].args.get("text")) if answers else ""
        if "every Monday at 09:00" not in text:
            demo.problems.append(f"/rapport {typed} did not set the weekly digest: {text!r}")
            return
        title = f"{ADMIN.name} (a workspace owner) typed `/rapport {typed}`, {demo.when(ADMIN)}"
        demo.week.show("digest_set", title, render_message(text, None, demo.users))

    def monday(self, at: datetime) -> None:
        """The clock at Monday 09:00 in Amsterdam: the digest, its thread and chart, then shown."""
        demo = self.demo
        for minute in (0, 1):
            demo.clock.now = max(demo.clock.now, at + timedelta(minutes=minute))
            demo.tick()
        posts = [
            m for m in demo.fake.messages(CHANNEL) if not m.get("thread_ts") or m["thread_ts"] == m["ts"]
        ]
        if len(posts) <= len(self.posted):
            demo.problems.append(f"no weekly digest in #{CHANNEL_NAME} on {at:%a %d %b}")
            return
        main = posts[-1]
        self.posted.append(main)
        replies = [
            m
            for m in demo.fake.messages(CHANNEL)
            if m.get("thread_ts") == main["ts"] and m["ts"] != main["ts"]
        ]
        shown = render_message(main.get("text"), main.get("blocks"), demo.users)
        local = at.astimezone(ZoneInfo(DIGEST_TZ)).strftime("%a %d %b %H:%M")
        demo.say(f"== {local} (Amsterdam): the weekly digest in #{CHANNEL_NAME} ==")
        demo.say.box(f"#{CHANNEL_NAME}, posted by the clock", shown)
        chart = self._save_chart(at)
        details = any("Details for week" in str(m.get("blocks")) for m in replies)
        if not details:
            demo.problems.append("the digest's thread has no details")
        thread = "  In its thread: the details (every client at risk, each segment's 12 weeks)"
        if chart is not None:
            thread += f" and the chart, saved as {chart.name}"
        demo.say(thread)
        demo.say()
        demo.count["digests"] += 1

    def _save_chart(self, at: datetime) -> Path | None:
        fake = self.demo.fake
        uploads = [
            c for c in fake.calls_to("files.completeUploadExternal") if c.args.get("channel_id") == CHANNEL
        ]
        if not uploads:
            self.demo.problems.append("the digest's chart was not uploaded")
            return None
        files = uploads[-1].args.get("files") or []
        file_id = files[0].get("id") if files and isinstance(files[0], dict) else None
        content = fake.uploaded_files.get(str(file_id)) if file_id else None
        if not content:
            self.demo.problems.append("the digest's chart has no content")
            return None
        self.out.mkdir(parents=True, exist_ok=True)
        path = self.out / f"feeling-{at:%Y-%m-%d}.png"
        path.write_bytes(content)
        return path
