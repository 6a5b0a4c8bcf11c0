"""Concepts: lookups, autocomplete, full-text search, edits, seeding and the missed-lookup log."""
