"""What listeners and jobs share: settings, the database, the clock and a Slack client per team.

`build_deps` makes them once per process; the web app hands them to listeners through the Bolt
context (`bot.listeners.common.deps_of`), the clock passes them to each job.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.oauth.installation_store import InstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

from bot.identity import BotIdentity
from bot.webclient import CappedRateLimitRetryHandler, PooledWebClient, pooled_copy
from config.settings import Settings
from storage.db import PATIENCE, Database


def system_clock() -> datetime:
    return datetime.now(UTC)


SLACK_TIMEOUT = 10  # seconds to connect to Slack, and to wait for its answer, in one HTTP attempt
# How long a call of the outbox waits out a 429 itself; Slack asking for longer sends the row back to
# the queue until then, so the longest a send can take is known and a claim can outlast it.
SENDING_RATE_LIMIT_WAIT = 10


def retry_handlers() -> list[RetryHandler]:
    """Slack answers 429 with Retry-After; connection resets are worth one more try."""
    return [RateLimitErrorRetryHandler(max_retry_count=2), ConnectionErrorRetryHandler(max_retry_count=1)]


def sending_retry_handlers() -> list[RetryHandler]:
    """As `retry_handlers`, with a 429 waited out inside the call only up to SENDING_RATE_LIMIT_WAIT."""
    return [
        CappedRateLimitRetryHandler(max_retry_count=2, longest_wait=SENDING_RATE_LIMIT_WAIT),
        ConnectionErrorRetryHandler(max_retry_count=1),
    ]


def make_web_client(settings: Settings, token: str | None = None) -> WebClient:
    return PooledWebClient(
        token=token,
        base_url=settings.slack_api_url or WebClient.BASE_URL,
        timeout=SLACK_TIMEOUT,
        retry_handlers=retry_handlers(),
    )


class InlineExecutor(Executor):
    """Runs work handed to it at once, in the caller's thread.

    The demo and the tests use it for the work after an ack, so it has finished when the HTTP
    response comes back.
    """

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # handed to the future, as a pool would
            future.set_exception(error)
        return future


class NotInstalled(LookupError):
    pass


@dataclass
class Deps:
    settings: Settings
    db: Database
    clock: Callable[[], datetime] = system_clock
    # How the outbox waits for its moment to send (Slack's pace): a clock that is not the system's
    # (the demo's, the tests') moves itself forward instead of sleeping.
    sleep: Callable[[float], None] = time.sleep
    client: WebClient | None = None
    installation_store: InstallationStore | None = None
    identity: BotIdentity | None = None  # who the bot is, in the one workspace of a bot token
    # Where work after an ack runs: Slack calls that need not hold the response.
    background: Executor = field(default_factory=lambda: ThreadPoolExecutor(max_workers=32))
    _team_clients: dict[str, WebClient] = field(default_factory=dict)
    _senders: dict[tuple[str | None, str], WebClient] = field(default_factory=dict)

    def now(self) -> datetime:
        return self.clock()

    def client_for(self, team_id: str) -> WebClient:
        """The bot's client for a workspace: the one token, or the workspace's OAuth installation."""
        if self.installation_store is None:
            if self.client is None:
                raise NotInstalled("no Slack client configured")
            return self.client
        bot = self.installation_store.find_bot(enterprise_id=None, team_id=team_id)
        if bot is None or not bot.bot_token:
            raise NotInstalled(f"Rapport is not installed in workspace {team_id}")
        cached = self._team_clients.get(team_id)
        if cached is None or cached.token != bot.bot_token:
            cached = make_web_client(self.settings, bot.bot_token)
            self._team_clients[team_id] = cached
        return cached

    def sender_for(self, team_id: str) -> WebClient:
        """The workspace's client as the outbox uses it: the same token and connections, with
        SLACK_TIMEOUT and `sending_retry_handlers`, so a send's longest duration is known."""
        client = self.client_for(team_id)
        key = (client.token, client.base_url)
        sender = self._senders.get(key)
        if sender is None:
            if len(self._senders) >= 1024:  # tokens rotate; never grow without end
                self._senders.clear()
            sender = pooled_copy(client, timeout=SLACK_TIMEOUT, retry_handlers=sending_retry_handlers())
            self._senders[key] = sender
        return sender


def build_deps(
    settings: Settings,
    client: WebClient | None = None,
    *,
    db: Database | None = None,
    clock: Callable[[], datetime] = system_clock,
    background: Executor | None = None,
    patience: float = PATIENCE,
) -> Deps:
    """The collaborators for one process: one workspace on a bot token, or many through OAuth.

    `patience`: how long a statement may wait for the database (less in the web process, which
    must answer Slack within 3 seconds)."""
    db = db or Database(settings.database_url, patience=patience)
    # Work after an ack runs on this pool; Bolt's default of 5 threads would let five slow Slack
    # calls hold back everything else.
    background = background or ThreadPoolExecutor(max_workers=32, thread_name_prefix="after-ack")
    deps = Deps(settings=settings, db=db, clock=clock, background=background)
    if settings.oauth_enabled:
        assert settings.client_id
        deps.installation_store = SQLAlchemyInstallationStore(
            client_id=settings.client_id,
            engine=db.engine,
            installations_table_name="slack_installations",
            bots_table_name="slack_bots",
        )
        deps.client = client or make_web_client(settings)
    else:
        deps.client = client or make_web_client(settings, settings.bot_token)
    return deps
