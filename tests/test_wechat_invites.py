"""`followup invite --channel wechat` and `invites --channel wechat`: the service account's
QR codes carrying invites, as long-lived as WeChat allows; refused clearly without settings."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.demo.fake_wechat import FakeWeChat
from bot.domain.invites import hash_token
from bot.settings import Settings
from bot.storage.store import Store
from tests.harness import record, seed
from tests.wechat_thread import fake_wechat_in_thread

runner = CliRunner()
THIRTY_DAYS = 30 * 24 * 3600


@pytest.fixture
def wechat_env(cli_env: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeWeChat]:
    """The CLI's settings point at a fake WeChat API served in a thread."""
    with fake_wechat_in_thread() as fake:
        configured = fake.settings_for(cli_env)
        for name in ("app_id", "api_base", "notice_template_id"):
            value = str(getattr(configured, f"wechat_{name}"))
            monkeypatch.setenv(f"FOLLOWUP_WECHAT_{name.upper()}", value)
        monkeypatch.setenv("FOLLOWUP_WECHAT_APP_SECRET", fake.state.app_secret)
        monkeypatch.setenv("FOLLOWUP_WECHAT_TOKEN", fake.callback_token)
        yield fake


async def invited_patient(settings: Settings, token: str) -> str | None:
    """Return the hospital number the invite with this token was issued for."""
    store = Store.open(settings.database_url)
    try:
        invite = await store.invites.by_hash(hash_token(token))
        episode = await store.episodes.get(invite.episode_id) if invite else None
        return episode.hospital_no if episode else None
    finally:
        await store.close()


def test_one_invite_is_a_qr_code_of_the_service_account(
    wechat_env: FakeWeChat, cli_env: Settings, tmp_path: Path
) -> None:
    asyncio.run(seed(cli_env, record()))
    png = tmp_path / "zy001.png"
    result = runner.invoke(app, ["invite", "ZY001", "--channel", "wechat", "--qr", str(png)])
    assert result.exit_code == 0, result.output
    [call] = [c for c in wechat_env.calls if c.endpoint == "qrcode/create"]
    assert call.payload["expire_seconds"] == THIRTY_DAYS  # the invite's 30 days, WeChat's most
    scene = call.payload["action_info"]["scene"]["scene_str"]
    assert asyncio.run(invited_patient(cli_env, scene)) == "ZY001"  # the scene is the invite
    assert result.output.strip().startswith("http")  # the code's content, not the scene
    assert scene not in result.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_folder_of_invites_for_a_discharge_range(
    wechat_env: FakeWeChat, cli_env: Settings, tmp_path: Path
) -> None:
    asyncio.run(seed(cli_env, record(), record("ZY002", line=3, phone="13900139002")))
    out = tmp_path / "qr"
    args = ["invites", "--channel", "wechat", "--out", str(out)]
    dates = ["--discharged-from", "2026-11-01", "--discharged-to", "2026-11-30"]
    result = runner.invoke(app, args + dates)
    assert result.exit_code == 0, result.output
    rows = (out / "index.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    assert len(rows) == 2 == len(list(out.glob("*.png")))
    assert len([c for c in wechat_env.calls if c.endpoint == "qrcode/create"]) == 2


def test_without_the_service_accounts_settings_the_command_says_what_to_set(
    cli_env: Settings,
) -> None:
    asyncio.run(seed(cli_env, record()))
    result = runner.invoke(app, ["invite", "ZY001", "--channel", "wechat"])
    assert result.exit_code == 2
    assert "FOLLOWUP_WECHAT_APP_ID" in result.output
