"""A voice note and a photo from an enrolled WeChat patient reach the staff group as files
(the bytes WeChat held, fetched at once) and are recorded among the patient's messages."""

from __future__ import annotations

from bot.demo.harness import BotHarness
from bot.domain.patient_messages import PatientMessageKind
from tests.wechat_checkins import enrolled_in_wechat, refusals
from tests.wechat_patients import OPENID

GROUP = -1008324
VOICE = b"#!AMR\n" + bytes(range(200))
PHOTO = b"\xff\xd8\xff\xe0" + b"JFIF" + bytes(300) + b"\xff\xd9"


def uploads(harness: BotHarness, method: str) -> list[bytes]:
    """The bytes of the files sent to the staff group with this Bot API method."""
    calls = [c for c in harness.telegram.calls if c.method == method]
    return [
        data
        for c in calls
        if c.params.get("chat_id") in (GROUP, str(GROUP))
        for data in c.files.values()
    ]


async def test_a_voice_note_and_a_photo_reach_staff_as_files(harness: BotHarness) -> None:
    fake, contact = await enrolled_in_wechat(harness, GROUP)
    assert await fake.user_sends_media(OPENID, "voice", VOICE, "audio/amr") == 200
    await harness.wechat_settled()
    assert await fake.user_sends_media(OPENID, "image", PHOTO, "image/jpeg") == 200
    await harness.wechat_settled()
    assert uploads(harness, "sendDocument") == [VOICE]
    assert uploads(harness, "sendPhoto") == [PHOTO]
    kept = await harness.services.store.patient_messages.for_chat(contact.chat_id)
    assert [m.kind for m in kept] == [PatientMessageKind.VOICE, PatientMessageKind.PHOTO]
    assert all(m.file_id for m in kept) and refusals(fake) == []
