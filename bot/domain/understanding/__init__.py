"""Reading what a patient types against the open survey question (pure, no I/O but data files)."""
