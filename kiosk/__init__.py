"""The in-person front desk of a city's 311 program."""

__version__ = "0.1.0"
