"""The fake Slack keeps chat.postMessage to Slack's limits when asked (about one message a second per
conversation, a rate per workspace) and answers past them as Slack does: 429 with Retry-After. It can
also refuse a random share of calls, the same ones for the same seed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from fakeslack import FakeSlack


class Seconds:
    """The fake's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def seconds() -> Seconds:
    return Seconds()


@pytest.fixture
def fake(seconds: Seconds) -> Iterator[FakeSlack]:
    with FakeSlack(clock=seconds, extra_tokens={"xoxb-other": "T0002"}) as server:
        yield server
        assert server.server_errors == []


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(base_url=fake.url, token="xoxb-test", retry_handlers=[])


def post(client: WebClient, channel: str, text: str = "hi") -> str:
    """ "posted", or what a 429 asks: "retry after N"."""
    try:
        client.chat_postMessage(channel=channel, text=text)
    except SlackApiError as error:
        assert error.response.status_code == 429 and error.response["error"] == "ratelimited"
        return f"retry after {error.response.headers['Retry-After']}"
    return "posted"


def test_a_second_post_to_one_channel_within_a_second_is_refused_with_retry_after(fake, client, seconds):
    fake.limit_posts(per_channel=1)
    assert post(client, "C1") == "posted"
    seconds.now += 0.5
    assert post(client, "C1") == "retry after 1"
    assert post(client, "C2") == "posted"  # another channel
    seconds.now += 0.5
    assert post(client, "C1") == "posted"
    assert [c.method for c in fake.limited] == ["chat.postMessage"]
    assert (len(fake.messages("C1")), len(fake.messages("C2"))) == (2, 1)


def test_a_person_and_their_dm_are_one_conversation(fake, client):
    fake.limit_posts(per_channel=1)
    assert post(client, "U123") == "posted"
    assert post(client, "D123") == "retry after 1"


def test_a_workspace_gets_its_rate_a_second_across_all_channels(fake, client, seconds):
    fake.limit_posts(per_channel=None, per_workspace=4)
    assert [post(client, f"C{n}") for n in range(6)] == ["posted"] * 4 + ["retry after 1"] * 2
    seconds.now += 0.25  # one more post's worth
    assert [post(client, "C9"), post(client, "C9")] == ["posted", "retry after 1"]
    other = WebClient(base_url=fake.url, token="xoxb-other", retry_handlers=[])
    assert post(other, "C77") == "posted"  # another workspace has its own


def test_a_long_wait_says_so_in_whole_seconds(fake, client, seconds):
    fake.limit_posts(per_channel=None, per_workspace=0.25)  # one post every four seconds
    assert post(client, "C1") == "posted"
    assert post(client, "C2") == "retry after 4"
    seconds.now += 3.5
    assert post(client, "C2") == "retry after 1"


def test_only_posts_the_fake_accepts_count_against_the_limits(fake, client):
    fake.limit_posts(per_channel=1)
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C1", text="x", blocks=[{"type": "nonsense"}])  # invalid_blocks
    fake.inject("chat.postMessage", status=500)
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C1", text="lost")
    assert post(client, "C1") == "posted"
    assert fake.limited == []


def test_other_methods_are_not_limited_and_a_reset_lifts_the_limits(fake, client):
    fake.limit_posts(per_channel=1, per_workspace=1)
    ts = client.chat_postMessage(channel="C1", text="hi")["ts"]
    client.chat_update(channel="C1", ts=ts, text="edited")
    client.chat_update(channel="C1", ts=ts, text="edited again")
    assert post(client, "C1") == "retry after 1"
    fake.reset()
    assert [post(client, "C1"), post(client, "C1")] == ["posted", "posted"]


def test_a_share_of_calls_is_refused_at_random_and_the_same_seed_picks_the_same_calls(seconds):
    def refused(seed: int) -> list[int]:
        with FakeSlack(clock=seconds) as server:
            server.inject("chat.postMessage", status=429, retry_after=1, times=None, share=0.1, seed=seed)
            web = WebClient(base_url=server.url, token="xoxb-test", retry_handlers=[])
            picked = [n for n in range(400) if post(web, "C1", str(n)) != "posted"]
            assert len(server.messages("C1")) == 400 - len(picked)
            assert all(c.error == "ratelimited" and c.status == 429 for c in server.faults)
            return picked

    first = refused(7)
    assert 20 <= len(first) <= 60  # about one in ten of 400
    assert refused(7) == first
    assert refused(8) != first


def test_a_share_must_be_a_part_of_the_calls(fake):
    for share in (0, 1.5):
        with pytest.raises(ValueError):
            fake.inject("chat.postMessage", share=share)
    with pytest.raises(ValueError):
        fake.limit_posts(per_channel=0)
