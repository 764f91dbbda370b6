"""`followup demo`: the real bot against a fake Bot API, a sample hospital, simulated people."""
