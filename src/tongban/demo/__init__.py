"""Demo data for a first run: users, sample materials and a history of cases."""
