"""The feeling form and the confirmation after logging: what they show, pre-filled with what was typed.

Views are built with slack_sdk's Block Kit models, which check Slack's limits as they turn into JSON.
"""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.views import View

from bot import messages
from bot.domain.text import NOTE_MAX
from bot.services.checkins import Draft
from bot.views import feeling
from bot.views.common import drawn, section
from bot.views.feeling import ModalContext


def blocks_by_id(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {block.get("block_id", block["type"]): block for block in view["blocks"]}


def test_the_form_is_pre_filled_with_what_was_typed() -> None:
    draft = Draft(client_id=7, client_name="Acme", score=4, expectation="met", note="Went well", tags=("q3",))
    view = feeling.modal(draft, ModalContext())
    blocks = blocks_by_id(view)
    assert blocks["client"]["element"]["initial_option"] == {
        "text": {"type": "plain_text", "text": "Acme", "emoji": True},
        "value": "7",
    }
    assert blocks["score"]["element"]["initial_option"]["value"] == "4"
    assert blocks["expectation"]["element"]["initial_option"]["value"] == "met"
    assert blocks["note"]["element"]["initial_value"] == "Went well"
    assert blocks["tags"]["element"]["initial_value"] == "q3"
    assert view["callback_id"] == feeling.CALLBACK


def test_an_empty_form_chooses_nothing_for_the_person() -> None:
    blocks = blocks_by_id(feeling.modal(Draft(), ModalContext()))
    for block_id in ("client", "score", "expectation"):
        assert "initial_option" not in blocks[block_id]["element"]
    assert "initial_value" not in blocks["note"]["element"]
    assert [o["value"] for o in blocks["score"]["element"]["options"]] == ["1", "2", "3", "4", "5"]


def test_a_fixed_client_is_shown_as_text_and_a_notice_comes_first() -> None:
    ctx = ModalContext(prompt_id=5, fixed_client="Tom & <Jerry>: QBR")
    view = feeling.modal(Draft(), ctx, notice="I couldn't tell which client you meant.")
    first, second = view["blocks"][:2]
    assert first["text"]["text"] == ":warning: I couldn't tell which client you meant."
    assert "Tom &amp; &lt;Jerry&gt;: QBR" in second["elements"][0]["text"]
    assert "client" not in blocks_by_id(view)


def test_where_the_form_came_from_survives_the_round_trip() -> None:
    ctx = ModalContext(
        prompt_id=5,
        checkin_id=9,
        response_url="https://hooks.slack.com/x",
        fixed_client="F",
        channel="D1",
        ts="1.2",
    )
    view = feeling.modal(Draft(), ctx)
    assert feeling.context_of(view["private_metadata"]) == ctx
    assert feeling.context_of("not json") == ModalContext()


def test_a_long_client_name_is_cut_to_fit_the_picker_and_the_id_decides() -> None:
    name = "Stichting " + "Zeer Lange Naam " * 12  # longer than an option's 75 characters
    view = feeling.modal(Draft(client_id=7, client_name=name), ModalContext())
    option = blocks_by_id(view)["client"]["element"]["initial_option"]
    assert len(option["text"]["text"]) <= 75 and option["text"]["text"].endswith("Naam…")
    assert option["value"] == "7"


def test_a_long_note_reaches_the_form_whole() -> None:
    note = "x" * (NOTE_MAX + 500)
    view = feeling.modal(Draft(note=note), ModalContext())
    assert blocks_by_id(view)["note"]["element"]["initial_value"] == note


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("modal.feeling.title", "A title much longer than twenty-four characters"),
        ("expectation.met", "E" * 76),
        ("modal.feeling.note_placeholder", "P" * 151),
    ],
)
def test_words_slack_would_refuse_are_refused_before_sending(
    monkeypatch: pytest.MonkeyPatch, key: str, text: str
) -> None:
    monkeypatch.setitem(messages.CATALOGS, "xx", {key: text})
    with pytest.raises(SlackObjectFormationError):
        feeling.modal(Draft(), ModalContext(), locale="xx")
    with pytest.raises(SlackObjectFormationError):  # again: a part that was refused is never kept
        feeling.modal(Draft(), ModalContext(), locale="xx")


def test_the_confirmation_quotes_the_note_and_offers_details_and_undo() -> None:
    message = feeling.logged("Tom & <Jerry>", 4, 42, "said <hi> & left", None)
    assert message["text"] == "🙂 Happy: logged for *Tom & <Jerry>*. Thanks!"
    section, quote, actions = message["blocks"]
    assert "Tom &amp; &lt;Jerry&gt;" in section["text"]["text"]
    assert quote["elements"][0]["text"] == "“said &lt;hi&gt; &amp; left”"
    assert [(b["action_id"], b["value"]) for b in actions["elements"]] == [
        ("checkin_details", "42"),
        ("checkin_undo", "42"),
    ]
    assert len(feeling.logged("Acme", 3, 1, None, None)["blocks"]) == 2  # no note, no quote


