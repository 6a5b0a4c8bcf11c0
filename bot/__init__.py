"""Nexus: the application core. Kept import-light: the simulator lives under it too."""

__version__ = "0.1.0"
