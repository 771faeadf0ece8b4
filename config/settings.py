"""Every knob Rapport has, read once from the environment.

Defaults suit local use (a SQLite file next to the code). Commands say which variables they need
with `Settings.require(...)`, which fails fast naming each missing one and where to find it.
Secrets are never part of `repr()`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

DEFAULT_DATABASE_URL = "sqlite:///rapport.db"

# Where an admin finds each value; shown when a command needs a variable that is not set.
WHERE_TO_GET: dict[str, str] = {
    "SLACK_BOT_TOKEN": "Slack app settings > OAuth & Permissions > Bot User OAuth Token (starts with xoxb-)",
    "SLACK_SIGNING_SECRET": "Slack app settings > Basic Information > App Credentials > Signing Secret",
    "SLACK_APP_TOKEN": (
        "Slack app settings > Basic Information > App-Level Tokens > Generate, "
        "with the connections:write scope (starts with xapp-)"
    ),
    "SLACK_CLIENT_ID": "Slack app settings > Basic Information > App Credentials > Client ID",
    "SLACK_CLIENT_SECRET": "Slack app settings > Basic Information > App Credentials > Client Secret",
    "DATABASE_URL": "your database, e.g. postgresql+psycopg://user:pass@host/rapport (default: SQLite file)",
}

BOT_SCOPES = (
    "commands",
    "chat:write",
    "im:write",
    "users:read",
    "users:read.email",
    # Before sending again a message whose send's outcome is unknown, the outbox looks for it in the
    # conversation's history (bot/jobs/outbox.py): DMs, and channels public and private.
    "im:history",
    "channels:history",
    "groups:history",
    # The weekly digest: which channel it goes to (conversations.info), joining a public one; its chart
    # and `/rapport export`'s Excel file (files_upload_v2).
    "channels:read",
    "groups:read",
    "channels:join",
    "files:write",
)


class MissingSettings(SystemExit):
    """Raised by `require`; a SystemExit so a CLI exits non-zero with the message and no traceback."""

    def __init__(self, missing: list[str], purpose: str) -> None:
        lines = [f"Missing setting{'s' if len(missing) > 1 else ''} for {purpose}:"]
        for name in missing:
            lines.append(f"  {name}: {WHERE_TO_GET.get(name, 'see README.md')}")
        lines.append("Set them in the environment (or a .env file your shell loads) and run again.")
        self.missing = missing
        super().__init__("\n".join(lines))


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, got {raw!r}.") from None


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    value = _int(env, name, default)
    if value < 1:
        raise SystemExit(f"{name} must be at least 1, got {value}.")
    return value


@dataclass(frozen=True)
class Settings:
    bot_token: str | None = field(default=None, repr=False)
    signing_secret: str | None = field(default=None, repr=False)
    app_token: str | None = field(default=None, repr=False)
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    database_url: str = DEFAULT_DATABASE_URL
    slack_api_url: str | None = None
    port: int = 3000
    log_level: str = "INFO"
    # Listeners ack with what they decided, then Bolt returns the response; slow Slack calls
    # (opening a form, redrawing a message) run after it as lazy listeners. This skips Bolt's
    # 10 ms poll for the ack that the other mode has on every request.
    process_before_response: bool = True
    token_verification: bool = True
    # Check-in prompt timing (working hours of the recipient).
    prompt_delay_minutes: int = 15
    prompt_reminder_hours: int = 4
    prompt_expiry_hours: int = 8
    outbox_max_attempts: int = 5
    scheduler_interval_seconds: int = 30
    # Slack allows chat.postMessage about one message a second per channel and, for a workspace, only
    # says "several hundred a minute" with bursts: Rapport posts at most this many a minute per
    # workspace, well under that, whatever the number of clock processes.
    workspace_posts_per_minute: int = 60
    # A person gets at most one nudge message in this long; nudges due meanwhile wait and go together.
    nudge_gap_seconds: int = 30 * 60

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env

        def text(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        return cls(
            bot_token=text("SLACK_BOT_TOKEN"),
            signing_secret=text("SLACK_SIGNING_SECRET"),
            app_token=text("SLACK_APP_TOKEN"),
            client_id=text("SLACK_CLIENT_ID"),
            client_secret=text("SLACK_CLIENT_SECRET"),
            database_url=text("DATABASE_URL") or DEFAULT_DATABASE_URL,
            slack_api_url=text("SLACK_API_URL"),
            port=_int(env, "PORT", 3000),
            log_level=(text("LOG_LEVEL") or "INFO").upper(),
            process_before_response=_flag(env.get("RAPPORT_PROCESS_BEFORE_RESPONSE"), True),
            token_verification=_flag(env.get("RAPPORT_TOKEN_VERIFICATION"), True),
            prompt_delay_minutes=_int(env, "RAPPORT_PROMPT_DELAY_MINUTES", 15),
            prompt_reminder_hours=_int(env, "RAPPORT_PROMPT_REMINDER_HOURS", 4),
            prompt_expiry_hours=_int(env, "RAPPORT_PROMPT_EXPIRY_HOURS", 8),
            outbox_max_attempts=_int(env, "RAPPORT_OUTBOX_MAX_ATTEMPTS", 5),
            scheduler_interval_seconds=_int(env, "RAPPORT_SCHEDULER_INTERVAL_SECONDS", 30),
            workspace_posts_per_minute=_positive(env, "RAPPORT_POSTS_PER_MINUTE", 60),
            nudge_gap_seconds=_positive(env, "RAPPORT_NUDGE_GAP_MINUTES", 30) * 60,
        )

    @property
    def oauth_enabled(self) -> bool:
        """Many workspaces install through OAuth; one workspace runs on a single bot token."""
        return bool(self.client_id and self.client_secret) and not self.bot_token

    def require(self, purpose: str, *names: str) -> Settings:
        attrs = {
            "SLACK_BOT_TOKEN": self.bot_token,
            "SLACK_SIGNING_SECRET": self.signing_secret,
            "SLACK_APP_TOKEN": self.app_token,
            "SLACK_CLIENT_ID": self.client_id,
            "SLACK_CLIENT_SECRET": self.client_secret,
        }
        missing = [name for name in names if not attrs.get(name)]
        if missing:
            raise MissingSettings(missing, purpose)
        return self

    def require_web(self) -> Settings:
        """HTTP mode needs the signing secret and either a bot token or OAuth credentials."""
        self.require("the web process", "SLACK_SIGNING_SECRET")
        if not self.bot_token and not (self.client_id and self.client_secret):
            raise MissingSettings(
                ["SLACK_BOT_TOKEN"]
                if not (self.client_id or self.client_secret)
                else [
                    n
                    for n, v in (
                        ("SLACK_CLIENT_ID", self.client_id),
                        ("SLACK_CLIENT_SECRET", self.client_secret),
                    )
                    if not v
                ],
                "the web process (a bot token for one workspace, or client id and secret for OAuth)",
            )
        return self

    def secrets(self) -> list[str]:
        """Values that must never appear in logs."""
        names = {"bot_token", "signing_secret", "app_token", "client_secret"}
        return [v for f in fields(self) if f.name in names and (v := getattr(self, f.name))]
