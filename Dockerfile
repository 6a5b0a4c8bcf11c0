# Nexus bot image: slim Python, non-root user, migrations then the bot.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_URL=sqlite+aiosqlite:////app/data/nexus.db

WORKDIR /app

RUN groupadd --system --gid 10001 nexus \
    && useradd --system --uid 10001 --gid nexus --home-dir /app nexus

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY alembic ./alembic
COPY alembic.ini ./
COPY data/concepts ./data/concepts
COPY data/synonyms.yaml ./data/synonyms.yaml

RUN pip install --no-cache-dir . && mkdir -p /app/data && chown -R 10001:10001 /app/data

USER 10001:10001
VOLUME ["/app/data"]

# `nexus run` upgrades the schema (AUTO_MIGRATE) and seeds concepts before connecting;
# the explicit `db upgrade` first makes a failed migration stop the container visibly.
CMD ["sh", "-c", "nexus db upgrade && exec nexus run"]
