"""The fake WeChat API counts each API's calls per Beijing day against its daily quota and
answers WeChat's 45009 past it, as WeChat does (customer-service messages: 500,000 a day)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.demo.fake_wechat_state import DAILY_QUOTAS, FakeWeChatState
from bot.domain.clock import FakeClock

CUSTOM = "message/custom/send"
BEFORE_MIDNIGHT = datetime(2026, 11, 23, 15, 59, tzinfo=UTC)  # 23:59 in Beijing
OPENID = "oFake000000000000000000001"


def sends(state: FakeWeChatState, token: str, count: int) -> list[int]:
    payload = {"touser": OPENID, "msgtype": "text", "text": {"content": "好"}}
    answers = [state.call(CUSTOM, token, payload) for _ in range(count)]
    return [int(answer.body["errcode"]) for answer in answers if isinstance(answer.body, dict)]


def test_the_quota_is_wechats_documented_one_by_default() -> None:
    state = FakeWeChatState(FakeClock(BEFORE_MIDNIGHT))
    assert state.daily_quotas[CUSTOM] == DAILY_QUOTAS[CUSTOM] == 500_000


def test_past_the_days_quota_wechat_answers_45009_until_beijings_midnight() -> None:
    clock = FakeClock(BEFORE_MIDNIGHT)
    state = FakeWeChatState(clock, daily_quotas={CUSTOM: 2})
    fetched = state.fetch_token({"appid": state.app_id, "secret": state.app_secret}).body
    assert isinstance(fetched, dict)
    token = str(fetched["access_token"])
    state.open_window(OPENID)
    assert sends(state, token, 3) == [0, 0, 45009]
    refusal = state.call(CUSTOM, token, {"touser": OPENID}).body
    assert refusal == {"errcode": 45009, "errmsg": "reach max api daily quota limit"}
    clock.advance(timedelta(minutes=1))  # 00:00 in Beijing: a new day's quota
    assert sends(state, token, 3) == [0, 0, 45009]
