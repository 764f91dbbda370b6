"""Invite security in one place: entropy, hashing at rest, single use, expiry, lockout, and no
patient data before the identity check (each wrong answer included)."""

from __future__ import annotations

from datetime import timedelta

from bot.demo.harness import BotHarness
from bot.domain.invites import TOKEN_BYTES, hash_token, new_token
from tests.harness import record, seed, stored_text
from tests.test_enrolment import invite

CHAT = 905
PATIENT_DATA = ("张", "ZY001", "心内科", "李医生", "13800138001", "1958")


def test_tokens_carry_at_least_128_random_bits() -> None:
    assert TOKEN_BYTES * 8 >= 128
    tokens = {new_token() for _ in range(10_000)}
    assert len(tokens) == 10_000
    assert all(len(token) >= 22 and token.isascii() for token in tokens)  # URL-safe base64


async def test_only_the_hash_is_stored(harness: BotHarness) -> None:
    await seed(harness.settings, record())
    token = await invite(harness)
    stored = await stored_text(harness.services.store)
    assert token not in stored and hash_token(token) in stored


async def test_nothing_about_the_patient_before_the_check_even_after_wrong_answers(
    harness: BotHarness,
) -> None:
    await seed(harness.settings, record())
    await harness.text(CHAT, f"/start {await invite(harness)}")
    for wrong in ("0000", "1234", "ZY001", "张三丰"):
        await harness.text(CHAT, wrong)
    before = " ".join(str(call.params.get("text")) for call in harness.telegram.sent(CHAT))
    assert [value for value in PATIENT_DATA if value in before] == []
    await harness.text(CHAT, "8001")  # the fifth answer, right: now the masked name
    assert "张**" in harness.telegram.last_text(CHAT)


async def test_a_locked_invite_stays_locked_and_a_new_one_works(harness: BotHarness) -> None:
    await seed(harness.settings, record())
    locked = await invite(harness)
    await harness.text(CHAT, f"/start {locked}")
    for _ in range(harness.settings.identity_attempts):
        await harness.text(CHAT, "0000")
    harness.clock.advance(timedelta(days=1))
    await harness.text(CHAT, f"/start {locked}")
    assert "已被锁定" in harness.telegram.last_text(CHAT)
    await harness.text(CHAT, f"/start {await invite(harness)}")
    await harness.text(CHAT, "8001")
    assert "张**" in harness.telegram.last_text(CHAT)
