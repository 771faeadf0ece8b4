"""FakeSlack driven through a real slack_sdk WebClient over loopback HTTP, as the app will use it."""

from __future__ import annotations

import http.client
import io
import json
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.models.views import View
from slack_sdk.webhook import WebhookClient

from bot.webclient import PooledWebClient
from fakeslack import FakeSlack, blockkit, render_message, render_view
from fakeslack.server import METHODS, _read_headers


@pytest.fixture(scope="module")
def server() -> Iterator[FakeSlack]:
    with FakeSlack(extra_tokens={"xoxb-other": "T0002"}, trigger_ttl=3.0) as fake:
        fake.add_user("U123", name="ann", real_name="Ann de Vries", email="Ann@Example.com", locale="nl-NL")
        fake.add_user("U456", name="bob", real_name="Bob Stone", tz="America/New_York", tz_offset=-18000)
        fake.add_user("U999", name="gone", deleted=True, email="gone@example.com")
        yield fake


@pytest.fixture
def fake(server: FakeSlack) -> Iterator[FakeSlack]:
    server.reset()
    yield server
    assert server.server_errors == []  # a crash inside the fake must fail the test that caused it


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(base_url=fake.url, token="xoxb-test")


def _error(excinfo: pytest.ExceptionInfo[SlackApiError]) -> dict[str, Any]:
    data = excinfo.value.response.data
    assert isinstance(data, dict)
    return data


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _modal(title: str = "Check-in") -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "checkin",
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Save"},
        "blocks": [
            {
                "type": "input",
                "block_id": "mood",
                "label": {"type": "plain_text", "text": "How was it?"},
                "element": {"type": "plain_text_input", "action_id": "value"},
            }
        ],
    }


# ---------------------------------------------------------------- spec checks


