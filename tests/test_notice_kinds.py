"""What a waiting message is called, from its scheduled kind: an education tip (and a
medicine tip, which has no choices to tell it by) is named education on every channel — the
SMS uses the education template, a WeChat notice for a held tip says 健康知识."""

from __future__ import annotations

from datetime import timedelta

from bot.channels.wechat.notice import KIND_FIELD
from bot.demo.harness import BotHarness
from bot.domain.conversation_window import NoticeKind
from bot.domain.messages import MessageKind
from bot.storage.schema import scheduled_messages as m
from tests.harness import local, record, seed
from tests.sms_patients import sms_patient, template_of, texts
from tests.wechat_checkins import enrol_by_qr
from tests.wechat_patients import notices, start_with_wechat

# The chronic plan (心内科): its first step, a medicine tip on day 3, comes on the 24th after
# noon, when the window opened by enrolling on the 22nd at 10:00 has closed.
TIP_AFTER_THE_WINDOW = local("2026-11-21", "12:00")
WINDOW_CLOSED = local("2026-11-24", "10:00")
EDUCATION_TITLE = "健康知识"  # messages/zh_CN/channels/wechat/notice_title_education.txt


async def test_an_education_tip_by_sms_uses_the_education_template(harness: BotHarness) -> None:
    fake, _ = await sms_patient(harness)
    [tip] = await harness.services.store.outbox.rows(m.c.step_key == "day1_home_care")
    assert tip.kind is MessageKind.EDUCATION
    first, checkin = texts(fake)
    assert first.template == template_of(NoticeKind.EDUCATION)
    assert checkin.template == template_of(NoticeKind.CHECK_IN)


async def test_a_wechat_notice_for_a_held_medicine_tip_says_education(
    harness: BotHarness,
) -> None:
    fake = await start_with_wechat(harness)
    await seed(harness.settings, record(discharged_at=TIP_AFTER_THE_WINDOW))
    contact = await enrol_by_qr(harness)
    [tip] = await harness.services.store.outbox.rows(m.c.step_key == "day3_medication")
    assert tip.kind is MessageKind.MEDICATION_TIP and tip.send_at > WINDOW_CLOSED
    harness.clock.advance(tip.send_at + timedelta(minutes=5) - harness.clock.now())
    await harness.tick()
    assert await harness.services.store.channel_windows.held_count(contact.chat_id) == 1
    [notice] = notices(fake)
    assert notice["data"][KIND_FIELD]["value"] == EDUCATION_TITLE
