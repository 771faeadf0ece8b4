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

    def show(self, now: bool = False) -> None:
        """The digest the clock posted this Monday at 09:00 (Amsterdam), as #client-health shows it,
        with its thread; kept as an example of the week, or, with `now`, printed at once."""
        demo = self.demo
        messages = demo.fake.messages(CHANNEL)
        posts = [m for m in messages if not m.get("thread_ts") or m["thread_ts"] == m["ts"]]
        fresh = [m for m in posts if m["ts"] not in {p["ts"] for p in self.posted}]
        if not fresh:
            demo.problems.append(f"no weekly digest in #{CHANNEL_NAME} on {demo.clock.now:%a %d %b}")
            return
        main = fresh[-1]
        self.posted.append(main)
        demo.count["digests"] += 1
        replies = [m for m in messages if m.get("thread_ts") == main["ts"] and m["ts"] != main["ts"]]
        if not any("Details for week" in str(m.get("blocks")) for m in replies):
            demo.problems.append("the digest's thread has no details")
        # Posted at this Monday's 09:00 in Amsterdam (the stand-in's timestamps are the wall clock's).
        today = demo.clock.now.astimezone(ZoneInfo(DIGEST_TZ)).date()
        monday = today - timedelta(days=today.weekday())
        posted = datetime(monday.year, monday.month, monday.day, 9, 0, tzinfo=ZoneInfo(DIGEST_TZ))
        title = (
            f"#{CHANNEL_NAME}, {posted:%a %d %b %H:%M} (Amsterdam): the weekly digest, posted by the clock"
        )
        shown = render_message(main.get("text"), main.get("blocks"), demo.users)
        chart = self._save_chart(posted)
        thread = (
            f"... in its thread, {posted:%a %d %b %H:%M} (Amsterdam): the details (every client at risk, "
            "each segment's 12 weeks)"
        )
        if chart is not None:
            thread += f" and the chart, saved as {chart.name}"
        if now:
            demo.say(f"== {posted:%a %d %b %H:%M} (Amsterdam): the weekly digest in #{CHANNEL_NAME} ==")
            demo.say.box(f"#{CHANNEL_NAME}, posted by the clock", shown)
            demo.say("  In its thread: " + thread.split(": ", 1)[1])
            saved = self.export(main, posted)
            if saved is not None:
                demo.say(
                    f"  {ADMIN.first} clicked Export to Excel: the workbook came to her DM, "
                    f"saved as {saved.name}"
                )
            demo.say()
        else:
            demo.week.show("digest", title, shown, key=main["ts"])
            demo.week.show("digest", thread, "", key=main["ts"])

    def export(self, main: dict[str, Any], posted: datetime) -> Path | None:
        """The digest's Export button, clicked by the owner: the workbook reaches her DM; kept."""
        from demo.simulation import find_element

        demo = self.demo
        found = find_element(main, "digest_export")
        if found is None:
            demo.problems.append("the digest has no Export button")
            return None
        block_id, button = found
        before = set(demo.fake.uploaded_files)
        demo.slack.click(
            user=ADMIN.uid,
            action_id="digest_export",
            value=button.get("value"),
            block_id=block_id,
            message=main,
        )
        demo.tick()
        fresh = [content for key, content in demo.fake.uploaded_files.items() if key not in before]
        workbook = next((content for content in fresh if content.startswith(b"PK")), None)
        if workbook is None:
            demo.problems.append("Export to Excel sent no workbook")
            return None
        self.out.mkdir(parents=True, exist_ok=True)
        path = self.out / f"export-{posted:%Y-%m-%d}.xlsx"
        path.write_bytes(workbook)
        demo.count["exports"] += 1
        return path

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
