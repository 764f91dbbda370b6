"""Enrolment by WeChat QR code: a new follower's scan and an existing follower's scan open
the invite; identity, patient or family and consent are answered in WeChat, by clicking the
menu's choices or typing; unfollowing withdraws consent."""

from __future__ import annotations

from bot.demo.harness import BotHarness
from bot.domain.channel_messages import ChannelName
from bot.domain.enrolment import ConsentDecision
from tests.harness import record, seed
from tests.wechat_patients import (
    OPENID,
    clicks,
    event,
    invite_qr,
    menu_choice,
    notices,
    says,
    scans,
    start_with_wechat,
    texts,
)


async def enrolled_contacts(harness: BotHarness) -> list[tuple[str, str | None, str]]:
    store = harness.services.store
    episode = await store.episodes.latest_for("ZY001")
    assert episode is not None
    contacts = await store.contacts.for_patient(episode.patient_id)
    return [(c.channel, c.handle, c.consent) for c in contacts]


async def test_a_new_follower_scans_the_qr_code_and_enrols(harness: BotHarness) -> None:
    fake = await start_with_wechat(harness)
    await seed(harness.settings, record())
    await scans(harness, await invite_qr(harness), new=True)
    greeting = texts(fake)[-1]
    assert "张" not in greeting  # nothing about the patient before the identity check
    await says(harness, "8001")  # the phone's last four digits
    assert "张**" in texts(fake)[-1]
    await clicks(harness, menu_choice(harness, "我是患者本人"))
    await clicks(harness, menu_choice(harness, "同意"))
    assert await enrolled_contacts(harness) == [
        (ChannelName.WECHAT.value, OPENID, ConsentDecision.GRANTED)
    ]
    assert notices(fake) == []  # all of it inside the window


async def test_an_existing_follower_scans_and_answers_by_typing(harness: BotHarness) -> None:
    fake = await start_with_wechat(harness)
    await seed(harness.settings, record())
    await event(harness, "subscribe")  # followed the account earlier, without a code
    assert "二维码" in texts(fake)[-1] or "扫描" in texts(fake)[-1]
    await scans(harness, await invite_qr(harness), new=False)
    await says(harness, "8001")
    await says(harness, "我是患者本人")  # a choice's words typed instead of clicked
    await says(harness, "同意")
    [(channel, handle, consent)] = await enrolled_contacts(harness)
    assert (channel, handle, consent) == ("wechat", OPENID, ConsentDecision.GRANTED)


async def test_unfollowing_withdraws_consent(harness: BotHarness) -> None:
    await start_with_wechat(harness)
    await seed(harness.settings, record())
    await scans(harness, await invite_qr(harness))
    await says(harness, "8001")
    await clicks(harness, menu_choice(harness, "我是患者本人"))
    await clicks(harness, menu_choice(harness, "同意"))
    await event(harness, "unsubscribe")
    [(_channel, _handle, consent)] = await enrolled_contacts(harness)
    assert consent == ConsentDecision.WITHDRAWN
