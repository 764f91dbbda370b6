"""`python -m bot` runs the `followup` command."""

from bot.cli import main

main()
