"""Use cases that combine storage and domain rules, shared by the CLI and the bot."""
