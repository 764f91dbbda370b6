"""Helpers of the discharge-list fuzz tests: the model of a list, its files, the checks."""