CASES = [
    (Draft(), ModalContext(), None, None),
    (
        Draft(
            client_id=7,
            client_name="Tom & <Jerry> 🙂",
            score=5,
            expectation="below",
            note="n",
            tags=("a", "b"),
        ),
        ModalContext(response_url="https://hooks.slack.com/x"),
        "<b> & *c*",
        "en-US",
    ),
    (
        Draft(score=1, expectation="bogus"),
        ModalContext(prompt_id=5, fixed_client="Acme: QBR", channel="D1", ts="1.2"),
        "n" * 2990,
        "nl-NL",
    ),
]


@pytest.mark.parametrize(("draft", "ctx", "notice", "locale"), CASES)
def test_the_form_is_exactly_what_slack_sdk_makes_of_it_every_time(draft, ctx, notice, locale) -> None:
    first = feeling.modal(draft, ctx, notice=notice, locale=locale)
    assert View(**first).to_dict() == first  # slack_sdk reads it back whole, and checks every limit
    again = feeling.modal(draft, ctx, notice=notice, locale=locale)  # now from the kept parts
    assert again == first
    again["blocks"][0]["type"] = "spoiled"  # a caller's changes never reach the next form
    assert feeling.modal(draft, ctx, notice=notice, locale=locale) == first


def test_a_kept_part_is_the_json_slack_sdk_makes_and_a_fresh_copy_each_time() -> None:
    made = drawn(section, "Hello *there*")
    assert made == section("Hello *there*").to_dict()
    made["text"]["text"] = "changed"
    assert drawn(section, "Hello *there*")["text"]["text"] == "Hello *there*"


def test_what_the_form_carries_is_held_to_slacks_limit() -> None:
    feeling.modal(Draft(), ModalContext(response_url="u" * 2900))
    with pytest.raises(SlackObjectFormationError, match="private_metadata"):
        feeling.modal(Draft(), ModalContext(response_url="u" * 3000))


def plain_logged(client_name: str, score: int, checkin_id: int, note: str | None) -> dict[str, Any]:
    """The confirmation as slack_sdk's builders make it on every call, with nothing kept."""
    from slack_sdk.models.blocks import ActionsBlock, Block

    from bot.views.common import button, context, face_label, mrkdwn_escape

    blocks: list[Block] = [
        section(f"{face_label(score)}: logged for *{mrkdwn_escape(client_name)}*. Thanks!")
    ]
    if note:
        blocks.append(context(f"“{mrkdwn_escape(note)}”"))
    ids = str(checkin_id)
    buttons = [button("Add note / expectations", "checkin_details", ids), button("Undo", "checkin_undo", ids)]
    blocks.append(ActionsBlock(block_id="checkin_logged", elements=buttons))
    return {"blocks": [block.to_dict() for block in blocks]}


@pytest.mark.parametrize("client_name", ["Acme", "Tom & <Jerry> 🙂", "x", "n" * 3100])
@pytest.mark.parametrize("checkin_id", [1, 7, 123456789, 10**1998])
@pytest.mark.parametrize("note", [None, "", "Went well", "Tom & <Jerry>", "é🙂" * 2500])
def test_the_confirmation_is_what_slack_sdks_builders_make_whatever_the_values(client_name, checkin_id, note):
    for _ in range(2):  # made, then from the kept parts
        got = feeling.logged(client_name, 3, checkin_id, note, None)
        assert got["blocks"] == plain_logged(client_name, 3, checkin_id, note)["blocks"]


def test_a_value_slack_would_refuse_is_refused_as_slack_sdk_refuses_it():
    too_long = 10**2000  # a button value over 2,000 characters
    with pytest.raises(SlackObjectFormationError) as plain:
        plain_logged("Acme", 3, too_long, None)
    with pytest.raises(SlackObjectFormationError) as kept:
        feeling.logged("Acme", 3, too_long, None, None)
    assert str(kept.value) == str(plain.value)


def test_a_value_must_stand_whole_and_not_be_empty():
    with pytest.raises(ValueError, match="must stand whole"):
        drawn(lambda greeting: section(f"Hi {greeting}"), greeting="Ann")
    with pytest.raises(ValueError, match="empty"):
        drawn(section, text="")
    first = drawn(section, text="Hello")
    first["text"]["text"] = "changed"
    assert drawn(section, text="Howdy")["text"]["text"] == "Howdy"  # same length, its own value
