"""The pages' settings are checked, the listener is refused without them, and erasure leaves
nothing of a patient's pages behind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from bot.app import build_app
from bot.cli import app
from bot.demo.fake_telegram import TOKEN
from bot.demo.harness import BotHarness
from bot.domain.web_links import LinkPurpose
from bot.services.patient_facts import death, record_patient_fact
from bot.settings import Settings, SettingsError, describe_validation_error
from bot.storage.audit import Actor
from bot.storage.erasure import erase_patient, erasure_scope
from tests.harness import HOSPITAL, make_settings, record, seed, stored_text
from tests.web_patients import link, sms_contact

SECRET = "s" * 32


@pytest.mark.parametrize(
    ("field", "value", "variable"),
    [
        ("public_url", "http://fu.example.cn", "FOLLOWUP_PUBLIC_URL"),
        ("public_url", "fu.example.cn", "FOLLOWUP_PUBLIC_URL"),
        ("web_secret", "too-short", "FOLLOWUP_WEB_SECRET"),
    ],
)
def test_a_bad_pages_setting_names_its_variable(
    tmp_path: Path, field: str, value: str, variable: str
) -> None:
    overrides: dict[str, Any] = {field: value}
    with pytest.raises(ValidationError) as raised:
        make_settings(tmp_path, **overrides)
    assert describe_validation_error(raised.value).startswith(f"{variable}:")


def test_local_http_and_https_urls_are_taken(tmp_path: Path) -> None:
    local = make_settings(tmp_path, public_url="http://127.0.0.1:8080/", web_secret=SECRET)
    assert local.require_web() == ("http://127.0.0.1:8080", SECRET.encode())
    assert make_settings(tmp_path, public_url="https://fu.example.cn").public_url


def test_the_listener_is_refused_without_the_pages_settings(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, public_url="https://fu.example.cn")
    with pytest.raises(SettingsError, match="FOLLOWUP_WEB_SECRET"):
        build_app(settings, web_listen="127.0.0.1:0")


async def test_erasure_deletes_the_feed_and_kills_the_links(harness: BotHarness) -> None:
    await harness.with_web()
    await seed(harness.settings, record())
    contact = await sms_contact(harness)
    store = harness.services.store
    await store.web_pages.add_to_feed(
        contact.chat_id, "张三丰,您的复查在周五。", [], harness.clock.now()
    )
    url = await link(harness, contact.chat_id, LinkPurpose.CONVERSATION)
    scope = await erasure_scope(store.engine, "ZY001")
    assert scope is not None
    await erase_patient(store.engine, scope, "ZY001", harness.clock.now(), Actor.cli())
    assert "您的复查在周五" not in await stored_text(store)
    assert await store.web_pages.feed_size(contact.chat_id) == 0
    async with httpx.AsyncClient() as client:
        assert (await client.get(url)).status_code == 404


def test_run_refuses_the_web_listener_without_its_settings(
    monkeypatch: pytest.MonkeyPatch, cli_env: Settings
) -> None:
    monkeypatch.setenv("FOLLOWUP_TELEGRAM_TOKEN", TOKEN)
    monkeypatch.setenv("FOLLOWUP_HOSPITAL_NAME", HOSPITAL)
    monkeypatch.delenv("FOLLOWUP_PUBLIC_URL", raising=False)
    monkeypatch.delenv("FOLLOWUP_WEB_SECRET", raising=False)
    result = CliRunner().invoke(app, ["run", "--web-listen", "127.0.0.1:0"])
    assert result.exit_code == 2
    assert "FOLLOWUP_PUBLIC_URL" in result.output and "FOLLOWUP_WEB_SECRET" in result.output


async def test_a_deceased_patients_links_no_longer_open(harness: BotHarness) -> None:
    await harness.with_web()
    await seed(harness.settings, record())
    contact = await sms_contact(harness)
    url = await link(harness, contact.chat_id, LinkPurpose.CONVERSATION)
    store = harness.services.store
    await record_patient_fact(
        store,
        harness.services.scheduling,
        contact.patient_id,
        death(None, "ward"),
        Actor.cli(),
        harness.clock.now(),
    )
    async with httpx.AsyncClient() as client:
        assert (await client.get(url)).status_code == 410
