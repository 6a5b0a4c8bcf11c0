"""The read-only web knowledge hub (`nexus web`): services in, HTML out, no `discord`.

bot.services.web decides what is published; this package serves it with aiohttp and
Jinja2 (autoescape on), Markdown through markdown-it-py and nh3 (bot/web/markdown.py).
"""
