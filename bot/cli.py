"""`python -m bot <command>`: dev, clock, tick, demo, import, export, digest, db upgrade.

What a person did wrong (a database out of reach, a SQLite file in a folder that is not there, no
way to Slack, a workspace id that is not one) ends the command with a line or two saying what failed
and what to check, and a non-zero exit code; the traceback is shown only with LOG_LEVEL=DEBUG.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.domain.client_rows import is_slack_team_id
from bot.messages import t
from config.settings import WHERE_TO_GET, Settings

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from bot.deps import Deps
    from bot.services.importer import LookupEmail, LookupMember
    from storage.db import Database

log = logging.getLogger("bot")

# Slack's answers that mean the token itself is no good.
REFUSED_TOKEN = {"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive"}


class Stop(Exception):
    """The command cannot go on, for a reason the person can fix: the message says which, and how."""

    def __init__(self, *lines: str, code: int = 1) -> None:
        super().__init__("\n".join(lines))
        self.code = code


def _settings() -> Settings:
    from bot import logs

    settings = Settings.from_env()
    logs.configure(settings.log_level, settings.secrets())
    return settings


def _debug() -> bool:
    return os.environ.get("LOG_LEVEL", "").strip().upper() == "DEBUG"


def _database(settings: Settings, **kwargs: Any) -> Database:
    """The database in DATABASE_URL, brought to the newest schema."""
    from storage.db import Database

    db = Database(settings.database_url, **kwargs)
    db.upgrade()
    return db


def _slack_url(settings: Settings) -> str:
    from slack_sdk import WebClient

    return settings.slack_api_url or WebClient.BASE_URL


def _workspace_of_token(settings: Settings) -> tuple[str, str]:
    """The id and name of the workspace SLACK_BOT_TOKEN belongs to, from Slack's `auth.test`: one quick
    try, so a Slack out of reach is said at once (and not logged on the way)."""
    from slack_sdk import WebClient

    quiet = logging.getLogger("bot.cli.slack")
    quiet.setLevel(logging.DEBUG if _debug() else logging.CRITICAL + 1)
    client = WebClient(
        token=settings.bot_token, base_url=_slack_url(settings), timeout=10, retry_handlers=[], logger=quiet
    )
    answer = client.auth_test()
    return str(answer["team_id"]), str(answer.get("team") or "")


def cmd_dev(args: argparse.Namespace) -> int:
    """One process: Socket Mode, the scheduler in a thread, SQLite by default."""
    settings = _settings().require("python -m bot dev", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot import clock
    from bot.app import create_app
    from bot.deps import build_deps
    from storage.db import REQUEST_PATIENCE

    _workspace_of_token(settings)  # Slack is there and takes the token, before anything starts
    db = _database(settings, patience=REQUEST_PATIENCE)  # it answers Slack too
    deps = build_deps(settings, db=db)
    app = create_app(settings, deps=deps)
    scheduler = clock.background(deps)
    try:
        SocketModeHandler(app, settings.app_token).start()
    finally:
        scheduler.shutdown(wait=False)
    return 0


def _scheduler_deps() -> Deps:
    """Collaborators for a process that only runs jobs (no Bolt app, no listeners)."""
    settings = _settings()
    if not settings.oauth_enabled:
        settings.require("the scheduler", "SLACK_BOT_TOKEN")
    from bot.deps import build_deps

    return build_deps(settings)


def cmd_clock(args: argparse.Namespace) -> int:
    from bot import clock

    clock.run_forever(_scheduler_deps())
    return 0


def cmd_tick(args: argparse.Namespace) -> int:
    """Run every due job once and exit (handy from cron or to check a deployment)."""
    from bot import jobs

    print(jobs.tick(_scheduler_deps()))
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    _database(_settings())
    print(t("cli.db.upgraded"))
    return 0


def _team(settings: Settings, given: str | None) -> str:
    """The workspace to import for: as given, checked against the bot token's when there is one."""
    if given is not None and not is_slack_team_id(given):
        guess = given.strip().upper()
        hint = t("cli.team.guess", team=guess) if is_slack_team_id(guess) else ""
        raise Stop(t("cli.team.shape", team=given, guess=hint), t("cli.team.where"), code=2)
    if not settings.bot_token:
        if given is None:
            raise Stop(t("cli.team.missing"), t("cli.team.where"), code=2)
        return given
    try:
        own, name = _workspace_of_token(settings)
    except Exception as error:
        problem = _slack_problem(error, _slack_url(settings))
        if problem is None or len(problem) < 2:
            raise
        raise Stop(problem[0], t("cli.import.without_slack")) from error
    if given is not None and given != own:
        raise Stop(t("cli.team.other", team=given, own=own, name=name or "?"), code=2)
    return own


