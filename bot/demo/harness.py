"""BotHarness: the real Application over FakeTelegram and a fake clock, without polling."""

from __future__ import annotations

from datetime import datetime

from pydantic import SecretStr

from bot.app import build_app
from bot.channels.sms.handlers import callback_path
from bot.channels.sms.notices import registered_texts
from bot.channels.sms.runtime import link_prefixes
from bot.channels.telegram.context import AppContext, AppType
from bot.channels.telegram.jobs import on_dispatch_job, on_worklist_job
from bot.channels.text.channel import TextLine
from bot.demo.fake_sms import FakeSms
from bot.demo.fake_telegram import FakeTelegram
from bot.demo.fake_wechat import FakeWeChat
from bot.demo.updates import callback_update, text_update
from bot.domain.clock import FakeClock
from bot.domain.sms import SmsProviderName
from bot.services.container import Services
from bot.settings import Settings
from bot.storage.start_check import StartCheck

LOOPBACK_ANY_PORT = "127.0.0.1:0"
WEB_SECRET = "harness-web-secret-0123456789abcdef"  # signs the links to the pages in tests


class BotHarness:
    """Drives the real Application with real Update objects; Telegram is faked at HTTP."""

    def __init__(self, settings: Settings, start: datetime) -> None:
        self.settings = settings
        self.clock = FakeClock(start)
        self.telegram = FakeTelegram()
        self.text_line: TextLine | None = None  # set before start() to reach text contacts
        self.wechat: FakeWeChat | None = None  # set (started) before start() for WeChat
        self.web = False  # set before start() to serve the web pages
        self.sms: FakeSms | None = None  # set (started) before start() for SMS
        self.start_check: StartCheck | None = None  # set before start(): after an unclean stop
        self.app: AppType | None = None

    async def start(self) -> None:
        """Build and initialise the application as `run` would, without polling."""
        self.app = build_app(
            self.settings,
            clock=self.clock,
            request=self.telegram,
            rate_limit=False,
            text_line=self.text_line,
            wechat_listen=LOOPBACK_ANY_PORT if self.wechat else None,
            web_listen=LOOPBACK_ANY_PORT if self.web else None,
            start_check=self.start_check,
        )
        await self.app.initialize()
        assert self.app.post_init is not None
        await self.app.post_init(self.app)
        if self.wechat is not None:  # WeChat's callbacks go to wherever the bot listens now
            runtime = self.app.bot_data.wechat
            assert runtime is not None and runtime.server is not None
            self.wechat.callback_url = f"http://127.0.0.1:{runtime.server.port}/wechat"
        if self.web:  # links point at wherever the pages are served now
            pages = self.app.bot_data.web
            assert pages is not None and pages.port is not None
            pages.links.base_url = f"http://127.0.0.1:{pages.port}"
            if self.sms is not None:
                self._point_sms(pages.links.base_url)

    def _point_sms(self, base_url: str) -> None:
        """The fake's callbacks go to the pages' listener; the texts' wording carries links
        to where the pages are served now."""
        assert self.sms is not None and self.app is not None
        secret = self.settings.require_sms().callback_secret
        path = callback_path(self.sms.provider, secret, "").rstrip("/")
        self.sms.callback_base = f"{base_url}{path}"
        runtime = self.app.bot_data.sms
        if runtime is not None:
            conversation, replies = link_prefixes(base_url)
            runtime.notices.texts = registered_texts(
                self.services.renderer,
                self.settings.locale,
                conversation,
                runtime.account.provider,
                replies,
            )

    async def stop(self) -> None:
        """Shut the application down as `run` would (the fake WeChat API stays up)."""
        assert self.app is not None
        assert self.app.post_shutdown is not None
        await self.app.post_shutdown(self.app)
        await self.app.shutdown()
        self.app = None

    async def restart(self) -> None:
        """Stop (when running) and start again: nothing survives but the database."""
        if self.app is not None:
            await self.stop()
        await self.start()

    async def with_wechat(self, aes_key: str | None = None) -> FakeWeChat:
        """Restart the bot with WeChat configured, against a fresh fake WeChat API."""
        fake = FakeWeChat(self.clock, aes_key=aes_key)
        await fake.start()
        self.wechat, self.settings = fake, fake.settings_for(self.settings)
        await self.restart()
        return fake

    async def with_web(self) -> str:
        """Restart the bot serving the web pages on a free port; return their base URL."""
        update = {"public_url": "http://127.0.0.1", "web_secret": SecretStr(WEB_SECRET)}
        self.web, self.settings = True, self.settings.model_copy(update=update)
        await self.restart()
        assert self.app is not None and self.app.bot_data.web is not None
        return self.app.bot_data.web.links.base_url

    async def with_sms(
        self, provider: SmsProviderName = SmsProviderName.ALIYUN, sign_name: str | None = None
    ) -> FakeSms:
        """Restart the bot with SMS and the pages, against a fresh fake SMS provider (its
        account signing texts `sign_name` when given) whose callbacks go to the pages'
        listener."""
        fake = FakeSms(self.clock, provider, **({"sign_name": sign_name} if sign_name else {}))
        await fake.start()
        self.sms, self.settings = fake, fake.settings_for(self.settings)
        await self.with_web()
        return fake

    async def wechat_settled(self) -> None:
        """Wait until the WeChat callbacks taken so far are handled."""
        assert self.app is not None and self.app.bot_data.wechat is not None
        await self.app.bot_data.wechat.settle()
        await self.staff_settled()

    async def staff_settled(self) -> None:
        """Wait until the staff posts deferred so far (the staff lane) are sent."""
        await self.services.staff_lane.settle()

    @property
    def services(self) -> Services:
        """Return the services the running application created."""
        assert self.app is not None and self.app.bot_data.services is not None
        return self.app.bot_data.services

    async def tick(self) -> None:
        """Run the dispatcher's job once, then the worklist's, as the JobQueue would."""
        assert self.app is not None
        await on_dispatch_job(AppContext(self.app))
        await on_worklist_job(AppContext(self.app))

    async def text(
        self,
        chat_id: int,
        text: str,
        user_id: int | None = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
        language_code: str | None = None,
    ) -> None:
        """Deliver a text message from a user in a chat (in a topic, as a reply, from an app
        set to a language)."""
        assert self.app is not None
        user = user_id or chat_id
        update = text_update(self.app.bot, chat_id, user, text, thread_id, reply_to, language_code)
        await self.app.process_update(update)
        await self.staff_settled()  # tests read what staff were told as the handler ended

    async def press(self, chat_id: int, data: str, user_id: int | None = None) -> None:
        """Deliver a button press from a user in a chat."""
        assert self.app is not None
        update = callback_update(self.app.bot, chat_id, user_id or chat_id, data)
        await self.app.process_update(update)
        await self.staff_settled()
