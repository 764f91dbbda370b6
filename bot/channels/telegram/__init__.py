"""The Telegram adapter: handlers, conversations, keyboards, forum topics, the webhook."""
