"""The one generic, profile-driven spider lives in ``bureau.py``."""
