"""Pure follow-up logic: nothing here imports telegram or the database."""
