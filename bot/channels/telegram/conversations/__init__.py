"""Multi-step dialogs whose state lives in the database."""
