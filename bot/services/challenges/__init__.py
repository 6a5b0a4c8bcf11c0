"""Challenges and their solutions: capture, search, accept, 'this helped me'."""
