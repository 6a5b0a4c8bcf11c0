"""Export a server's knowledge base as a Markdown hub (`nexus export`)."""
