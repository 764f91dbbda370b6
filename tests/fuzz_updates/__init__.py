"""Fuzzing the bot through the real Application: forged presses, hostile text, odd commands.

One bot runs for each test, set up with two enrolled patients (check-ins, medicine and
re-examination reminders, a complaint with its topic, a red flag), staff, a supervisor and
an admin. Examples then press random callback data (real buttons, other users' and other
cases' ids, prefixes of real ones, random bytes) as strangers, patients and staff, and type
text (over 4096 characters, emoji, control characters, HTML, RTL marks, zero-width
characters) in enrolment, in a check-in's free-text question, in /complain, in a case
thread, and as command arguments.

Properties: no handler fails (no apology, nothing logged at ERROR); a press by someone
without the right changes nothing in the database; every message is one Telegram takes
(its HTML rules, 1-4096 characters shown, captions 1024, alerts 200); typed `<b>` reaches
HTML messages as `&lt;b&gt;`; SQLite finds no damage and no dangling foreign key.
"""
