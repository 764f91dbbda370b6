"""Issue 19's "Done when", on the demo's sample hospital: every eligible patient who never
enrols is on the phone worklist from the date of their first check-in; a chat patient only
once their check-in failed unanswered."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.demo.cast import STORY_PATIENTS
from bot.demo.harness import BotHarness
from bot.demo.runner import SAMPLE_HOSPITAL
from bot.domain.calls import CallReason
from bot.services.importing import import_discharge_list
from bot.storage.audit import Actor
from bot.storage.schema import call_tasks, episodes, patients
from tests.harness import SHANGHAI, enrol, local

# The never-enrolled, eligible patients and their first check-in, worked out by hand from the
# list's discharge dates and their plans' first check-in step (messages/plans/*.yaml).
FIRST_CHECKIN = {
    "SF2511007": "2025-11-15",  # 呼吸内科, general: day 3 after 11-12
    "SF2511008": "2025-11-26",  # 慢病: chronic plan, 2 weeks after 11-12
    "SF2511010": "2025-11-15",  # general: day 3 after 11-12
    "SF2511011": "2025-11-15",  # 术后: post_surgery, day 3 after 11-12
    "SF2511012": "2025-11-15",
    "SF2511014": "2025-11-16",  # post_surgery, day 3 after 11-13
    "SF2511015": "2025-11-16",
    "SF2511016": "2025-11-15",  # gynaecology, day 3 after 11-12
    "SF2511017": "2025-11-16",  # pelvic inflammatory disease: day 4 after 11-12
    "SF2511018": "2025-11-15",
    "SF2511019": "2025-11-16",
    "SF2511020": "2025-11-15",  # ectopic pregnancy surgery: day 2 after 11-13
}
# The chat patients who never answer in this test: their check-in fails after its tries.
CHAT_FAILED = {(number, CallReason.MESSAGES_FAILED) for number, _ in STORY_PATIENTS.values()}
HOURS = 4  # the sweeps run this often in the test's simulated days


async def test_the_never_enrolled_are_on_the_worklist_from_their_first_checkin(
    harness: BotHarness,
) -> None:
    start = local("2025-11-14", "08:30")
    harness.clock.advance(start - harness.clock.now())
    store = harness.services.store
    await import_discharge_list(store, SAMPLE_HOSPITAL, SHANGHAI, start, actor=Actor.cli())
    for chat, (number, _) in enumerate(STORY_PATIENTS.values(), start=101):
        await enrol(harness, chat, number)  # the six who enrol in a chat
    first_seen: dict[str, str] = {}
    while harness.clock.now() < local("2025-11-26", "20:00"):
        harness.clock.advance(timedelta(hours=HOURS))
        await harness.tick()
        today = harness.clock.now().astimezone(SHANGHAI).date().isoformat()
        for number, reason in await _on_the_worklist(harness):
            if reason == CallReason.NO_MESSAGE_CHANNEL:
                first_seen.setdefault(number, today)
            else:  # a chat patient only once the check-in failed unanswered
                assert (number, reason) in CHAT_FAILED, (number, reason)
    assert first_seen == FIRST_CHECKIN


async def _on_the_worklist(harness: BotHarness) -> set[tuple[str, str]]:
    """Return the hospital numbers of the stays owed a call for a check-in step, and why."""
    query = (
        select(patients.c.hospital_no, call_tasks.c.reason)
        .select_from(
            call_tasks.join(episodes, episodes.c.id == call_tasks.c.episode_id).join(
                patients, patients.c.id == episodes.c.patient_id
            )
        )
        .where(call_tasks.c.step.is_not(None))
    )
    async with harness.services.store.engine.connect() as conn:
        return {(number, reason) for number, reason in await conn.execute(query)}