def slack_lookups(client: WebClient) -> tuple[LookupEmail, LookupMember]:
    """How the import finds people in Slack: the member id of an e-mail address (None when nobody has
    it), and whether a member id is someone in the workspace."""
    from slack_sdk.errors import SlackApiError

    def lookup_email(email: str) -> str | None:
        try:
            return str(client.users_lookupByEmail(email=email)["user"]["id"])
        except SlackApiError:
            return None

    def lookup_member(user_id: str) -> bool:
        try:
            client.users_info(user=user_id)
        except SlackApiError as error:
            if error.response.get("error") == "user_not_found":
                return False
            raise
        return True

    return lookup_email, lookup_member


def cmd_import(args: argparse.Namespace) -> int:
    settings = _settings()
    from bot.services import importer

    team = _team(settings, args.team)
    db = _database(settings)
    lookup_email = lookup_member = None
    if settings.bot_token:
        from bot.deps import make_web_client

        lookup_email, lookup_member = slack_lookups(make_web_client(settings, settings.bot_token))
    with db.session() as session:
        report = importer.import_file(
            session, team, args.file, lookup_email=lookup_email, lookup_member=lookup_member
        )
    print(importer.format_report(report))
    return 2 if report.fatal else 0 if report.ok else 1


def cmd_digest(args: argparse.Namespace) -> int:
    """This week's digest of a workspace, as text, as of now (nothing is posted)."""
    settings = _settings()
    from datetime import UTC, datetime

    from bot.services import digest
    from bot.views import digest as digest_view
    from storage.models import Workspace

    db = _database(settings)
    with db.session() as session:  # a workspace this database does not have, whatever its shape
        if session.get(Workspace, args.team) is None:
            raise Stop(t("cli.digest.no_workspace", team=args.team), code=2)
        built = digest.build(session, args.team, datetime.now(UTC), args.tz)
        print(digest_view.as_text(built), end="")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """The Excel export of one workspace, written to a file: the same file `/rapport export` sends."""
    settings = _settings()
    from datetime import UTC, datetime
    from pathlib import Path

    from bot import exports
    from bot.domain import periods
    from bot.domain.problem import Problem
    from bot.messages import t
    from bot.services import export as export_service
    from bot.views import export as export_view
    from storage.db import Database

    def fail(message: str) -> int:
        print(f"python -m bot export: error: {message}", file=sys.stderr)
        return 2

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        return fail(t("export.cli.not_xlsx", path=out))
    if args.tz is not None and not export_service.is_zone(args.tz):
        return fail(t("export.cli.bad_zone", value=args.tz))
    db = Database(settings.database_url)
    db.upgrade()
    now = datetime.now(UTC)
    with db.session() as session:
        if not export_service.has_workspace(session, args.team):
            known = export_service.workspaces(session)
            teams = t("export.cli.known_teams", teams=", ".join(known)) if known else ""
            return fail(t("export.cli.no_team", team=args.team, known=teams))
        zone = args.tz or export_service.workspace_zone(session, args.team)
        today = now.astimezone(export_service.zone_info(zone)).date()
        period: periods.Period | Problem | None
        if args.since is not None:
            try:
                since = datetime.strptime(args.since, "%Y-%m-%d").date()
            except ValueError:
                return fail(t("export.cli.bad_since", value=args.since))
            if since > today:
                return fail(t("export.cli.future_since", value=args.since, today=today.isoformat()))
            period = periods.Period("since", since, None)
        elif args.period is not None:
            period = periods.read_period(args.period.split(), today)
            if period is None:
                return fail(t("export.cli.bad_period", value=args.period))
        else:
            period = periods.default(today)
        if isinstance(period, Problem):
            return fail(export_view.plain_problem(period))
        target = args.client or args.segment or ""
        ask = periods.ExportAsk(period, target, segment=args.segment is not None)
        chosen = export_service.choose(session, args.team, ask, zone)
        if isinstance(chosen, Problem):
            if chosen.key == "export.problem.unknown":
                chosen = Problem("export.cli.unknown_client", chosen.values)
            return fail(export_view.plain_problem(chosen))
        try:
            file = out.open("wb")
        except OSError as error:
            return fail(t("export.cli.unwritable", path=out, reason=error.strerror or error))
        try:
            with file:
                made = exports.write(session, chosen, now, file)
        except BaseException:
            out.unlink(missing_ok=True)  # no half-written file left behind
            raise
    print(export_view.written(made.export, out))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    # Imported here, and only here: the demo package sits outside the app, which never loads it.
    import demo

    return demo.run(weeks=args.weeks, seed=args.seed, out=sys.stdout)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description=t("cli.description"), epilog=t("cli.epilog")
    )
    parser.set_defaults(func=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    def command(name: str, func: Any, into: Any = sub, key: str | None = None) -> argparse.ArgumentParser:
        key = key or f"cli.{name}"
        made: argparse.ArgumentParser = into.add_parser(name, help=t(key), description=t(f"{key}.about"))
        made.set_defaults(func=func)
        return made

    command("dev", cmd_dev)
    command("clock", cmd_clock)
    command("tick", cmd_tick)
    demo = command("demo", cmd_demo)
    demo.add_argument("--weeks", type=int, default=3, help=t("cli.demo.weeks"))
    demo.add_argument("--seed", type=int, default=7, help=t("cli.demo.seed"))
    imp = command("import", cmd_import)
    imp.add_argument("file", help=t("cli.import.file"))
    imp.add_argument("--team", metavar="T…", help=t("cli.import.team"))
    exp = command("export", cmd_export)
    exp.add_argument("--team", metavar="T…", required=True, help=t("cli.export.team"))
    exp.add_argument("--out", required=True, help=t("cli.export.out"))
    when = exp.add_mutually_exclusive_group()
    when.add_argument("--since", metavar="DATE", help=t("cli.export.since"))
    when.add_argument("--period", help=t("cli.export.period"))
    who = exp.add_mutually_exclusive_group()
    who.add_argument("--client", metavar="NAME", help=t("cli.export.client"))
    who.add_argument("--segment", metavar="NAME", help=t("cli.export.segment"))
    exp.add_argument("--tz", metavar="ZONE", help=t("cli.export.tz"))
    dig = command("digest", cmd_digest)
    dig.add_argument("--team", metavar="T…", required=True, help=t("cli.digest.team"))
    dig.add_argument("--tz", help=t("cli.digest.tz"))
    db = command("db", None)
    actions = db.add_subparsers(dest="action", metavar="ACTION", title="actions")
    command("upgrade", cmd_db_upgrade, actions, "cli.db.upgrade")
    return parser


def _parser_of(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The (sub)command's own parser, for a command given without what it needs (`db` alone)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            chosen = getattr(args, action.dest or "", None)
            if chosen in action.choices:
                return _parser_of(action.choices[chosen], args)
    return parser


# --------------------------------------------------------------------------------------------
# What went wrong, in words


def _why_unreachable(error: BaseException) -> str:
    """'Connection refused' from the layers of errors a failed connection comes wrapped in."""
    text = str(getattr(error, "orig", None) or getattr(error, "reason", None) or error)
    errno = re.search(r"\[Errno -?\d+\] ([^>'\"\]]+)", text)
    if errno:
        return errno.group(1).strip().rstrip(".")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return (lines[0] if lines else type(error).__name__).rstrip(".")


def _database_problem(error: BaseException, url: str) -> tuple[str, ...] | None:
    from sqlalchemy import exc
    from sqlalchemy.engine import make_url

    from storage.db import normalize_url, unavailable

    if isinstance(error, exc.ArgumentError):
        return t("cli.db.bad_url", why=str(error).rstrip(".")), t("cli.db.bad_url.check")
    if not isinstance(error, exc.SQLAlchemyError):
        return None
    try:
        parsed = make_url(normalize_url(url))
    except exc.ArgumentError:
        return t("cli.db.bad_url", why=url), t("cli.db.bad_url.check")
    why = _why_unreachable(error)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database or "")
        folder = path.parent.resolve()
        if not folder.is_dir():
            return t("cli.db.no_folder", path=path, folder=folder), t("cli.db.no_folder.check")
        return t("cli.db.sqlite", path=path, why=why), t("cli.db.sqlite.check")
    shown = make_url(url).render_as_string(hide_password=True)  # as the person wrote it
    if unavailable(error):
        return t("cli.db.unreachable", url=shown, why=why), t("cli.db.unreachable.check")
    return (t("cli.db.refused", url=shown, why=why),)


def _slack_problem(error: BaseException, url: str) -> tuple[str, ...] | None:
    from urllib.error import URLError

    from slack_sdk.errors import SlackApiError, SlackClientError

    if isinstance(error, SlackApiError):
        answer = str(error.response.get("error"))
        method = str(getattr(error.response, "api_url", "")).rsplit("/", 1)[-1] or "a call"
        if answer in REFUSED_TOKEN:
            name = "SLACK_APP_TOKEN" if method == "apps.connections.open" else "SLACK_BOT_TOKEN"
            return (t("cli.slack.refused_token", name=name, error=answer, where=WHERE_TO_GET[name]),)
        return (t("cli.slack.refused", error=answer, method=method),)
    if isinstance(error, URLError | SlackClientError | ConnectionError | TimeoutError):
        return t("cli.slack.unreachable", url=url, why=_why_unreachable(error)), t(
            "cli.slack.unreachable.check"
        )
    return None


def explain(error: BaseException) -> tuple[str, ...]:
    """A line or two on what failed and what to check."""
    settings = Settings.from_env()
    return (
        _database_problem(error, settings.database_url)
        or _slack_problem(error, _slack_url(settings))
        or (t("cli.stopped", why=f"{type(error).__name__}: {error}"), t("cli.debug"))
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.func is None:  # no command, or `db` without its action: what there is to run
        _parser_of(parser, args).print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except Stop as stop:
        print(stop, file=sys.stderr)
        return stop.code
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        if _debug():
            traceback.print_exception(error)
        print("\n".join(explain(error)), file=sys.stderr)
        return 1
