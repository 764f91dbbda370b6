"""Discharge lists: the record model, headers, cell and date readers, exclusions, rows."""
