from __future__ import annotations

import pytest

from bot.domain.text import (
    NOTE_MAX,
    TAG_LEN_MAX,
    TAG_MAX,
    FeelingInput,
    normalize,
    parse_feeling,
    parse_tags,
    split_client_and_rest,
    truncate,
    unescape_slack,
)


class TestNormalize:
    def test_normalize_drops_accents(self) -> None:
        assert normalize("Café Müller") == "cafe muller"

    def test_normalize_collapses_punctuation_and_case(self) -> None:
        assert normalize("  ACME, Inc.") == "acme inc"

    def test_normalize_spells_out_ampersand(self) -> None:
        assert normalize("Smith&Jones") == "smith and jones"
        assert normalize("Smith & Jones") == "smith and jones"

    def test_normalize_treats_underscores_and_dashes_as_separators(self) -> None:
        assert normalize("acme__corp--nl") == "acme corp nl"

    def test_normalize_folds_compatibility_characters(self) -> None:
        assert normalize("Ｆｕｌｌ ﬁne Straße") == "full fine strasse"

    def test_normalize_of_only_punctuation_is_empty(self) -> None:
        assert normalize(" ,.- ") == ""

    def test_normalize_is_idempotent(self) -> None:
        once = normalize("Ærø & Co., Zürich")
        assert normalize(once) == once


class TestParseFeeling:
    def test_score_separates_client_words_from_note(self) -> None:
        assert parse_feeling("acme 4 great kickoff") == FeelingInput(
            words=("acme",), score=4, bad_score=None, note="great kickoff", mention=None, channel_mention=None
        )

    def test_multi_word_client_with_score_and_no_note(self) -> None:
        parsed = parse_feeling("acme corp 5")
        assert (parsed.words, parsed.score, parsed.note) == (("acme", "corp"), 5, "")

    def test_score_first_leaves_client_empty(self) -> None:
        parsed = parse_feeling("4 nice")
        assert (parsed.words, parsed.score, parsed.note) == ((), 4, "nice")

    def test_empty_text_parses_to_nothing(self) -> None:
        assert parse_feeling("") == FeelingInput((), None, None, "", None, None)
        assert parse_feeling("   ") == FeelingInput((), None, None, "", None, None)

    def test_without_score_all_tokens_are_words(self) -> None:
        parsed = parse_feeling("acme great kickoff")
        assert (parsed.words, parsed.score, parsed.bad_score, parsed.note) == (
            ("acme", "great", "kickoff"),
            None,
            None,
            "",
        )

    @pytest.mark.parametrize("token", ["7", "0", "4.5", "10/10", "-2", "4,5", "6/5"])
    def test_out_of_range_number_is_bad_score_but_still_splits(self, token: str) -> None:
        parsed = parse_feeling(f"acme {token} meh")
        assert (parsed.words, parsed.score, parsed.bad_score, parsed.note) == (("acme",), None, token, "meh")

    def test_only_the_first_score_token_splits(self) -> None:
        parsed = parse_feeling("acme 4 5 stars for the demo")
        assert (parsed.score, parsed.note) == (4, "5 stars for the demo")

    def test_out_of_five_notation_is_a_score(self) -> None:
        assert parse_feeling("acme 3/5 ok").score == 3

    def test_trailing_punctuation_after_score_is_ignored(self) -> None:
        parsed = parse_feeling("acme 4. Great call")
        assert (parsed.score, parsed.note) == (4, "Great call")

    @pytest.mark.parametrize(("emoji", "score"), [("😣", 1), ("🙁", 2), ("😐", 3), ("🙂", 4), ("🤩", 5)])
    def test_face_emoji_is_a_score(self, emoji: str, score: int) -> None:
        parsed = parse_feeling(f"acme {emoji} note")
        assert (parsed.words, parsed.score, parsed.note) == (("acme",), score, "note")

    @pytest.mark.parametrize(
        ("name", "score"),
        [
            (":persevere:", 1),
            (":slightly_frowning_face:", 2),
            (":neutral_face:", 3),
            (":slightly_smiling_face:", 4),
            (":star-struck:", 5),
        ],
    )
    def test_slack_emoji_name_is_a_score(self, name: str, score: int) -> None:
        assert parse_feeling(f"acme corp {name} lovely").score == score

    def test_emoji_with_variation_selector_is_a_score(self) -> None:
        assert parse_feeling("acme 🙂\ufe0f fine").score == 4

    def test_other_emoji_is_a_word(self) -> None:
        parsed = parse_feeling("acme :tada: 5")
        assert (parsed.words, parsed.score) == (("acme", ":tada:"), 5)

    def test_note_keeps_inner_spacing_as_typed(self) -> None:
        parsed = parse_feeling("acme  4   great   kickoff\n next: demo  ")
        assert parsed.note == "great   kickoff\n next: demo"

    def test_user_mention_with_label_gives_user_id(self) -> None:
        parsed = parse_feeling("<@U1|jan> 4")
        assert (parsed.mention, parsed.score, parsed.words) == ("U1", 4, ("<@U1|jan>",))

    def test_user_mention_without_label_gives_user_id(self) -> None:
        assert parse_feeling("<@U123ABC> 2 grumpy").mention == "U123ABC"

    def test_mention_label_with_spaces_stays_one_token(self) -> None:
        parsed = parse_feeling("<@U123ABC|jan de vries> 5 wow")
        assert (parsed.words, parsed.mention, parsed.score, parsed.note) == (
            ("<@U123ABC|jan de vries>",),
            "U123ABC",
            5,
            "wow",
        )

    def test_plain_at_name_is_a_mention(self) -> None:
        assert parse_feeling("@jan 4").mention == "@jan"

    def test_channel_mention_gives_channel_id(self) -> None:
        parsed = parse_feeling("<#C123|acme-project> 3")
        assert (parsed.channel_mention, parsed.mention, parsed.score) == ("C123", None, 3)

    def test_mention_in_note_is_not_the_client(self) -> None:
        parsed = parse_feeling("acme 4 thanks <@U9> and <#C9>")
        assert (parsed.mention, parsed.channel_mention) == (None, None)

    def test_plain_words_have_no_mention(self) -> None:
        assert parse_feeling("acme 4").mention is None


