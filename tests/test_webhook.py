"""Webhook mode: the secret token is required; two workers on one database take turns on
one chat's updates through a whole check-in and store what one worker would."""

from __future__ import annotations

import re
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from tornado.netutil import bind_sockets
from typer.testing import CliRunner

from bot.channels.telegram.webhook import SECRET_HEADER, webhook_server
from bot.cli import app
from bot.demo.harness import BotHarness
from bot.demo.updates import callback_update, text_update
from bot.storage.schema import survey_answers
from tests.harness import START, make_settings
from tests.test_survey_flow import CHAT, HAPPY_PATH, start_checkin

URL = "https://bot.example-hospital.cn/telegram/hook"
SECRET = "s3cret-token-for-the-tests-0123456789"


@asynccontextmanager
async def serving(harness: BotHarness) -> AsyncIterator[str]:
    """Serve the harness's Application as a webhook on a free loopback port; yield its URL."""
    assert harness.app is not None
    sockets = bind_sockets(0, "127.0.0.1", family=socket.AF_INET)
    server = webhook_server(harness.app, URL, SECRET)
    server.add_sockets(sockets)
    try:
        yield f"http://127.0.0.1:{sockets[0].getsockname()[1]}/telegram/hook"
    finally:
        server.stop()


async def _post(url: str, body: str, secret: str | None = SECRET) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    async with httpx.AsyncClient() as client:
        return (await client.post(url, content=body, headers=headers)).status_code


async def test_requests_without_the_right_secret_are_refused(harness: BotHarness) -> None:
    assert harness.app is not None
    body = text_update(harness.app.bot, 4242, 4242, "/help").to_json()
    async with serving(harness) as url:
        assert await _post(url, body, secret=None) == 403
        assert await _post(url, body, secret="wrong-secret-wrong-secret") == 403
        assert harness.telegram.sent(4242) == []  # refused updates are not processed
        assert await _post(url, "not json", secret=SECRET) == 400
        assert await _post(url, body) == 200
        assert "/stop" in harness.telegram.last_text(4242)
        assert await _post(url, body) == 200  # Telegram delivering it again
    assert len(harness.telegram.sent(4242)) == 1  # handled once


async def _check_in_through(workers: list[BotHarness], urls: list[str]) -> dict[str, str]:
    first = workers[0]
    assert first.app is not None
    for turn, (question, value) in enumerate(HAPPY_PATH):
        pattern = re.compile(rf"^sv:\d+:{question}:{value}$")
        data = next(d for d in first.telegram.latest_buttons(CHAT) if pattern.match(d))
        update = callback_update(first.app.bot, CHAT, CHAT, data)
        assert await _post(urls[turn % len(urls)], update.to_json()) == 200
    async with first.services.store.engine.connect() as conn:
        rows = (await conn.execute(select(survey_answers.c.question, survey_answers.c.value))).all()
    return {question: value for question, value in rows}


async def test_two_workers_alternating_store_what_one_worker_stores(
    harness: BotHarness, tmp_path: Path
) -> None:
    await start_checkin(harness)
    async with serving(harness) as url:
        one_worker = await _check_in_through([harness], [url])
    assert one_worker == dict(HAPPY_PATH)

    settings = make_settings(tmp_path / "two")
    first, second = BotHarness(settings, START), BotHarness(settings, START)
    await first.start()
    await start_checkin(first)
    second.clock, second.telegram = first.clock, first.telegram  # one time, one Telegram
    await second.start()
    try:
        async with serving(first) as url_a, serving(second) as url_b:
            two_workers = await _check_in_through([first, second], [url_a, url_b])
    finally:
        await second.stop()
        await first.stop()
    assert two_workers == one_worker
    assert "非常感谢您的支持与配合" in first.telegram.last_text(CHAT)


def test_webhook_mode_needs_a_secret_and_a_listen_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(tmp_path)
    monkeypatch.setenv("FOLLOWUP_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("FOLLOWUP_TELEGRAM_TOKEN", settings.require_token())
    monkeypatch.setenv("FOLLOWUP_HOSPITAL_NAME", "市第一人民医院")
    monkeypatch.delenv("FOLLOWUP_WEBHOOK_SECRET", raising=False)
    missing = CliRunner().invoke(app, ["run", "--webhook", URL])
    assert missing.exit_code == 2 and "FOLLOWUP_WEBHOOK_SECRET: missing" in missing.output
    monkeypatch.setenv("FOLLOWUP_WEBHOOK_SECRET", "short")
    weak = CliRunner().invoke(app, ["run", "--webhook", URL])
    assert weak.exit_code == 2 and "16 to 256" in weak.output and "short" not in weak.output


async def test_an_update_whose_worker_died_while_handling_it_is_handled_again(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert harness.app is not None
    app_under_test = harness.app
    body = text_update(app_under_test.bot, 4343, 4343, "/help").to_json()
    real = type(app_under_test).process_update

    async def dies(self: object, update: object) -> None:
        raise ConnectionAbortedError("the worker is killed in the middle of the update")

    async with serving(harness) as url:
        monkeypatch.setattr(type(app_under_test), "process_update", dies)
        assert await _post(url, body) == 500  # no answer Telegram accepts: it sends it again
        monkeypatch.setattr(type(app_under_test), "process_update", real)
        assert await _post(url, body) == 200
    assert "/stop" in harness.telegram.last_text(4343)
