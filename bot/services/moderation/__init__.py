"""Moderator curation: the review queue, approve/reject/edit/feature/merge, flags, the audit log."""
