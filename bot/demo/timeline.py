"""The days of the demo: who does what when, while the dispatcher job runs as time passes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from bot.demo.call_scenario import call_again, first_calls, on_the_phone, worklist_note
from bot.demo.cast import Cast, cast_of
from bot.demo.scenario import (
    confirm_reexam,
    doctor_acknowledges,
    enrol,
    family_member,
    nurse_answers_complaint,
    nurse_closes_complaint,
    red_flag_patient,
    satisfied_patient,
    silent_patient,
    stopping_patient,
    supervisor_reports,
    take_medicine,
    unsatisfied_patient,
)
from bot.demo.simulation import DemoError, Simulation
from bot.demo.sms_scenario import (
    nurse_answers_by_sms,
    reads_reply,
    satisfied_by_sms,
    stop_by_sms,
    unsatisfied_by_sms,
)
from bot.services.importing import import_discharge_list
from bot.storage.audit import Actor

START = ("2025-11-14", "08:30")  # a Friday: the story's patients went home yesterday
END = ("2025-11-19", "20:00")


def at(sim: Simulation, day: str, clock: str) -> datetime:
    """Return the moment of a local day and wall-clock time at the hospital."""
    return datetime.fromisoformat(f"{day} {clock}").replace(tzinfo=sim.harness.settings.zone)


async def play(sim: Simulation, discharge_list: Path) -> Cast:
    """Import the list, enrol the story's people, then live through six days."""
    cast = await setting_up(sim, discharge_list)
    await first_days(sim, cast)
    case_id = await check_in_day(sim, cast)
    await last_days(sim, cast, case_id)
    await supervisor_reports(sim, cast)
    if sim.phones is not None:
        sim.transcript.preface += "\n" + sim.transcript.text(
            "cli/demo/sms_reached",
            patients=len({send.phone for send in sim.phones.fake.sends}),
            texts=len(sim.phones.fake.sends),
            shown=len(cast.texted),
        )
    return cast


async def setting_up(sim: Simulation, discharge_list: Path) -> Cast:
    """The follow-up office imports the list and adds staff; patients scan their QR codes."""
    services = sim.harness.services
    report = await import_discharge_list(
        services.store, discharge_list, services.settings.zone, sim.now, actor=Actor.cli()
    )
    if report.counts is None or report.parsed.errors:
        raise DemoError(f"{discharge_list.name} has errors: {report.parsed.errors[:3]}")
    cast = await cast_of(sim)
    sim.transcript.preface = sim.transcript.text(
        "cli/demo/intro",
        hospital=services.settings.hospital_name,
        file=discharge_list.name,
        rows=report.counts.rows_read,
        excluded=sum(report.counts.excluded.values()),
        staff=[cast.nurse.speaker, cast.doctor.speaker, cast.supervisor.speaker],
        start=" ".join(START),
        end=" ".join(END),
        wechat=sim.side.name == "wechat",
    )
    for patient in cast.patients.values():
        await enrol(sim, patient, cast)
    return cast


async def first_days(sim: Simulation, cast: Cast) -> None:
    """Day-1 and day-2 advice goes out (tips need no answer); one patient stops; medicines
    are taken."""
    await sim.run_until(at(sim, "2025-11-14", "10:45"))  # the gynaecology plan's day-1 tip
    await stopping_patient(sim, cast)
    await sim.run_until(at(sim, "2025-11-15", "08:05"))
    await take_medicine(sim, cast)
    if cast.texted:  # day 3 of those discharged on the 12th: check-ins by SMS
        await sim.run_until(at(sim, "2025-11-15", "10:35"))
        await satisfied_by_sms(sim, cast)
        await stop_by_sms(sim, cast)
    await sim.run_until(at(sim, "2025-11-16", "08:05"))
    await take_medicine(sim, cast)


async def check_in_day(sim: Simulation, cast: Cast) -> int:
    """Day 3: the check-ins arrive; a complaint, a red flag, a family member, praise."""
    await sim.run_until(at(sim, "2025-11-16", "11:05"))
    await satisfied_patient(sim, cast)
    await unsatisfied_patient(sim, cast)
    case_id = await nurse_answers_complaint(sim, cast)
    await red_flag_patient(sim, cast)
    await doctor_acknowledges(sim, cast)
    await family_member(sim, cast)
    if cast.texted:  # an unhappy SMS patient; the nurse answers in the afternoon
        sms_case = await unsatisfied_by_sms(sim, cast)
        await sim.run_until(at(sim, "2025-11-16", "15:05"))
        await nurse_answers_by_sms(sim, cast, sms_case)
        await sim.run_until(at(sim, "2025-11-16", "18:35"))
        await reads_reply(sim, cast)
    return case_id


async def phone_days(sim: Simulation) -> None:
    """Monday's calling hours: the nurse works the worklist; Tuesday the unanswered number
    comes back."""
    nurse = on_the_phone(sim)
    await sim.run_until(at(sim, "2025-11-17", "14:05"))  # the handbook's winter hours
    await worklist_note(sim, nurse)
    await first_calls(sim, nurse)
    await sim.run_until(at(sim, "2025-11-18", "14:05"))
    await call_again(sim, nurse)


async def last_days(sim: Simulation, cast: Cast, case_id: int) -> None:
    """The complaint is closed, reminders are answered, the silent patient's check-in fails."""
    await sim.run_until(at(sim, "2025-11-17", "08:05"))
    await take_medicine(sim, cast)
    await sim.run_until(at(sim, "2025-11-17", "09:05"))
    await confirm_reexam(sim, cast)
    await sim.run_until(at(sim, "2025-11-17", "10:00"))
    await nurse_closes_complaint(sim, cast, case_id)
    await phone_days(sim)
    await sim.run_until(at(sim, "2025-11-19", "09:05"))
    await confirm_reexam(sim, cast)
    await sim.run_until(at(sim, "2025-11-19", "12:00"))
    await silent_patient(sim, cast)
    await sim.run_until(at(sim, *END))
