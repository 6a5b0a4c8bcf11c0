"""The weekly digest: what a server learned, composed, scheduled and posted exactly once."""
