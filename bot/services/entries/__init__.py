"""What members contribute (challenges, solutions, takeaways).

Shared types, text rules, visibility and links.
"""
