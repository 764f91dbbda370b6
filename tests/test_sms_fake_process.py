"""The fake SMS provider as a process (python -m tests.fakes.http_sms): a text sent by the
bot's Aliyun client is listed by GET /calls, and POST /fail refuses the next one."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.channels.sms.provider import SmsRequest
from bot.channels.sms.providers import make_provider
from bot.demo.fake_sms import FakeSms
from bot.domain.channel_messages import FaultKind, SendFault
from bot.domain.clock import SystemClock
from tests.harness import make_settings
from tests.sms_world import PHONE


@pytest.fixture
def fake_port() -> Iterator[int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    command = [sys.executable, "-m", "tests.fakes.http_sms", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    yield port
    process.terminate()
    process.wait(timeout=10)


async def until_up(base: str) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(200):
            try:
                await client.get(base + "/calls")
                return
            except httpx.TransportError:
                await asyncio.sleep(0.05)
    raise AssertionError("the fake SMS process did not start")


async def test_the_fake_as_a_process_records_and_refuses(tmp_path: Path, fake_port: int) -> None:
    base = f"http://127.0.0.1:{fake_port}"
    await until_up(base)
    like = FakeSms(SystemClock())  # the process's default account
    like.port = fake_port
    account = like.settings_for(make_settings(tmp_path)).require_sms()
    client = make_provider(account, SystemClock())
    request = SmsRequest(PHONE, "SMS_1", {"code": "Ab3dE6gH9k"})
    async with httpx.AsyncClient() as control:
        await client.send(request)
        await control.post(base + "/fail", params={"code": "isv.BUSINESS_LIMIT_CONTROL"})
        with pytest.raises(SendFault) as caught:
            await client.send(request)
        calls = (await control.get(base + "/calls")).json()
    await client.aclose()
    assert caught.value.kind is FaultKind.RETRY
    assert [(s["phone"], s["template"], s["params"]) for s in calls["sends"]] == [
        (PHONE, "SMS_1", {"code": "Ab3dE6gH9k"})
    ]
    assert calls["refused"] == ["isv.BUSINESS_LIMIT_CONTROL"]
