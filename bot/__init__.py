"""followup-bot: a hospital's post-discharge follow-up, in Telegram."""
