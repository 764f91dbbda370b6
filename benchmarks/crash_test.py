"""Crash test: kill -9 the bot while it sends, an import while it writes, the bot mid-survey.

Run: .venv/bin/python -m benchmarks.crash_test [--messages 2000] [--chats 500] [--kills 10]
     [--seed N] [--import-rows 30000]
The bot (`followup run`, a real process) sends due medicine reminders to the fake Bot API
over loopback HTTP (Telegram's limits enforced) and is killed with SIGKILL at random moments
(seeded) and restarted until every row is finished. Prints the figures; exits with 1 when a
requirement fails: a message lost, more duplicates than kills, a half-written import, or a
survey that does not continue where it was.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

from benchmarks.crash import SETTINGS, OutboxResult, outbox_crash
from benchmarks.crash_state import ImportResult, SurveyResult, import_crash, survey_crash


def print_outbox(result: OutboxResult) -> None:
    """Print the kills and the figures of the sending run."""
    print(
        f"kill -9 while sending: {result.messages} reminders to {result.chats} chats, "
        f"FOLLOWUP_RATE={SETTINGS['rate']}, lease {SETTINGS['lease_seconds']} s, seed {result.seed}"
    )
    print(f"{'kill':>6}{'s after its first send':>24}{'delivered by then':>19}")
    for kill in result.kills:
        print(f"{kill.number:>6}{kill.after_seconds:>24.2f}{kill.delivered:>19}")
    figures = {
        "kills": len(result.kills),
        "messages": result.messages,
        "delivered": result.delivered,
        "lost": result.lost,
        "duplicates": result.duplicates,
        "429s received": result.rejected_429,
        "seconds": f"{result.seconds:.1f}",
    }
    for name, value in figures.items():
        print(f"{name:>16}  {value}")


def print_import(result: ImportResult) -> None:
    """Print what a killed import left, and the re-run."""
    when = "while it ran" if result.killed_while_running else "after it had ended"
    print(
        f"kill -9 during import ({result.rows} rows, seed {result.seed}): killed "
        f"{result.killed_after:.2f} s after it began writing, {when}; after the kill "
        f"{result.patients_after_kill} patients and {result.stays_after_kill} stays of "
        f"{result.rows} stored, integrity {result.integrity}; re-run: exit {result.rerun_exit}, "
        f"{result.patients_after_rerun} patients and {result.stays_after_rerun} stays"
    )


def print_survey(result: SurveyResult) -> None:
    """Print what a survey interrupted by a kill looked like after the restart."""
    answers = ", ".join(f"{key}={value}" for key, value in sorted(result.answers.items()))
    print(
        f"kill -9 during a survey (seed {result.seed}): 3 answers given, killed "
        f"{result.killed_after:.2f} s after the bot asked the 4th question; after the restart "
        f"{result.sessions} session, answers kept: {answers}; "
        f"the 4th answer was taken and {result.asked_after_restart} asked "
        f"(open in the database: {result.open_question})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--chats", type=int, default=500)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--seed", type=int, default=random.randrange(10**6))
    parser.add_argument("--import-rows", type=int, default=30_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        outbox = outbox_crash(Path(folder), args.messages, args.chats, args.kills, args.seed)
        print_outbox(outbox)
        imported = import_crash(Path(folder), args.import_rows, args.seed, kill_within=1.5)
        print_import(imported)
        survey = survey_crash(Path(folder), args.seed)
        print_survey(survey)
    problems = outbox.problems() + imported.problems() + survey.problems()
    print("requirements: " + ("all met" if not problems else "FAILED: " + "; ".join(problems)))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
