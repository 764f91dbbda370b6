"""The fake SMS provider (bot/demo/fake_sms.py) run as a process, on 127.0.0.1 only.

    python -m tests.fakes.http_sms --port 8383 [--provider aliyun|tencent|generic]
        [--callback-base http://127.0.0.1:8080/sms/aliyun/<FOLLOWUP_SMS_CALLBACK_SECRET>]
        [--daily-limit 50] [--hour-limit 0] [--short-limit 0] [--per-second 3000]
        [--key-id ID] [--key-secret SECRET] [--app-id ID] [--sign-name S]

Besides the providers' endpoints (/ and /send): GET /calls lists every text sent (phone,
template, params, id) and every error code answered; POST /replies?phone=P&text=T makes a
person reply (a callback to the bot in the provider's shape); POST /deliver?id=I[&failed=1]
sends that text's receipt; POST /fail?code=C refuses the next call with that code.
"""

from __future__ import annotations

import argparse
import asyncio
import logging

from tornado.web import RequestHandler

from bot.demo.fake_sms import FakeSms
from bot.demo.fake_sms_state import ACCOUNT_PER_SECOND
from bot.domain.clock import SystemClock
from bot.domain.sms import SmsProviderName


class FakeHandler(RequestHandler):
    def initialize(self, fake: FakeSms) -> None:
        self.fake = fake

    def check_xsrf_cookie(self) -> None:
        """A test's own controls, on loopback."""


class CallsHandler(FakeHandler):
    def get(self) -> None:
        sends = [
            {"phone": s.phone, "template": s.template, "params": s.params, "id": s.id}
            for s in self.fake.sends
        ]
        self.finish({"sends": sends, "refused": self.fake.state.refused})


class RepliesHandler(FakeHandler):
    async def post(self) -> None:
        phone, text = self.get_query_argument("phone"), self.get_query_argument("text")
        self.finish({"callback_status": await self.fake.user_replies(phone, text)})


class DeliverHandler(FakeHandler):
    async def post(self) -> None:
        ident = self.get_query_argument("id")
        delivered = self.get_query_argument("failed", "") != "1"
        matching = [send for send in self.fake.sends if send.id == ident]
        if not matching:
            self.set_status(404)
            self.finish({"error": f"no text {ident}"})
            return
        self.finish({"callback_status": await self.fake.deliver(matching[0], delivered)})


class FailHandler(FakeHandler):
    def post(self) -> None:
        self.fake.state.fail_next(self.get_query_argument("code"))
        self.finish({"failing": True})


async def serve(args: argparse.Namespace) -> None:
    """Serve until cancelled."""
    fake = FakeSms(
        SystemClock(),
        SmsProviderName(args.provider),
        callback_base=args.callback_base,
        key_id=args.key_id,
        key_secret=args.key_secret,
        app_id=args.app_id,
        sign_name=args.sign_name,
        daily_limit=args.daily_limit,
        hour_limit=args.hour_limit,
        short_limit=args.short_limit,
        per_second=args.per_second,
    )
    extra = [
        (r"/calls", CallsHandler, {"fake": fake}),
        (r"/replies", RepliesHandler, {"fake": fake}),
        (r"/deliver", DeliverHandler, {"fake": fake}),
        (r"/fail", FailHandler, {"fake": fake}),
    ]
    await fake.start(args.port, extra_routes=extra)
    await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--provider", choices=list(SmsProviderName), default=SmsProviderName.ALIYUN.value
    )
    parser.add_argument("--callback-base", default="")
    parser.add_argument("--daily-limit", type=int, default=50)
    parser.add_argument("--hour-limit", type=int, default=0, help="Per number; 0: none.")
    parser.add_argument("--short-limit", type=int, default=0, help="Per number a minute.")
    parser.add_argument("--per-second", type=int, default=ACCOUNT_PER_SECOND)
    parser.add_argument("--key-id", default="fake-key-id")
    parser.add_argument("--key-secret", default="fake-key-secret")
    parser.add_argument("--app-id", default="1400000001")
    parser.add_argument("--sign-name", default="市第一人民医院")
    args = parser.parse_args()
    logging.getLogger("tornado.access").setLevel(logging.ERROR)
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
