"""Discord-facing helpers shared by the cogs: base views, checks, render budgets."""
