"""Takeaways: best practices and personal lessons, and the votes on them."""
