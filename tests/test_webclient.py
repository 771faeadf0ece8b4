"""The Web API client keeps its connections open and otherwise behaves as slack_sdk's own client."""

from __future__ import annotations

import inspect
import math
import os
import socket
import threading
import time
import urllib.error
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from bot import webclient
from bot.deps import SENDING_RATE_LIMIT_WAIT, retry_handlers, sending_retry_handlers
from bot.webclient import CappedRateLimitRetryHandler, PooledWebClient, longest_call, pooled_copy
from fakeslack import FakeSlack
from tests.conftest import BOT_TOKEN, TEAM


def clients(fake: FakeSlack, **kwargs: Any) -> list[WebClient]:
    """slack_sdk's client and ours, configured alike."""
    return [cls(base_url=fake.url, token=BOT_TOKEN, **kwargs) for cls in (WebClient, PooledWebClient)]


def test_calls_share_one_connection(fake):
    plain, pooled = clients(fake)
    for _ in range(5):
        assert plain.auth_test()["team_id"] == TEAM
    assert fake.connections == 5  # slack_sdk opens one per call

    fake.reset()
    for _ in range(5):
        assert pooled.auth_test()["team_id"] == TEAM
        pooled.chat_postMessage(channel="U01LEAD001", text="hello")
    assert fake.connections == 1
    assert len(fake.calls_to("chat.postMessage")) == 5


def test_threads_share_the_pool(fake):
    pooled = PooledWebClient(base_url=fake.url, token=BOT_TOKEN)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(10):
                pooled.auth_test()
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(fake.calls_to("auth.test")) == 40
    assert fake.connections <= 4


def answers(client: WebClient, call: str, **args: Any) -> tuple[str, Any]:
    """What a caller sees: the data, or the exception type with its status and data."""
    try:
        response = client.api_call(call, json=args) if args else client.api_call(call)
    except SlackApiError as error:
        return "SlackApiError", (error.response.status_code, error.response.data)
    return "ok", (response.status_code, response.data)


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ({"error": "channel_not_found"}, ("SlackApiError", 200)),
        ({"status": 429, "retry_after": 7}, ("SlackApiError", 429)),
        ({"status": 500}, ("SlackApiError", 500)),
        ({"status": 503}, ("SlackApiError", 503)),
        (None, ("ok", 200)),
    ],
)
def test_answers_and_errors_match_slack_sdk(fake, fault, expected):
    results = []
    for client in clients(fake, retry_handlers=[]):
        if fault:
            fake.inject("chat.postMessage", **fault)
        kind, (status, data) = answers(client, "chat.postMessage", channel="U01LEAD001", text="hi")
        results.append((kind, status, data.get("ok"), data.get("error")))
    assert results[0] == results[1]
    assert results[1][:2] == expected


def test_rate_limit_headers_reach_the_caller(fake):
    pooled = PooledWebClient(base_url=fake.url, token=BOT_TOKEN, retry_handlers=[])
    fake.inject("auth.test", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as raised:
        pooled.auth_test()
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "7"


def test_rate_limited_call_is_retried_after_retry_after(fake):
    pooled = PooledWebClient(
        base_url=fake.url, token=BOT_TOKEN, retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)]
    )
    fake.inject("auth.test", status=429, retry_after=0)
    assert pooled.auth_test()["ok"]
    assert [c.status for c in fake.faults] == [429]
    assert len(fake.calls_to("auth.test")) == 1


def test_a_capped_handler_waits_out_a_short_retry_after_and_hands_back_a_long_one(fake):
    pooled = PooledWebClient(
        base_url=fake.url,
        token=BOT_TOKEN,
        retry_handlers=[CappedRateLimitRetryHandler(max_retry_count=2, longest_wait=1)],
    )
    fake.inject("auth.test", status=429, retry_after=0)
    assert pooled.auth_test()["ok"]
    fake.inject("auth.test", status=429, retry_after=30)
    started = time.monotonic()
    with pytest.raises(SlackApiError) as raised:
        pooled.auth_test()
    assert time.monotonic() - started < 1  # not slept through: the caller schedules it
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "30"


def test_the_longest_call_follows_the_timeout_and_the_retry_handlers():
    # Three attempts of up to 10 s connecting and 10 s answering, with two pauses for a 429 between.
    assert longest_call(10, sending_retry_handlers()) == 3 * 20 + 2 * (SENDING_RATE_LIMIT_WAIT + 1)
    # One more try after a reset connection, after half a second and under a second of jitter.
    assert longest_call(10, [ConnectionErrorRetryHandler(max_retry_count=1)]) == 2 * 20 + 1.5
    assert longest_call(1, []) == 2
    assert longest_call(10, retry_handlers()) == math.inf  # slack_sdk's 429 handler sleeps what Slack says


def test_a_late_answer_times_out_like_slack_sdk(fake):
    for client in clients(fake, timeout=1, retry_handlers=[]):
        fake.inject("auth.test", delay=1.5)
        with pytest.raises(TimeoutError):
            client.auth_test()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_no_server_raises_urlerror_after_one_more_try():
    url = f"http://127.0.0.1:{closed_port()}/api/"
    for cls in (WebClient, PooledWebClient):
        client = cls(base_url=url, token=BOT_TOKEN, retry_handlers=retry_handlers())
        with pytest.raises(urllib.error.URLError):
            client.auth_test()


