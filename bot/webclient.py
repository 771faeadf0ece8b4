"""slack_sdk's WebClient on kept-alive connections, and the Bolt middleware that hands it out.

slack_sdk's sync client sends each Web API call with `urllib.request.urlopen`, which opens a new
connection (against slack.com a new TLS session too) and closes it after one answer. Rapport calls
Slack after nearly every click and command, from many threads. `PooledWebClient` sends the same
requests through urllib3's connection pools instead, and keeps everything else as slack_sdk does it:
how requests are built, retry handlers (429 with Retry-After, connection resets), how answers are
parsed and which errors are raised. With a proxy configured, slack_sdk's own urllib path is used.
"""

from __future__ import annotations

import http.client
import io
import math
import os
import threading
import urllib.error
from collections.abc import Callable, Sequence
from typing import Any
from urllib.request import Request

import urllib3
from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import (
    BackoffRetryIntervalCalculator,
    FixedValueRetryIntervalCalculator,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.jitter import RandomJitter
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

# Connections kept open per host: more than the threads that call Slack at once in a web process
# (32 after-ack workers and gunicorn's request threads). Past it, urllib3 still connects, but closes
# the extra connection after its call and logs a warning.
POOL_SIZE = 64

_lock = threading.Lock()
_manager: tuple[int, urllib3.PoolManager] | None = None


def _pools() -> urllib3.PoolManager:
    """One pool manager per process (a forked worker must not share its parent's sockets)."""
    global _manager
    pid = os.getpid()
    current = _manager
    if current is None or current[0] != pid:
        with _lock:
            current = _manager
            if current is None or current[0] != pid:
                current = (pid, urllib3.PoolManager(num_pools=8, maxsize=POOL_SIZE, block=False))
                _manager = current
    return current[1]


def _message(headers: urllib3.HTTPHeaderDict) -> http.client.HTTPMessage:
    """The headers as the HTTPMessage urllib would give (slack_sdk reads charset and Retry-After)."""
    message = http.client.HTTPMessage()
    for name, value in headers.items():
        message[name] = value
    return message


class PooledWebClient(WebClient):
    """A WebClient whose calls reuse open connections; see the module docstring."""

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict[str, Any]:
        if self.proxy or not url.lower().startswith(("http://", "https://")):
            return super()._perform_urllib_http_request_internal(url, req)
        target = urllib3.util.parse_url(url)  # parsed once, for the pool and the request line
        pool = _pools().connection_from_host(
            target.host,
            port=target.port,
            scheme=target.scheme or "http",
            pool_kwargs={"ssl_context": self.ssl} if self.ssl is not None else None,
        )
        try:
            answer = pool.urlopen(
                "POST",
                target.request_uri,
                body=req.data,  # type: ignore[arg-type]  # slack_sdk always sends bytes
                headers=dict(req.header_items()),
                retries=False,  # slack_sdk's retry handlers decide
                redirect=False,
                timeout=urllib3.Timeout(connect=self.timeout, read=self.timeout),
            )
        except urllib3.exceptions.ReadTimeoutError as error:
            raise TimeoutError(str(error)) from error  # what urlopen raises when the answer is late
        except urllib3.exceptions.HTTPError as error:
            # urlopen's URLError: slack_sdk's ConnectionErrorRetryHandler tries such a call once more.
            raise urllib.error.URLError(getattr(error, "reason", None) or error) from error
        headers = _message(answer.headers)
        data = answer.data
        if not 200 <= answer.status < 300:
            # As urlopen does: slack_sdk turns it into a retry (429) or a SlackApiError.
            raise urllib.error.HTTPError(url, answer.status, answer.reason or "", headers, io.BytesIO(data))
        if headers.get_content_type() == "application/gzip":
            return {"status": answer.status, "headers": headers, "body": data}
        return {
            "status": answer.status,
            "headers": headers,
            "body": data.decode(headers.get_content_charset() or "utf-8"),
        }


def pooled_copy(
    client: WebClient, *, timeout: int | None = None, retry_handlers: list[RetryHandler] | None = None
) -> PooledWebClient:
    """A PooledWebClient with the same token, URL, timeout, TLS, proxy, headers and retry handlers
    (or the timeout and retry handlers given)."""
    return PooledWebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout if timeout is None else timeout,
        ssl=client.ssl,
        proxy=client.proxy,
        headers=client.headers,
        team_id=client.default_params.get("team_id"),
        logger=client.logger,
        retry_handlers=list(client.retry_handlers) if retry_handlers is None else retry_handlers,
    )


class CappedRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """slack_sdk's 429 handler, which sleeps whatever Retry-After says, waiting inside the call only
    when Slack asks for at most `longest_wait` seconds. A longer wait comes back to the caller as the
    429 (a SlackApiError with the header), to be scheduled there, so a call has a longest duration."""

    def __init__(self, max_retry_count: int, longest_wait: int) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.longest_wait = longest_wait

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if not super()._can_retry(state=state, request=request, response=response, error=error):
            return False
        assert response is not None  # a 429 is an answer
        asked = next((v for k, v in response.headers.items() if k.lower() == "retry-after"), None)
        try:  # without the header slack_sdk waits about a second
            return asked is None or int(asked[0]) <= self.longest_wait
        except (IndexError, ValueError):
            return False  # slack_sdk's handler could not read it either


def longest_call(timeout: float, handlers: Sequence[RetryHandler]) -> float:
    """The longest, in seconds, one Web API call can take with this timeout and these retry handlers.

    Each attempt spends at most `timeout` connecting and `timeout` waiting for the answer (this
    client's urllib3 timeouts); between attempts, the handler that asks for one more pauses at most
    its longest pause. slack_sdk lets a call make one attempt more than the handler that retries
    most. Infinite when a handler's pause has no bound (slack_sdk's own 429 handler sleeps whatever
    Retry-After says).
    """
    retries = max((handler.max_retry_count for handler in handlers), default=0)
    total = (retries + 1) * 2 * timeout
    for attempt in range(retries):
        total += max(_longest_pause(h, attempt) for h in handlers if attempt < h.max_retry_count)
    return total


def _longest_pause(handler: RetryHandler, attempt: int) -> float:
    if isinstance(handler, CappedRateLimitRetryHandler):
        return handler.longest_wait + 1  # slack_sdk adds under a second to what Retry-After says
    if isinstance(handler, RateLimitErrorRetryHandler):
        return math.inf
    calculator = handler.interval_calculator
    if isinstance(calculator, FixedValueRetryIntervalCalculator):
        return float(calculator.fixed_interval)
    if isinstance(calculator, BackoffRetryIntervalCalculator) and type(calculator.jitter) is RandomJitter:
        return calculator.backoff_factor * 2.0**attempt + 1  # RandomJitter adds under a second
    return math.inf


class PooledClientMiddleware(Middleware):
    """Gives listeners a PooledWebClient in place of the plain client Bolt makes for each request.

    Runs after Bolt's authorization, so the client it copies carries the workspace's token. Clients
    are kept per token and workspace: building one costs more than a dict look-up.
    """

    MAX_CLIENTS = 1024

    def __init__(self) -> None:
        self._clients: dict[tuple[str | None, str, str | None], PooledWebClient] = {}

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        given = req.context.client
        if given is not None and not isinstance(given, PooledWebClient):
            key = (given.token, given.base_url, given.default_params.get("team_id"))
            client = self._clients.get(key)
            if client is None:
                if len(self._clients) >= self.MAX_CLIENTS:  # tokens rotate; never grow without end
                    self._clients.clear()
                client = self._clients[key] = pooled_copy(given)
            req.context["client"] = client
        next()
        return resp
