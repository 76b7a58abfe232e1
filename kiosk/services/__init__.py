"""Use cases of the front desk. They take a unit of work and ports, and never hand out sessions."""
