"""A survey answer, the case it opens and its step are stored together, or not at all."""

from __future__ import annotations

from sqlalchemy import text

from bot.demo.harness import BotHarness
from tests.backends import on_postgres
from tests.test_survey_flow import CHAT, STAFF_GROUP, answer, start_checkin, walk_to_satisfaction

REFUSE_NEW_CASES = {  # a database that fails in the middle of storing an answer
    "sqlite": [
        "CREATE TRIGGER refuse_case BEFORE INSERT ON cases "
        "BEGIN SELECT RAISE(ABORT, 'disk trouble'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_case() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN RAISE EXCEPTION 'disk trouble'; END $$",
        "CREATE TRIGGER refuse_case BEFORE INSERT ON cases "
        "FOR EACH ROW EXECUTE FUNCTION refuse_case()",
    ],
}
WHY = "查房时医生说话太快,没听清用药方法。"


async def run(harness: BotHarness, statements: list[str]) -> None:
    async with harness.services.store.engine.begin() as conn:
        for statement in statements:
            await conn.execute(text(statement))


async def test_an_answer_whose_case_cannot_be_stored_is_not_stored_either(
    harness: BotHarness,
) -> None:
    await start_checkin(harness, staff_group=True)
    await walk_to_satisfaction(harness)
    store = harness.services.store
    [session] = await store.surveys.open_for_chat(CHAT)
    before = await store.surveys.answers(session.id)
    await run(harness, REFUSE_NEW_CASES["postgresql" if on_postgres() else "sqlite"])
    await answer(harness, "sat_doctors", "unsatisfied")  # 不满意 opens a complaint at once
    [unchanged] = await store.surveys.open_for_chat(CHAT)
    assert unchanged.current_question == "sat_doctors"  # still asking
    assert await store.surveys.answers(session.id) == before
    assert await store.cases.for_patient(1) == []
    assert not any("是否满意" in str(c.params) for c in harness.telegram.delivered_to(STAFF_GROUP))
    drop = "DROP TRIGGER refuse_case" + (" ON cases" if on_postgres() else "")
    await run(harness, [drop])
    await answer(harness, "sat_doctors", "unsatisfied")  # pressed again once it works: once
    await harness.text(CHAT, WHY)
    [case] = await store.cases.for_patient(1)
    assert case.text == WHY
    assert (await store.surveys.answers(session.id)).keys() > before.keys()
    assert sum(WHY in str(c.params) for c in harness.telegram.delivered_to(STAFF_GROUP)) == 1
