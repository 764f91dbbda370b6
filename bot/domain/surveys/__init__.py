"""Questionnaires as data: surveys loaded from YAML and validated, and the pure survey engine."""
