"""The phone worklist's rules: who is owed a call, when it is due, and what an outcome does."""
