"""Per-server settings (/setup) and the publishing policy they imply."""
