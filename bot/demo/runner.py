"""Run the demo: a fresh database, the real bot over the fake Bot API, the story, the files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.demo.fake_sms import FakeSms
from bot.demo.fake_telegram import TOKEN, Call, FakeTelegram
from bot.demo.fake_wechat import FakeWeChat
from bot.demo.harness import BotHarness
from bot.demo.patient_side import PatientSide, TelegramSide
from bot.demo.phone_side import Phones
from bot.demo.simulation import DemoError, Simulation
from bot.demo.timeline import START, play
from bot.demo.transcript import Transcript
from bot.demo.wechat_side import WeChatSide
from bot.settings import Settings
from bot.templating import Renderer, parse_words

SAMPLE_HOSPITAL = Path(__file__).resolve().parent / "sample_hospital.csv"
STAFF_GROUP = -1001000000001
DATABASE = "demo.db"
CHANNELS = ("telegram", "wechat")  # where the patients are; staff are in the Telegram group


@dataclass(frozen=True)
class DemoResult:
    transcript: str  # shortened, for the console
    files: list[tuple[str, Path]]  # (kind, path): transcript, report, chart, database
    wechat: FakeWeChat | None = None  # the fake WeChat the patients used (--channel wechat)
    sms: FakeSms | None = None  # the fake SMS provider that texted the patients no chat reaches


def demo_settings(database: Path, locale: str, hospital: str) -> Settings:
    """Settings made in code: every value given, so no .env or FOLLOWUP_* variable applies."""
    values: dict[str, Any] = {name: f.default for name, f in Settings.model_fields.items()}
    values.update(
        telegram_token=TOKEN,
        database_url=f"sqlite+aiosqlite:///{database}",
        hospital_name=hospital,
        staff_chat_id=STAFF_GROUP,
        locale=locale,
        per_chat_interval=0,
        rate=30,
    )
    return Settings(_env_file=None, **values)


async def run_demo(output: Path, locale: str, channel: str = "telegram") -> DemoResult:
    """Play the story into a fresh database under output, the patients on `channel`; write
    the transcript and reports."""
    output.mkdir(parents=True, exist_ok=True)
    database = output / DATABASE
    for stale in output.glob(f"{DATABASE}*"):  # the database and its -wal/-shm files
        stale.unlink()
    renderer = Renderer()
    hospital = parse_words(renderer.render("cli/demo/words", locale))["hospital"]
    settings = demo_settings(database, locale, hospital)
    start = datetime.fromisoformat(" ".join(START)).replace(tzinfo=settings.zone)
    harness = BotHarness(settings, start)
    transcript = Transcript(renderer, locale, settings.zone)
    fake_sms = await _play(harness, transcript, channel, hospital)
    month = f"{harness.clock.now().astimezone(settings.zone):%Y-%m}"
    files = write_reports(harness.telegram, output, month)
    complete = output / "transcript.txt"
    complete.write_text(transcript.render(complete=True), encoding="utf-8")
    files = [("transcript", complete), *files, ("database", database)]
    return DemoResult(transcript.render(), files, harness.wechat, fake_sms)


async def _play(
    harness: BotHarness, transcript: Transcript, channel: str, hospital: str
) -> FakeSms:
    """Start the bot with SMS and the pages (and WeChat for its patients), play the story,
    stop everything; return the fake SMS provider."""
    fake_sms = await harness.with_sms(sign_name=hospital)  # starts the bot
    phones = Phones(harness, fake_sms, transcript.words["bot_sms"])
    try:
        side = await patient_side(harness, channel, transcript)
        simulation = Simulation(harness, transcript, STAFF_GROUP, side)
        simulation.phones = phones
        await play(simulation, SAMPLE_HOSPITAL)
    finally:
        if harness.app is not None:
            await harness.stop()
        await phones.close()
        await fake_sms.stop()
        if harness.wechat is not None:
            await harness.wechat.stop()
    return fake_sms


async def patient_side(harness: BotHarness, channel: str, transcript: Transcript) -> PatientSide:
    """Return where the patients are; for WeChat, restart the bot with it configured."""
    if channel == "wechat":
        return WeChatSide(harness, await harness.with_wechat(), transcript.words)
    return TelegramSide(harness)


def write_reports(telegram: FakeTelegram, output: Path, month: str) -> list[tuple[str, Path]]:
    """Save the workbook and the chart images the bot sent the supervisor."""
    [document] = _uploads(telegram, "sendDocument")
    [trend, departments] = _uploads(telegram, "sendMediaGroup")
    written = [
        ("report", output / f"report-{month}.xlsx", document),
        ("chart", output / f"chart-trend-{month}.png", trend),
        ("chart", output / f"chart-departments-{month}.png", departments),
    ]
    for _kind, path, content in written:
        path.write_bytes(content)
        path.chmod(0o600)  # the report names patients (invented ones here, but still)
    return [(kind, path) for kind, path, _content in written]


def _uploads(telegram: FakeTelegram, method: str) -> list[bytes]:
    calls: list[Call] = [c for c in telegram.calls if c.method == method]
    if not calls:
        raise DemoError(f"the bot made no {method} call")
    return list(calls[-1].files.values())
