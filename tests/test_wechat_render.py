"""Neutral messages as WeChat payloads and notices: menus, numbered scales, byte limits,
notice fields within WeChat's limits and free of patient data."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.channels.wechat.notice import (
    FIELD_LIMITS,
    NOTICE_FIELDS,
    field_value,
    notice_fields,
)
from bot.channels.wechat.render import (
    MENU_LIMIT,
    TEXT_LIMIT,
    byte_size,
    render_payloads,
    split_text,
)
from bot.domain.channel_messages import Choice, Media, MediaKind, Outgoing
from bot.domain.choices import MedicationChoice, encode_answer, encode_survey
from bot.domain.conversation_window import NoticeKind
from bot.domain.notice_kinds import notice_kind
from bot.templating import Renderer

renderer = Renderer()
OPENID = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"
SATISFACTION = ((Choice("sv:1:q1:3", "满意"), Choice("sv:1:q1:2", "不满意")),)
SCALE = (tuple(Choice(f"sv:1:pain:{n}", str(n)) for n in range(11)),)


def test_few_worded_choices_become_a_menu_under_the_words() -> None:
    message = Outgoing("<b>您对住院服务满意吗?</b>", SATISFACTION)
    [payload] = render_payloads(renderer, "zh_CN", OPENID, message)
    assert payload == {
        "touser": OPENID,
        "msgtype": "msgmenu",
        "msgmenu": {
            "head_content": "您对住院服务满意吗?",
            "list": [
                {"id": "sv:1:q1:3", "content": "满意"},
                {"id": "sv:1:q1:2", "content": "不满意"},
            ],
            "tail_content": "也可直接回复文字",
        },
    }


def test_a_scale_is_numbered_text_as_on_the_text_channel() -> None:
    [payload] = render_payloads(renderer, "zh_CN", OPENID, Outgoing("疼痛几分?", SCALE))
    assert payload["msgtype"] == "text"
    assert payload["text"]["content"] == "疼痛几分?\n回复 0 到 10 之间的数字"


def test_more_options_than_a_menu_holds_are_numbered() -> None:
    many = (tuple(Choice(f"sv:1:q:{n}", f"选项{n}") for n in range(MENU_LIMIT + 1)),)
    [payload] = render_payloads(renderer, "zh_CN", OPENID, Outgoing("请选择", many))
    assert payload["msgtype"] == "text" and "11 选项10" in payload["text"]["content"]


def test_without_menus_the_choices_are_numbered() -> None:
    message = Outgoing("您对住院服务满意吗?", SATISFACTION)
    [payload] = render_payloads(renderer, "zh_CN", OPENID, message, menus=False)
    assert payload["text"]["content"] == "您对住院服务满意吗?\n回复 1 满意、2 不满意"


def test_media_is_sent_as_its_words() -> None:
    photo = Media(MediaKind.PHOTO, ref="file-1")
    [payload] = render_payloads(renderer, "zh_CN", OPENID, Outgoing("出院指导", media=photo))
    assert payload == {"touser": OPENID, "msgtype": "text", "text": {"content": "出院指导"}}


def test_media_without_words_has_no_payload() -> None:
    photo = Media(MediaKind.PHOTO, ref="file-1")
    assert render_payloads(renderer, "zh_CN", OPENID, Outgoing("", media=photo)) == []


def test_a_long_text_is_split_at_line_ends_and_the_menu_comes_last() -> None:
    lines = [f"第{n}条:饭后半小时服药,多喝水,注意休息。" for n in range(80)]
    message = Outgoing("\n".join(lines), SATISFACTION)
    payloads = render_payloads(renderer, "zh_CN", OPENID, message)
    assert len(payloads) > 1 and payloads[-1]["msgtype"] == "msgmenu"
    texts = [p["text"]["content"] for p in payloads[:-1]]
    head = payloads[-1]["msgmenu"]["head_content"]
    assert "\n".join([*texts, head]).split("\n") == lines  # nothing lost, no line cut
    assert all(byte_size(t) <= TEXT_LIMIT for t in texts)
    menu = payloads[-1]["msgmenu"]
    labels = sum(byte_size(item["content"]) for item in menu["list"])
    assert byte_size(head) + labels + byte_size(menu["tail_content"]) <= TEXT_LIMIT


@given(st.text(st.sampled_from("随访a \n😀"), max_size=3000), st.integers(8, 300))
def test_split_text_keeps_every_character_within_the_budget(text: str, budget: int) -> None:
    pieces = split_text(text, budget)
    assert all(byte_size(piece) <= budget for piece in pieces)
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")


@pytest.mark.parametrize(
    ("choices", "kind"),
    [
        (SATISFACTION, NoticeKind.CHECK_IN),
        (((Choice(encode_answer(MedicationChoice.TAKEN, 42), "已服药"),),), NoticeKind.MEDICINE),
        (((Choice("rx:confirm:7", "确认"),),), NoticeKind.REEXAM),
        (((Choice("cp:ok:3", "满意"),),), NoticeKind.STAFF_REPLY),
        ((), NoticeKind.OTHER),
        (((Choice("unknown:1", "?"),),), NoticeKind.OTHER),
    ],
)
def test_the_notice_kind_comes_from_the_choices(
    choices: tuple[tuple[Choice, ...], ...], kind: NoticeKind
) -> None:
    assert notice_kind(Outgoing("…", choices)) is kind


def test_survey_choice_ids_are_check_ins() -> None:
    message = Outgoing("?", ((Choice(encode_survey(9, "q1", "3"), "满意"),),))
    assert notice_kind(message) is NoticeKind.CHECK_IN


def test_a_check_in_notice_in_chinese_and_english() -> None:
    at = datetime(2026, 12, 7, 1, 30, tzinfo=UTC)
    zone = ZoneInfo("Asia/Shanghai")
    assert notice_fields(renderer, "zh_CN", NoticeKind.CHECK_IN, at, zone) == {
        "thing1": "出院随访",
        "time2": "2026年12月7日 09:30",
        "thing3": "请回复任意文字查看",
    }
    english = notice_fields(renderer, "en", NoticeKind.CHECK_IN, at, zone)
    assert english["time2"] == "2026-12-07 09:30" and english["thing1"] == "Follow-up check-in"


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
@pytest.mark.parametrize("kind", list(NoticeKind))
def test_every_notice_fits_its_fields(locale: str, kind: NoticeKind) -> None:
    at = datetime(2026, 12, 7, 1, 30, tzinfo=UTC)
    fields = notice_fields(renderer, locale, kind, at, ZoneInfo("Asia/Shanghai"))
    assert tuple(fields) == NOTICE_FIELDS
    for key, value in fields.items():
        assert value and "\n" not in value
        assert len(value) <= FIELD_LIMITS[key.rstrip("0123456789")]
    raw = renderer.render(f"channels/wechat/notice_title_{kind.value}", locale)
    assert fields["thing1"] == raw  # no title needed cutting


def test_field_values_are_one_line_and_cut_to_the_limit() -> None:
    assert field_value("thing7", "出院\n随访" + "很" * 40) == "出院 随访" + "很" * 15
    with pytest.raises(ValueError, match="unknown field type 'colour'"):
        field_value("colour1", "红")