def test_unknown_method_is_rejected_with_http_200(fake: FakeSlack, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.api_call("chat.postMessagez", json={"channel": "C1", "text": "x"})
    assert excinfo.value.response.status_code == 200
    assert _error(excinfo)["error"] == "unknown_method"
    assert [(c.method, c.error) for c in fake.rejected] == [("chat.postMessagez", "unknown_method")]
    assert fake.calls == []


def test_real_but_unimplemented_method_says_so(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.api_call("chat.getPermalink", params={"channel": "C1", "message_ts": "1.2"})
    assert _error(excinfo)["error"] == "unknown_method"
    assert "not implemented" in _error(excinfo)["fakeslack_note"]


def test_missing_required_arg_is_rejected(fake: FakeSlack, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.api_call("chat.postMessage", json={"text": "hello"})
    data = _error(excinfo)
    assert data["error"] == "invalid_arguments"
    assert data["response_metadata"]["messages"] == ["[ERROR] missing required field: channel"]
    assert fake.rejected[0].args == {"text": "hello"}


def test_token_is_never_a_required_argument() -> None:
    assert all(p["name"] != "token" for m in METHODS.values() for p in m["params"])
    assert METHODS["chat.postMessage"]["requires_token"] is True
    assert METHODS["oauth.v2.access"]["requires_token"] is False
    required = {p["name"] for p in METHODS["chat.postMessage"]["params"] if p["required"]}
    assert required == {"channel"}


def test_text_blocks_or_attachments_needed(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.api_call("chat.postMessage", json={"channel": "C1"})
    assert _error(excinfo)["error"] == "no_text"


def test_auth_errors(fake: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        WebClient(base_url=fake.url).auth_test()
    assert _error(excinfo)["error"] == "not_authed"
    with pytest.raises(SlackApiError) as excinfo:
        WebClient(base_url=fake.url, token="xoxb-wrong").auth_test()
    assert _error(excinfo)["error"] == "invalid_auth"


def test_form_post_and_get_query_with_token_param(fake: FakeSlack) -> None:
    """slack_sdk sends JSON, form bodies and query strings; raw clients may pass token as a param."""
    form = (
        b"token=xoxb-test&channel=C77&text=form+post&blocks="
        + urllib.parse.quote(json.dumps([_section("*hi*")])).encode()
    )
    req = urllib.request.Request(fake.url + "chat.postMessage", data=form, method="POST")
    req.add_header("Content-Type", "application/x-www-form-urlencoded")
    with urllib.request.urlopen(req, timeout=5) as resp:
        assert json.loads(resp.read())["ok"] is True
    with urllib.request.urlopen(fake.url + "users.info?token=xoxb-test&user=U123", timeout=5) as resp:
        assert json.loads(resp.read())["user"]["id"] == "U123"
    post = fake.calls_to("chat.postMessage")[0]
    assert post.token == "xoxb-test" and "token" not in post.args
    assert post.args["blocks"] == [_section("*hi*")]  # JSON form field decoded for tests


def test_wrong_param_type_is_rejected(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.api_call("users.list", params={"limit": "lots"})
    assert "expected integer" in _error(excinfo)["response_metadata"]["messages"][0]


# ---------------------------------------------------------------- messages


def test_dm_post_update_delete_and_state(fake: FakeSlack, client: WebClient) -> None:
    posted = client.chat_postMessage(
        channel="U123", text="How was Acme?", blocks=[_section("How was *Acme*?")]
    )
    assert posted["channel"] == "D123"
    assert posted["ts"] == posted["message"]["ts"]
    assert posted["message"]["user"] == "UBOT" and posted["message"]["bot_id"]

    second = client.chat_postMessage(channel="U123", text="second")
    assert float(second["ts"]) > float(posted["ts"])

    updated = client.chat_update(channel=posted["channel"], ts=posted["ts"], text="Thanks!", blocks=[])
    assert updated["text"] == "Thanks!"
    state = fake.messages("U123")
    assert [m["text"] for m in state] == ["Thanks!", "second"]
    assert state[0]["blocks"] == [] and state[0]["user"] == "UBOT" and state[0]["thread_ts"] is None

    client.chat_delete(channel=second["channel"], ts=second["ts"])
    assert [m["ts"] for m in fake.messages("D123")] == [posted["ts"]]

    # Slack wants the D… id for updates, not the user id; and unknown ts -> message_not_found.
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_update(channel="U123", ts=posted["ts"], text="x")
    assert _error(excinfo)["error"] == "channel_not_found"
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_update(channel="D123", ts="1.000001", text="x")
    assert _error(excinfo)["error"] == "message_not_found"


def test_thread_reply_and_ephemeral(fake: FakeSlack, client: WebClient) -> None:
    parent = client.chat_postMessage(channel="C42", text="parent")
    client.chat_postMessage(channel="C42", text="reply", thread_ts=parent["ts"])
    assert fake.messages("C42")[1]["thread_ts"] == parent["ts"]
    eph = client.chat_postEphemeral(channel="C42", user="U123", text="only you")
    assert eph["message_ts"]
    assert fake.ephemerals("C42")[0]["user"] == "U123"
    assert len(fake.messages("C42")) == 2


def test_message_text_too_long(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel="C1", text="x" * 40_001)
    assert _error(excinfo)["error"] == "msg_too_long"


def test_teams_are_isolated(fake: FakeSlack, client: WebClient) -> None:
    other = WebClient(base_url=fake.url, token="xoxb-other")
    assert other.auth_test()["team_id"] == "T0002"
    with pytest.raises(SlackApiError) as excinfo:
        other.users_info(user="U123")
    assert _error(excinfo)["error"] == "user_not_found"
    posted = client.chat_postMessage(channel="C1", text="t1 only")
    with pytest.raises(SlackApiError):
        other.chat_update(channel="C1", ts=posted["ts"], text="hijack")
    assert fake.calls_to("auth.test")[0].team_id == "T0002"


# ---------------------------------------------------------------- Block Kit


def test_51_blocks_rejected(fake: FakeSlack, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel="C1", text="x", blocks=[{"type": "divider"}] * 51)
    data = _error(excinfo)
    assert data["error"] == "invalid_blocks"
    assert data["response_metadata"]["messages"] == [
        "[ERROR] no more than 50 items allowed [json-pointer:/blocks]"
    ]
    assert fake.rejected[-1].error == "invalid_blocks"
    client.chat_postMessage(channel="C1", text="x", blocks=[{"type": "divider"}] * 50)


@pytest.mark.parametrize(
    ("block", "pointer"),
    [
        (
            {
                "type": "actions",
                "elements": [
                    {"type": "button", "text": {"type": "plain_text", "text": "b" * 80}, "action_id": "a"}
                ],
            },
            "/blocks/0/elements/0/text/text",
        ),
        (_section("s" * 3001), "/blocks/0/text/text"),
        ({"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}, "/blocks/0/text/text"),
        ({"type": "header", "text": {"type": "mrkdwn", "text": "*no*"}}, "/blocks/0/text/type"),
        ({"type": "sektion", "text": {"type": "mrkdwn", "text": "typo"}}, "/blocks/0/type"),
        ({**_section("id"), "block_id": {"not": "a string"}}, "/blocks/0/block_id"),
        ({**_section("id"), "block_id": ["a", "list"]}, "/blocks/0/block_id"),
        ({**_section("id"), "block_id": 7}, "/blocks/0/block_id"),
    ],
)
def test_block_limits(client: WebClient, block: dict[str, Any], pointer: str) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel="C1", text="fallback", blocks=[block])
    data = _error(excinfo)
    assert data["error"] == "invalid_blocks"
    assert data["response_metadata"]["messages"][0].endswith(f"[json-pointer:{pointer}]")


def test_view_limits(fake: FakeSlack, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as excinfo:
        client.views_open(trigger_id=fake.issue_trigger_id(), view=_modal(title="t" * 25))
    assert _error(excinfo)["error"] == "invalid_blocks"
    assert "/view/title/text" in _error(excinfo)["response_metadata"]["messages"][0]
    home = {"type": "home", "blocks": [_section("x")], "private_metadata": "m" * 3001}
    with pytest.raises(SlackApiError) as excinfo:
        client.views_publish(user_id="U123", view=home)
    assert "private_metadata" in _error(excinfo)["response_metadata"]["messages"][0]


def _button_modal(style: str, text: str = "Go") -> dict[str, Any]:
    view = _modal()
    button = {
        "type": "button",
        "action_id": "go",
        "text": {"type": "plain_text", "text": text},
        "style": style,
    }
    view["blocks"].append({"type": "actions", "block_id": "act", "elements": [button]})
    return view


def test_cached_checks_still_refuse_a_bad_block_after_the_same_shape_passed(
    fake: FakeSlack, client: WebClient
) -> None:
    """Blocks that passed are remembered by their exact JSON; one changed value is checked afresh."""

    def sdk_only(pointer: str) -> list[str]:  # slack_sdk lists the allowed styles in set order
        values = ("primary, danger", "danger, primary")
        return [
            f"[ERROR] style attribute must be one of the following values: {v} [json-pointer:{pointer}]"
            for v in values
        ]

    for _ in range(2):  # the second round runs with every good block already cached
        client.views_open(trigger_id=fake.issue_trigger_id(), view=_button_modal("primary"))
        for _ in range(2):  # a refused block is never cached either
            with pytest.raises(SlackApiError) as excinfo:  # only slack_sdk's element check refuses this
                client.views_open(trigger_id=fake.issue_trigger_id(), view=_button_modal("loud"))
            assert _error(excinfo)["error"] == "invalid_blocks"
            (message,) = _error(excinfo)["response_metadata"]["messages"]
            assert message in sdk_only("/view/blocks/1/elements/0")
            with pytest.raises(SlackApiError) as excinfo:  # the fake's own limit
                client.views_open(trigger_id=fake.issue_trigger_id(), view=_button_modal("primary", "g" * 76))
            assert _error(excinfo)["response_metadata"]["messages"] == [
                "[ERROR] must be less than 76 characters [json-pointer:/view/blocks/1/elements/0/text/text]"
            ]
    # A block that passed alone still clashes with itself: block_id uniqueness is checked on every call.
    twice = _button_modal("primary")
    twice["blocks"].append(twice["blocks"][-1])
    with pytest.raises(SlackApiError) as excinfo:
        client.views_open(trigger_id=fake.issue_trigger_id(), view=twice)
    assert _error(excinfo)["response_metadata"]["messages"] == [
        "[ERROR] duplicate block_id: act [json-pointer:/view/blocks/2/block_id]"
    ]

    good, bad = _button_modal("primary")["blocks"][1:], _button_modal("loud")["blocks"][1:]
    posted = client.chat_postMessage(channel="C1", text="x", blocks=good)
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_postMessage(channel="C1", text="x", blocks=bad)
    (message,) = _error(excinfo)["response_metadata"]["messages"]
    assert message in sdk_only("/blocks/0/elements/0")
    with pytest.raises(SlackApiError) as excinfo:
        client.chat_update(channel="C1", ts=posted["ts"], text="x", attachments=[{"blocks": bad}])
    assert _error(excinfo)["error"] == "invalid_attachments"

    section = {"type": "section", "block_id": "s", "text": {"type": "mrkdwn", "text": "a"}}
    client.chat_postMessage(channel="C1", text="x", blocks=[section])
    with pytest.raises(SlackApiError) as excinfo:  # only slack_sdk's block check refuses this
        client.chat_postMessage(channel="C1", text="x", blocks=[{"type": "section", "block_id": "s"}])
    assert _error(excinfo)["response_metadata"]["messages"] == [
        "[ERROR] text or fields attribute must be specified [json-pointer:/blocks/0]"
    ]
    home = {"type": "home", "blocks": [section]}
    client.views_publish(user_id="U123", view=home)
    with pytest.raises(SlackApiError) as excinfo:  # only slack_sdk's View check refuses this
        client.views_publish(user_id="U123", view=dict(home, submit={"type": "plain_text", "text": "x"}))
    assert _error(excinfo)["response_metadata"]["messages"] == [
        "[ERROR] home view cannot have submit and close [json-pointer:/view]"
    ]
    assert [c.error for c in fake.rejected].count("invalid_blocks") == 12


def test_cached_checks_match_uncached_ones() -> None:
    """check_* with decoded_json=True (cache on) say exactly what the plain checks say."""
    blockkit.clear_cache()
    good = _button_modal("primary")
    variants: list[Any] = [
        good,
        _button_modal("loud"),
        _button_modal("primary", ""),
        dict(good, title={"type": "plain_text", "text": "t" * 25}),
        dict(good, blocks=[]),
        dict(good, blocks=good["blocks"] * 2),
        dict(good, blocks=[*good["blocks"], {"type": "image", "image_url": "https://x.invalid/a.png"}]),
        dict(good, private_metadata="m" * 3001),
        dict(good, type="home"),
        dict(good, submit=None),
        "not a view",
    ]
    for _ in range(2):
        for view in variants:
            assert blockkit.check_view(view, decoded_json=True) == blockkit.check_view(view), view
            if isinstance(view, dict):
                blocks = view.get("blocks")
                assert blockkit.check_blocks(blocks, decoded_json=True) == blockkit.check_blocks(blocks)
                attachments = [{"blocks": blocks}, "x"]
                cached = blockkit.check_attachments(attachments, decoded_json=True)
                assert cached == blockkit.check_attachments(attachments)


@pytest.mark.parametrize(
    "view",
    [
        {"type": "modal", "title": {"type": "plain_text", "text": "ok"}, "blocks": [{"type": "divider"}]},
        {"type": "modal", "title": {"type": "plain_text", "text": "t" * 25}, "blocks": [{"type": "divider"}]},
        {"type": "modal", "title": "plain", "submit": "s" * 25, "blocks": [{"type": "divider"}]},
        {"type": "modal", "title": "plain", "close": "c" * 25, "blocks": []},
        {"type": "home", "close": "x", "blocks": [{"type": "divider"}]},
        {"type": "workflow", "blocks": [{"type": "divider"}] * 101},
        {"type": "home", "callback_id": "c" * 256, "private_metadata": "m" * 3001},
    ],
)
def test_view_validators_run_as_in_slack_sdk(view: dict[str, Any]) -> None:
    def outcome(check: Callable[[View], None]) -> str:
        try:
            check(View(**view))
        except Exception as exc:
            return repr(exc)
        return "ok"

    assert outcome(blockkit._validate_view) == outcome(View.validate_json)


@pytest.mark.parametrize(
    "raw",
    [
        b"Host: x\r\nContent-Type: application/json\r\nAuthorization: Bearer xoxb-test\r\n\r\n",
        b"content-length:3\r\nX-Space:   lead and trail  \r\nX-Empty:\r\nX-Dup: 1\r\nX-Dup: 2\r\n\r\n",
        b"Host: x\nX-Lf: only\n\n",
        b"X-Folded: a\r\n  b\r\nHost: x\r\n\r\n",
        b"X-Tab:\tv\r\nX-Latin: caf\xe9\xa0\r\n\r\n",
        b"X-Cr: a\rb\r\nHost: x\r\n\r\n",
        b"Bad Name: v\r\nHost: x\r\n\r\n",
        b"No colon here\r\nHost: x\r\n\r\n",
        b":empty: name\r\nHost: x\r\n\r\n",
        b"From someone: x\r\nHost: x\r\n\r\n",
        b"Host: x\r\nX-Unended: v",
        b"\r\n",
    ],
)
def test_fast_header_parsing_matches_http_client(raw: bytes) -> None:
    ours, theirs = _read_headers(io.BytesIO(raw)), http.client.parse_headers(io.BytesIO(raw))
    assert ours.items() == theirs.items()
    assert ours.get("host") == theirs.get("host") and ours.get("x-dup") == theirs.get("x-dup")


def test_header_limits_match_http_client() -> None:
    for raw in (
        b"X: " + b"v" * 70000 + b"\r\n\r\n",
        b"".join(b"X-%d: v\r\n" % i for i in range(101)) + b"\r\n",
    ):
        errors = []
        for parse in (_read_headers, http.client.parse_headers):
            with pytest.raises(http.client.HTTPException) as excinfo:
                parse(io.BytesIO(raw))
            errors.append((type(excinfo.value), str(excinfo.value)))
        assert errors[0] == errors[1]


# ---------------------------------------------------------------- views


def test_trigger_id_works_once(fake: FakeSlack, client: WebClient) -> None:
    trigger = fake.issue_trigger_id()
    opened = client.views_open(trigger_id=trigger, view=_modal())
    view_id = opened["view"]["id"]
    assert view_id.startswith("V") and opened["view"]["hash"]
    assert fake.open_views[view_id]["callback_id"] == "checkin"
    with pytest.raises(SlackApiError) as excinfo:
        client.views_open(trigger_id=trigger, view=_modal())
    assert _error(excinfo)["error"] == "expired_trigger_id"
    with pytest.raises(SlackApiError) as excinfo:
        client.views_open(trigger_id="123.456.made-up", view=_modal())
    assert _error(excinfo)["error"] == "invalid_trigger_id"


def test_trigger_id_expires(fake: FakeSlack, client: WebClient) -> None:
    fake.trigger_ttl = 0.01
    try:
        trigger = fake.issue_trigger_id()
        time.sleep(0.05)
        with pytest.raises(SlackApiError) as excinfo:
            client.views_push(trigger_id=trigger, view=_modal())
        assert _error(excinfo)["error"] == "expired_trigger_id"
    finally:
        fake.trigger_ttl = 3.0


def test_views_update_push_and_publish(fake: FakeSlack, client: WebClient) -> None:
    view = dict(_modal(), external_id="checkin-1")
    opened = client.views_open(trigger_id=fake.issue_trigger_id(), view=view)["view"]
    with pytest.raises(SlackApiError) as excinfo:
        client.views_update(view_id=opened["id"], hash="stale", view=_modal("Again"))
    assert _error(excinfo)["error"] == "hash_conflict"
    updated = client.views_update(
        external_id="checkin-1", hash=opened["hash"], view=dict(view, private_metadata="42")
    )
    assert updated["view"]["id"] == opened["id"] and updated["view"]["private_metadata"] == "42"
    pushed = client.views_push(trigger_id=fake.issue_trigger_id(), view=_modal("Details"))["view"]
    assert pushed["previous_view_id"] == opened["id"]

    home = {"type": "home", "blocks": [_section("*Your clients*")]}
    first = client.views_publish(user_id="U123", view=home)["view"]
    client.views_publish(user_id="U123", view={"type": "home", "blocks": [_section("v2")]})
    published = fake.home_view("U123")
    assert published is not None and published["id"] == first["id"]
    assert published["blocks"] == [_section("v2")]
    assert fake.home_view("U456") is None


# ---------------------------------------------------------------- users, conversations, team, oauth


def test_users_info_with_and_without_locale(client: WebClient) -> None:
    user = client.users_info(user="U123", include_locale=True)["user"]
    assert user["locale"] == "nl-NL"
    assert user["tz"] == "Europe/Amsterdam" and user["tz_offset"] in (3600, 7200)
    assert user["tz_label"] in ("Central European Time", "Central European Summer Time")
    assert user["profile"]["email"] == "Ann@Example.com" and user["profile"]["real_name"] == "Ann de Vries"
    assert "locale" not in client.users_info(user="U456")["user"]
    assert client.users_info(user="U456")["user"]["tz_offset"] == -18000
    assert client.users_info(user="U999")["user"]["deleted"] is True
    with pytest.raises(SlackApiError) as excinfo:
        client.users_info(user="U000")
    assert _error(excinfo)["error"] == "user_not_found"


def test_lookup_by_email(client: WebClient) -> None:
    assert client.users_lookupByEmail(email="ann@example.com")["user"]["id"] == "U123"
    for email in ("nobody@example.com", "gone@example.com"):  # deactivated users are not found
        with pytest.raises(SlackApiError) as excinfo:
            client.users_lookupByEmail(email=email)
        assert _error(excinfo)["error"] == "users_not_found"


def test_users_list_paginates(client: WebClient) -> None:
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = client.users_list(limit=2, cursor=cursor)
        seen += [m["id"] for m in page["members"]]
        pages += 1
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert pages == 2 and seen == ["UBOT", "U123", "U456", "U999"]
    with pytest.raises(SlackApiError) as excinfo:
        client.users_list(cursor="not-a-cursor")
    assert _error(excinfo)["error"] == "invalid_cursor"


def test_conversations_open_and_info(client: WebClient) -> None:
    opened = client.conversations_open(users="U456")
    assert opened["channel"]["id"] == "D456"
    info = client.conversations_info(channel="D456")["channel"]
    assert info["is_im"] is True and info["user"] == "U456"
    with pytest.raises(SlackApiError) as excinfo:
        client.conversations_open(users="U999")
    assert _error(excinfo)["error"] == "user_disabled"
    with pytest.raises(SlackApiError) as excinfo:
        client.conversations_info(channel="C404")
    assert _error(excinfo)["error"] == "channel_not_found"


# ---------------------------------------------------------------- message metadata and history


def _history(client: WebClient, **args: Any) -> list[dict[str, Any]]:
    """Every page of conversations.history, newest first."""
    messages: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = client.conversations_history(cursor=cursor, **args)
        messages += page["messages"]
        cursor = page["response_metadata"]["next_cursor"]
        assert page["has_more"] is bool(cursor)
        if not cursor:
            return messages


def test_message_metadata_is_kept_with_the_message_and_checked(fake: FakeSlack, client: WebClient) -> None:
    key = {"event_type": "rapport_outbox", "event_payload": {"outbox_id": 7, "team": "T0001"}}
    posted = client.chat_postMessage(channel="U123", text="hi", metadata=key)
    assert posted["message"]["metadata"] == key
    assert fake.messages("U123")[0]["metadata"] == key
    bad: Any
    for bad, error in (
        ({"event_type": "x"}, "invalid_metadata_schema"),
        ({"event_type": "", "event_payload": {}}, "invalid_metadata_schema"),
        (["x"], "invalid_metadata_format"),
    ):
        with pytest.raises(SlackApiError) as excinfo:
            client.chat_postMessage(channel="U123", text="x", metadata=bad)
        assert _error(excinfo)["error"] == error
    with pytest.raises(SlackApiError) as excinfo:  # a form body carries it as JSON text
        client.api_call("chat.postMessage", data={"channel": "C1", "text": "x", "metadata": "{not json"})
    assert _error(excinfo)["error"] == "invalid_metadata_format"


def test_history_is_newest_first_between_oldest_and_latest_in_pages(
    fake: FakeSlack, client: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [1764590000.0]
    monkeypatch.setattr(fake, "clock", lambda: now[0])
    stamps = []
    for n in range(5):
        stamps.append(client.chat_postMessage(channel="C7", text=f"m{n}")["ts"])
        now[0] += 1
    client.chat_postMessage(channel="C7", text="in a thread", thread_ts=stamps[0])
    client.chat_postMessage(channel="C8", text="elsewhere")
    assert stamps[0] == "1764590000.000000"
    assert [m["text"] for m in _history(client, channel="C7", limit=2)] == ["m4", "m3", "m2", "m1", "m0"]
    assert [m["ts"] for m in _history(client, channel="C7", oldest=stamps[1])] == stamps[:1:-1]
    assert [m["ts"] for m in _history(client, channel="C7", oldest=stamps[1], inclusive=True)] == stamps[
        :0:-1
    ]
    assert [m["text"] for m in _history(client, channel="C7", oldest="1764590001.5", latest=stamps[4])] == [
        "m3",
        "m2",
    ]
    assert len(client.conversations_history(channel="C7", limit=2)["messages"]) == 2
    refused: list[tuple[dict[str, Any], str]] = [
        ({"channel": "U123"}, "channel_not_found"),  # a DM is read by its D… id, from conversations.open
        ({"channel": "C7", "oldest": "yesterday"}, "invalid_arguments"),
        ({"channel": "C7", "cursor": "bm9wZQ=="}, "invalid_cursor"),
    ]
    for args, error in refused:
        with pytest.raises(SlackApiError) as excinfo:
            client.conversations_history(**args)
        assert _error(excinfo)["error"] == error


def test_history_gives_metadata_whole_only_when_asked(fake: FakeSlack, client: WebClient) -> None:
    key = {"event_type": "rapport_outbox", "event_payload": {"outbox_id": 7, "team": "T0001"}}
    client.chat_postMessage(channel="U123", text="hi", metadata=key)
    dm = client.conversations_open(users="U123")["channel"]["id"]
    [plain] = client.conversations_history(channel=dm)["messages"]
    [whole] = client.conversations_history(channel=dm, include_all_metadata=True)["messages"]
    assert plain["metadata"] == {"event_type": "rapport_outbox"} and whole["metadata"] == key


def test_message_timestamps_come_from_the_fakes_clock_and_never_repeat(
    fake: FakeSlack, client: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fake, "clock", lambda: 1764590000.25)
    first = client.chat_postMessage(channel="C1", text="a")["ts"]
    second = client.chat_postMessage(channel="C1", text="b")["ts"]
    assert (first, second) == ("1764590000.250000", "1764590000.250001")
    monkeypatch.setattr(fake, "clock", time.time)
    assert abs(float(client.chat_postMessage(channel="C1", text="c")["ts"]) - time.time()) < 5


def test_auth_team_and_oauth(fake: FakeSlack) -> None:
    anon = WebClient(base_url=fake.url)
    granted = anon.oauth_v2_access(client_id="111.222", client_secret="shh", code="good-code")
    assert granted["access_token"] == "xoxb-test" and granted["team"]["id"] == "T0001"
    assert granted["token_type"] == "bot" and granted["bot_user_id"] == "UBOT"
    with pytest.raises(SlackApiError) as excinfo:
        anon.oauth_v2_access(client_id="111.222", client_secret="shh", code="bad-code")
    assert _error(excinfo)["error"] == "invalid_code"

    fake.add_oauth_code("t3-code", team_id="T0003", team_name="Globex", bot_token="xoxb-t3")
    assert anon.oauth_v2_access(client_id="1", client_secret="2", code="t3-code")["team"]["name"] == "Globex"
    t3 = WebClient(base_url=fake.url, token="xoxb-t3")
    assert t3.auth_test()["team_id"] == "T0003"
    assert t3.team_info()["team"]["name"] == "Globex"


# ---------------------------------------------------------------- faults


def test_429_is_retried_by_slack_sdk(fake: FakeSlack) -> None:
    fake.inject("chat.postMessage", status=429, retry_after=1)
    client = WebClient(
        base_url=fake.url, token="xoxb-test", retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)]
    )
    started = time.monotonic()
    assert client.chat_postMessage(channel="C1", text="eventually")["ok"] is True
    assert time.monotonic() - started >= 1.0  # Retry-After honoured
    assert [(c.method, c.status, c.error) for c in fake.faults] == [("chat.postMessage", 429, "ratelimited")]
    assert len(fake.calls_to("chat.postMessage")) == 1
    assert fake.calls_to("chat.postMessage")[0].at - fake.faults[0].at >= 1.0


def test_429_without_retry_handler_raises(fake: FakeSlack, client: WebClient) -> None:
    fake.inject("users.info", retry_after=7)
    with pytest.raises(SlackApiError) as excinfo:
        client.users_info(user="U123")
    assert excinfo.value.response.status_code == 429
    assert excinfo.value.response.headers["Retry-After"] == "7"
    assert _error(excinfo)["error"] == "ratelimited"


def test_500_raises(fake: FakeSlack, client: WebClient) -> None:
    fake.inject("chat.postMessage", status=500, times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as excinfo:
            client.chat_postMessage(channel="C1", text="x")
        assert excinfo.value.response.status_code == 500
    assert client.chat_postMessage(channel="C1", text="x")["ok"] is True


def test_error_and_delay_injection(fake: FakeSlack, client: WebClient) -> None:
    fake.inject("*", error="account_inactive")
    with pytest.raises(SlackApiError) as excinfo:
        client.auth_test()
    assert excinfo.value.response.status_code == 200 and _error(excinfo)["error"] == "account_inactive"
    fake.inject("auth.test", delay=0.2)
    started = time.monotonic()
    assert client.auth_test()["ok"] is True
    assert time.monotonic() - started >= 0.2


def test_wait_for_sees_calls_from_other_threads(fake: FakeSlack, client: WebClient) -> None:
    threading.Timer(0.05, lambda: client.chat_postMessage(channel="C1", text="later")).start()
    assert fake.wait_for("chat.postMessage", timeout=2)[0].args["text"] == "later"
    with pytest.raises(AssertionError, match=r"views\.publish.*\n.*chat\.postMessage"):
        fake.wait_for("views.publish", timeout=0.05)


def test_wait_for_request_sees_a_call_still_held_by_a_delay(fake: FakeSlack, client: WebClient) -> None:
    fake.inject("chat.postMessage", delay=0.5)
    threading.Thread(target=lambda: client.chat_postMessage(channel="C1", text="slow")).start()
    fake.wait_for_request("chat.postMessage", timeout=2)
    assert fake.calls_to("chat.postMessage") == []  # arrived, not answered yet
    fake.wait_for("chat.postMessage", timeout=2)
    with pytest.raises(AssertionError, match="request"):
        fake.wait_for_request("views.publish", timeout=0.05)


def test_hang_up_drops_the_connection_without_an_answer(fake: FakeSlack) -> None:
    fake.inject("users.info", hang_up=True, times=None)
    for client in (
        WebClient(base_url=fake.url, token="xoxb-test", retry_handlers=[]),
        PooledWebClient(base_url=fake.url, token="xoxb-test", retry_handlers=[]),
    ):
        with pytest.raises(OSError):  # urllib's RemoteDisconnected, or URLError from the pooled client
            client.users_info(user="U123")
    assert [c.error for c in fake.faults] == ["hung_up", "hung_up"]
    assert WebClient(base_url=fake.url, token="xoxb-test").auth_test()["ok"]  # other methods answer


# ---------------------------------------------------------------- files, response_url


def test_files_upload_v2_round_trip(fake: FakeSlack, client: WebClient) -> None:
    data = b"PK\x03\x04 fake xlsx bytes"
    result = client.files_upload_v2(content=data, filename="x.xlsx", channel="C1", initial_comment="Report")
    file_obj = result["file"]
    assert fake.uploaded_files[file_obj["id"]] == data
    assert file_obj["name"] == "x.xlsx" and file_obj["size"] == len(data) and file_obj["filetype"] == "xlsx"
    assert file_obj["shares"]["public"]["C1"][0]["ts"] == fake.messages("C1")[0]["ts"]
    assert fake.messages("C1")[0]["files"] == [file_obj["id"]]
    assert [c.method for c in fake.calls] == [
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]
    # url_private is downloadable with the bot token, as on Slack
    req = urllib.request.Request(file_obj["url_private"], headers={"Authorization": "Bearer xoxb-test"})
    with urllib.request.urlopen(req, timeout=5) as resp:
        assert resp.read() == data


def test_complete_upload_needs_uploaded_bytes(client: WebClient) -> None:
    ticket = client.files_getUploadURLExternal(filename="a.csv", length=3)
    assert ticket["upload_url"].startswith("http://127.0.0.1:")
    with pytest.raises(SlackApiError) as excinfo:
        client.files_completeUploadExternal(files=[{"id": ticket["file_id"]}])
    assert _error(excinfo)["error"] == "file_not_found"


def test_a_file_is_shared_in_a_conversation_never_with_a_user_id_as_slack_refuses(
    fake: FakeSlack, client: WebClient
) -> None:
    fake.add_user("U0FILES01", name="fien")
    with pytest.raises(SlackApiError) as excinfo:
        client.files_upload_v2(content=b"xlsx", filename="x.xlsx", channel="U0FILES01")
    refused = _error(excinfo)
    assert refused["error"] == "invalid_arguments"
    assert "[json-pointer:/channel_id]" in refused["response_metadata"]["messages"][0]
    assert fake.messages("U0FILES01") == []
    dm = client.conversations_open(users="U0FILES01")["channel"]["id"]
    shared = client.files_upload_v2(content=b"xlsx", filename="x.xlsx", channel=dm)["file"]
    assert fake.messages("U0FILES01")[0]["files"] == [shared["id"]]
    assert shared["ims"] == [dm]


def test_response_url_post_recorded(fake: FakeSlack, client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C9", text="Rate Acme", blocks=[_section("Rate *Acme*")])
    url = fake.response_url("rate-acme", channel="C9", ts=posted["ts"], user="U123")
    resp = WebhookClient(url).send(text="Thanks, noted", replace_original=True)
    assert resp.status_code == 200
    (call,) = fake.calls_to("response_url")
    assert call.key == "rate-acme" and call.args["text"] == "Thanks, noted"
    assert fake.messages("C9")[0]["text"] == "Thanks, noted" and fake.messages("C9")[0]["blocks"] == []

    bad = WebhookClient(fake.response_url()).send(text="x", blocks=[{"type": "divider"}] * 51)
    assert bad.status_code == 400 and "invalid_blocks" in bad.body


# ---------------------------------------------------------------- shapes and lifecycle


def test_success_answers_use_only_fields_slack_uses(fake: FakeSlack, client: WebClient) -> None:
    """Top-level fields of each answer must appear in the spec's or the samples' response shape."""
    posted = client.chat_postMessage(channel="U123", text="x")
    answers = {
        "chat.postMessage": posted,
        "chat.update": client.chat_update(channel=posted["channel"], ts=posted["ts"], text="y"),
        "chat.postEphemeral": client.chat_postEphemeral(channel="C1", user="U123", text="e"),
        "views.open": client.views_open(trigger_id=fake.issue_trigger_id(), view=_modal()),
        "views.publish": client.views_publish(
            user_id="U123", view={"type": "home", "blocks": [_section("h")]}
        ),
        "users.info": client.users_info(user="U123", include_locale=True),
        "users.list": client.users_list(),
        "conversations.open": client.conversations_open(users="U456"),
        "conversations.info": client.conversations_info(channel="D456"),
        "conversations.history": client.conversations_history(channel="D456", include_all_metadata=True),
        "auth.test": client.auth_test(),
        "team.info": client.team_info(),
        "files.getUploadURLExternal": client.files_getUploadURLExternal(filename="a.txt", length=1),
        "chat.delete": client.chat_delete(channel=posted["channel"], ts=posted["ts"]),
    }
    for method, answer in answers.items():
        shape = METHODS[method]["response"]
        assert set(answer.data) <= set(shape["fields"]), method  # type: ignore[arg-type]
        for obj_name, obj_fields in shape["objects"].items():
            value = answer.data.get(obj_name)  # type: ignore[union-attr]
            if isinstance(value, dict) and obj_name in ("user", "view", "channel", "team"):
                assert set(value) <= set(obj_fields), (method, obj_name, set(value) - set(obj_fields))


def test_bolt_app_starts_against_fake(fake: FakeSlack) -> None:
    from slack_bolt import App

    app = App(signing_secret="secret", client=WebClient(base_url=fake.url, token="xoxb-test"))
    assert app.client.base_url == fake.url
    assert fake.calls_to("auth.test")


def test_start_stop_releases_port() -> None:
    fake = FakeSlack().start()
    url = fake.url
    assert WebClient(base_url=url, token="xoxb-test").auth_test()["ok"]
    fake.stop()
    fake.stop()  # idempotent
    with pytest.raises(OSError):
        urllib.request.urlopen(url + "auth.test", timeout=1)


# ---------------------------------------------------------------- render


def test_render_realistic_message() -> None:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Weekly check-in"}},
        _section("Hi <@U123>, how did *Acme* feel this week? <https://x.example/r/1|Last report> &amp; more"),
        {"type": "section", "fields": [{"type": "mrkdwn", "text": "*Client*\nAcme"}]},
        {"type": "divider"},
        {
            "type": "actions",
            "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": "Happy"}, "action_id": "up"},
                {
                    "type": "static_select",
                    "action_id": "mood",
                    "placeholder": {"type": "plain_text", "text": "Other mood"},
                    "options": [{"text": {"type": "plain_text", "text": "Meh"}, "value": "meh"}],
                },
            ],
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Asked by <@U456>"}]},
        {"type": "image", "image_url": "https://x.example/chart.png", "alt_text": "mood chart"},
    ]
    out = render_message("fallback", blocks, users={"U123": "ann", "U456": "bob"})
    assert out.splitlines() == [
        "Weekly check-in",
        "===============",
        "Hi @ann, how did *Acme* feel this week? Last report & more",
        "*Client*",
        "Acme",
        "-" * 40,
        "[ Happy ]  [ select: Other mood ]",
        "[Asked by @bob]",
        "[image: mood chart]",
    ]
    assert render_message("plain <@U9> text", None) == "plain @U9 text"
    assert "\x1b[2m" in render_message("x", blocks, color=True)


def test_render_modal() -> None:
    view = _modal()
    view["blocks"].append(
        {
            "type": "input",
            "optional": True,
            "label": {"type": "plain_text", "text": "Note"},
            "element": {"type": "plain_text_input", "action_id": "n", "initial_value": "all good"},
        }
    )
    assert render_view(view).splitlines() == [
        "== Check-in ==",
        "How was it?: ____",
        "Note (optional): ____ (all good)",
        "[ Cancel ]  [ Save ]",
    ]


# ---------------------------------------------------------------- provenance


def test_generated_spec_matches_shared_sources() -> None:
    """web_api_methods.json must be what extract.py builds from ../shared/slack-spec."""
    from fakeslack.spec import extract

    if not (extract.DEFAULT_SHARED / "slack-api-specs").exists():
        pytest.skip("shared/slack-spec not available")
    assert extract.main(["--check"]) == 0
