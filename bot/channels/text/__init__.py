"""The plain-text channel: choices as numbered options, replies read back (SMS, the phone)."""
