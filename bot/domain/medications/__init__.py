"""Medicines from the discharge list: reading 出院带药, reminder times, adherence."""
