"""The outbox dispatcher: claim due rows, render, send at Telegram's pace, record."""
