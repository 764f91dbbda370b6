"""The bot as benchmarks.memory runs it, in a process of its own: the real Application as
`followup run` builds it (long polling, the JobQueue's dispatcher), limits off.

Run by benchmarks/memory.py: python -m benchmarks.memory_bot --url URL --port PORT
Telegram's flood limiter is left out and the pacer (bulk and replies) lets everything through
(as benchmarks.dispatch_throughput's unlimited run); batches of 500 rows. Stops on SIGINT.
"""

from __future__ import annotations

import argparse
from datetime import timedelta

from telegram import Update

from benchmarks.latency_seed import settings_for
from bot.app import build_app
from bot.channels.telegram.context import AppType
from bot.dispatch.dispatcher import DispatchConfig
from bot.dispatch.pacing import Pacer
from bot.dispatch.send_path import ChannelSender
from bot.domain.channel_messages import ChannelName

BATCH = 500


def run(url: str, port: int) -> None:
    """Run the bot until interrupted."""
    app = build_app(settings_for(url, port, 30.0), rate_limit=False)
    started = app.post_init
    assert started is not None

    async def post_init(application: AppType) -> None:
        await started(application)
        services = application.bot_data.services
        assert services is not None
        dispatcher, unlimited = services.dispatcher, Pacer(100_000.0, 0.0)
        dispatcher.pacer = dispatcher.pacers[ChannelName.TELEGRAM] = unlimited
        sender = services.sender
        assert isinstance(sender, ChannelSender)
        sender.pacers[ChannelName.TELEGRAM] = unlimited  # replies
        config = dispatcher.config
        lease = timedelta(seconds=120)
        dispatcher.config = DispatchConfig(BATCH, lease, config.catch_up, config.windows)

    app.post_init = post_init
    app.run_polling(allowed_updates=Update.ALL_TYPES, close_loop=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    run(args.url, args.port)


if __name__ == "__main__":
    main()
