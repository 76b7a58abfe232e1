"""Rules and values of the front desk, in plain Python (no Qt, no database, no I/O)."""
