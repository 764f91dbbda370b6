"""followup-bot: a hospital's post-discharge follow-up, in Telegram."""

import sys

# python-telegram-bot imports httpx (its default HTTP client; ours is aiohttp), and httpx
# imports its command-line client with it when rich, pygments and click are installed: about
# 30 ms of CPU at every start for a tool never run here. httpx goes without it when the import
# fails (`httpx` on a command line would then say its extras are missing).
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]  # None: "not importable"