class TestSplitClientAndRest:
    def test_longest_matching_prefix_is_the_client(self) -> None:
        clients = {"acme", "acme corp"}
        assert split_client_and_rest(["acme", "corp", "great", "kickoff"], clients.__contains__) == (
            "acme corp",
            "great kickoff",
        )

    def test_no_matching_prefix_returns_everything_as_rest(self) -> None:
        assert split_client_and_rest(["great", "kickoff"], lambda _: False) == ("", "great kickoff")

    def test_whole_input_can_be_the_client(self) -> None:
        assert split_client_and_rest(("acme", "corp"), lambda text: text == "acme corp") == ("acme corp", "")

    def test_empty_words_split_to_empty_strings(self) -> None:
        assert split_client_and_rest([], lambda _: True) == ("", "")


class TestTruncate:
    def test_short_text_is_unchanged(self) -> None:
        assert truncate("hello", 5) == "hello"

    def test_long_text_ends_in_ellipsis_within_limit(self) -> None:
        assert truncate("hello world", 8) == "hello w…"

    @pytest.mark.parametrize("limit", [0, 1, 2, 3, 10, NOTE_MAX])
    def test_truncate_never_exceeds_limit(self, limit: int) -> None:
        assert len(truncate("x" * (NOTE_MAX + 50), limit, ellipsis="...")) <= limit

    def test_ellipsis_longer_than_limit_cuts_plain(self) -> None:
        assert truncate("abcdef", 2, ellipsis="...") == "ab"


class TestParseTags:
    def test_tags_are_split_cleaned_and_lowercased(self) -> None:
        assert parse_tags("upsell, #billing  urgent") == ["upsell", "billing", "urgent"]

    def test_duplicate_tags_keep_first_occurrence(self) -> None:
        assert parse_tags("Urgent, billing,#urgent URGENT") == ["urgent", "billing"]

    def test_empty_text_has_no_tags(self) -> None:
        assert parse_tags(" , ,# ") == []

    def test_tag_count_and_length_are_capped(self) -> None:
        tags = parse_tags(" ".join(f"t{index}" for index in range(TAG_MAX + 5)) + " " + "x" * 100)
        assert len(tags) == TAG_MAX
        assert all(len(tag) <= TAG_LEN_MAX for tag in parse_tags("y" * 100))
        assert parse_tags("y" * 100) == ["y" * TAG_LEN_MAX]


def test_unescape_slack_restores_ampersand_and_brackets() -> None:
    assert unescape_slack("AT&amp;T &lt;3 &gt;") == "AT&T <3 >"


def test_a_number_of_thousands_of_digits_is_a_bad_score_quoted_short() -> None:
    parsed = parse_feeling("acme " + "9" * 5000 + " went well")
    assert parsed.score is None and parsed.bad_score is not None
    assert len(parsed.bad_score) <= 20 and parsed.bad_score.endswith("…")
    assert parse_feeling("acme " + "0" * 5000 + "4").score == 4  # leading zeros read as "04" always was
    assert parse_feeling("acme " + "9" * 5000 + "/5").score is None