class _ClosesAfterEachAnswer(BaseHTTPRequestHandler):
    """Answers as HTTP/1.1 keep-alive (no `Connection: close`), then drops the connection anyway."""

    protocol_version = "HTTP/1.1"
    connections = 0

    def setup(self) -> None:
        super().setup()
        type(self).connections += 1

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b'{"ok": true, "url": "https://x.slack.com/", "team_id": "T0001", "user_id": "UBOT"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True


@pytest.fixture
def closing_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ClosesAfterEachAnswer)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    _ClosesAfterEachAnswer.connections = 0
    yield f"http://127.0.0.1:{server.server_address[1]}/api/"
    server.shutdown()
    server.server_close()


def test_a_connection_the_server_closed_while_idle_is_replaced(closing_server):
    # As when a server's idle timeout closes a kept connection: no retry handlers, so each call
    # must succeed on its own, on a fresh connection.
    pooled = PooledWebClient(base_url=closing_server, token=BOT_TOKEN, retry_handlers=[])
    for _ in range(3):
        assert pooled.auth_test()["ok"]
        time.sleep(0.05)
    assert _ClosesAfterEachAnswer.connections == 3


def test_a_connection_closed_as_the_next_call_leaves_is_tried_once_more(closing_server):
    # The next call goes out before the close arrives and fails without an answer; the app's
    # retry handlers (slack_sdk's ConnectionErrorRetryHandler) send it again on a new connection.
    pooled = PooledWebClient(base_url=closing_server, token=BOT_TOKEN, retry_handlers=retry_handlers())
    for _ in range(2):
        assert pooled.auth_test()["ok"]


def test_with_a_proxy_slack_sdks_own_path_is_used(fake):
    # The proxy does not exist: slack_sdk's urllib path fails on it; the pooled path would have
    # gone straight to the fake and succeeded.
    pooled = PooledWebClient(
        base_url=fake.url, token=BOT_TOKEN, proxy=f"http://127.0.0.1:{closed_port()}", retry_handlers=[]
    )
    with pytest.raises(urllib.error.URLError):
        pooled.auth_test()
    assert fake.calls_to("auth.test") == []


def test_a_forked_worker_gets_pools_of_its_own(monkeypatch):
    parent = webclient._pools()
    assert webclient._pools() is parent
    monkeypatch.setattr(os, "getpid", lambda: -1)
    assert webclient._pools() is not parent


def test_listeners_get_a_pooled_client_with_the_workspace_token(rapport):
    rapport.slack.event({"type": "app_home_opened", "user": "U01LEAD001", "channel": "D01", "tab": "home"})
    opened, calls = rapport.fake.connections, len(rapport.fake.calls)
    rapport.slack.event({"type": "app_home_opened", "user": "U01PART001", "channel": "D02", "tab": "home"})
    assert [c.method for c in rapport.fake.calls[calls:]] == ["users.info", "views.publish"]
    assert [c.token for c in rapport.fake.calls_to("views.publish")] == [BOT_TOKEN, BOT_TOKEN]
    # Bolt's own client would have opened a connection for each of the two calls.
    assert rapport.fake.connections == opened


def test_the_slack_sdk_method_we_override_is_still_there_and_called_the_same_way():
    """PooledWebClient overrides a private slack_sdk method: a new slack_sdk that renames it, changes
    its arguments or stops calling it would quietly bypass the pools (or break every call). Fail here."""
    from slack_sdk.web.base_client import BaseClient

    ours = PooledWebClient._perform_urllib_http_request_internal
    theirs = BaseClient._perform_urllib_http_request_internal
    assert ours is not theirs
    assert list(inspect.signature(theirs).parameters) == ["self", "url", "req"]
    assert list(inspect.signature(ours).parameters) == list(inspect.signature(theirs).parameters)
    # ... and slack_sdk still sends every call through it.
    assert "self._perform_urllib_http_request_internal(url, req)" in inspect.getsource(
        BaseClient._perform_urllib_http_request
    )


def test_a_pooled_copy_keeps_every_setting_a_web_client_is_made_with(fake):
    """If slack_sdk's WebClient gains a setting, `pooled_copy` must learn to copy it: fail here first."""
    made_with = set(inspect.signature(WebClient.__init__).parameters) - {"self"}
    # The user agent parts end up in `headers`, which is copied whole.
    assert made_with == {
        "token", "base_url", "timeout", "ssl", "proxy", "headers",
        "user_agent_prefix", "user_agent_suffix", "team_id", "logger", "retry_handlers",
    }  # fmt: skip
    original = WebClient(
        token="xoxb-1", base_url=fake.url, timeout=7, proxy=None, team_id="T9", user_agent_prefix="rapport"
    )
    copy = pooled_copy(original)
    assert (copy.token, copy.base_url, copy.timeout, copy.default_params, copy.headers) == (
        original.token, original.base_url, original.timeout, original.default_params, original.headers,
    )  # fmt: skip
    handlers = sending_retry_handlers()
    changed = pooled_copy(original, timeout=3, retry_handlers=handlers)
    assert (changed.token, changed.timeout, changed.retry_handlers) == ("xoxb-1", 3, handlers)
