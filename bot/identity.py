"""Who the bot is in its one workspace (Slack's `auth.test`), learned off the request path.

Bolt asks `auth.test` on the first request of each process (or at start-up, where a slow or
unreachable Slack then stops the process from serving at all). Here it is asked by a thread of its
own, at start-up with retries and every few hours after; requests are authorized from what is known,
and never wait for Slack. Until it is known, requests go on with the bot token alone: the bot's own
user id only matters for ignoring its own messages, which Rapport does not subscribe to.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

log = logging.getLogger(__name__)

REFRESH_SECONDS = 6 * 3600
RETRY_SECONDS = (1, 2, 5, 10, 30, 60)  # then every minute until Slack answers


class BotIdentity:
    def __init__(self, client: WebClient, token: str) -> None:
        self.client = client
        self.token = token
        self.known: dict[str, Any] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def authorizer(self) -> Callable[..., AuthorizeResult]:
        """Bolt's `authorize` (Bolt passes its arguments by name): the bot token, and the bot's ids
        once they are known. Never calls Slack."""

        def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
            known = self.known or {}
            return AuthorizeResult(
                enterprise_id=enterprise_id,
                team_id=team_id or known.get("team_id"),
                bot_token=self.token,
                bot_user_id=known.get("user_id"),
                bot_id=known.get("bot_id"),
            )

        return authorize

    def learn_once(self) -> bool:
        try:
            answer = self.client.auth_test()
        except (SlackApiError, SlackClientError, OSError) as error:
            log.warning("could not ask Slack who the bot is yet: %s", _why(error))
            return False
        self.known = {key: answer.get(key) for key in ("user_id", "bot_id", "team_id", "team")}
        return True

    def start(self) -> BotIdentity:
        """Learn who the bot is in a background thread, and keep it fresh."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="bot-identity", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            if self.learn_once():
                failures = 0
                wait: float = REFRESH_SECONDS
            else:
                wait = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
                failures += 1
            self._stop.wait(wait)


def _why(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error"))
    return f"{type(error).__name__}: {error}"
