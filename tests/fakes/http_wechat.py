"""The fake WeChat API (bot/demo/fake_wechat.py) run as a process, on 127.0.0.1 only.

    python -m tests.fakes.http_wechat --port 8282 [--callback-url http://127.0.0.1:8443/wechat]
        [--callback-token T] [--aes-key KEY] [--app-id ID] [--app-secret SECRET]
        [--custom-daily-quota 500000] [--template-daily-quota 100000]

Besides WeChat's endpoints under /cgi-bin/: GET /calls lists every call (openid, endpoint,
errcode, and a text message's words); POST /says?openid=O&text=T makes a user send a text
(a signed callback to the bot); POST /opens?openid=O opens that user's window as their
message would, without a callback (a test's users who wrote before the bot started).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from typing import Any

from tornado.web import RequestHandler

from bot.demo.fake_wechat import FakeWeChat
from bot.demo.fake_wechat_state import DAILY_QUOTAS
from bot.domain.clock import SystemClock


class CallsHandler(RequestHandler):
    def initialize(self, fake: FakeWeChat) -> None:
        self.fake = fake

    def get(self) -> None:
        calls = [
            {
                "openid": c.openid,
                "endpoint": c.endpoint,
                "errcode": c.errcode,
                "text": _words(c.payload),
            }
            for c in self.fake.calls
        ]
        self.finish({"calls": calls, "token_fetches": self.fake.state.token_fetches})


def _words(payload: dict[str, Any]) -> str:
    """A conversation message's words: a text's content, a msgmenu's head and tail."""
    if "text" in payload:
        return str(payload["text"].get("content", ""))
    menu = payload.get("msgmenu", {})
    return f"{menu.get('head_content', '')}\n{menu.get('tail_content', '')}"


class SaysHandler(RequestHandler):
    def initialize(self, fake: FakeWeChat) -> None:
        self.fake = fake

    async def post(self) -> None:
        openid, text = self.get_query_argument("openid"), self.get_query_argument("text")
        status = await self.fake.user_says(openid, text)
        self.finish({"callback_status": status})


class OpensHandler(RequestHandler):
    def initialize(self, fake: FakeWeChat) -> None:
        self.fake = fake

    def post(self) -> None:
        self.fake.state.open_window(self.get_query_argument("openid"))
        self.finish({"opened": True})


async def serve(args: argparse.Namespace) -> None:
    """Serve until cancelled."""
    fake = FakeWeChat(
        SystemClock(),
        callback_url=args.callback_url,
        callback_token=args.callback_token,
        aes_key=args.aes_key,
        app_id=args.app_id,
        app_secret=args.app_secret,
        daily_quotas={
            "message/custom/send": args.custom_daily_quota,
            "message/template/send": args.template_daily_quota,
        },
    )
    extra = [
        (r"/calls", CallsHandler, {"fake": fake}),
        (r"/says", SaysHandler, {"fake": fake}),
        (r"/opens", OpensHandler, {"fake": fake}),
    ]
    await fake.start(args.port, extra_routes=extra)
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--callback-url", default="http://127.0.0.1:8443/wechat")
    parser.add_argument("--callback-token", default="faketoken")
    parser.add_argument("--aes-key", default=None)
    parser.add_argument("--app-id", default="wxfake0000000001")
    parser.add_argument("--app-secret", default="fake-app-secret")
    parser.add_argument(
        "--custom-daily-quota", type=int, default=DAILY_QUOTAS["message/custom/send"]
    )
    parser.add_argument(
        "--template-daily-quota", type=int, default=DAILY_QUOTAS["message/template/send"]
    )
    args = parser.parse_args()
    logging.getLogger("tornado.access").setLevel(logging.ERROR)
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
