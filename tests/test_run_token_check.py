"""`followup run`'s token check before start-up, over the bot's own HTTP client: a token
Telegram refuses and a Bot API that cannot be reached each end with one clear line (exit 1)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import typer

from benchmarks.common import free_port
from bot.cli.common import EXIT_FAILED, text
from bot.cli.run import preflight
from bot.demo.fake_telegram import TOKEN
from bot.settings import Settings
from bot.storage.start_check import StartCheck

UNAUTHORIZED = {"ok": False, "error_code": 401, "description": "Unauthorized"}


class RefusingBotApi(BaseHTTPRequestHandler):
    """Telegram's answer to every call made with a revoked or mistyped token."""

    def do_POST(self) -> None:
        body = json.dumps(UNAUTHORIZED).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test's output quiet."""


@pytest.fixture
def refusing_api() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), RefusingBotApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def _pointed_at(port: int) -> Settings:
    values: dict[str, Any] = {"telegram_token": TOKEN}
    values["telegram_base_url"] = f"http://127.0.0.1:{port}/bot"
    return Settings(_env_file=None, **values)


async def test_a_refused_token_stops_the_start(
    refusing_api: int, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = _pointed_at(refusing_api)
    with pytest.raises(typer.Exit) as stopped:
        await preflight(settings, StartCheck.not_needed())
    assert stopped.value.exit_code == EXIT_FAILED
    assert capsys.readouterr().err.strip() == text(settings, "cli/token_refused")


async def test_an_unreachable_bot_api_stops_the_start(capsys: pytest.CaptureFixture[str]) -> None:
    port = free_port()  # nothing listens there
    settings = _pointed_at(port)
    with pytest.raises(typer.Exit) as stopped:
        await preflight(settings, StartCheck.not_needed())
    assert stopped.value.exit_code == EXIT_FAILED
    expected = text(
        settings,
        "cli/run_unreachable",
        base_url=settings.telegram_base_url,
        error="NetworkError",
    )
    assert capsys.readouterr().err.strip() == expected


async def test_damage_found_by_the_start_check_is_said_before_a_refused_token(
    refusing_api: int, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = _pointed_at(refusing_api)  # Telegram is asked while the check runs
    check = StartCheck()
    check.finish("database disk image is malformed")
    with pytest.raises(typer.Exit) as stopped:
        await preflight(settings, check)
    assert stopped.value.exit_code == EXIT_FAILED
    damaged = text(settings, "cli/database_damaged", error="database disk image is malformed")
    assert capsys.readouterr().err.strip() == damaged
