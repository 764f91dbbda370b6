"""The phone: a nurse on a call reads the patient the bot's messages and enters the answers."""
