"""Curated mini-projects that need both a frontend and a backend learner.

Each project names concepts from the base knowledge base (data/concepts); a test checks
every name exists there. A pair gets the project whose keywords best match the members'
stacks and goals; ties rotate deterministically so not every pair gets the same one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Project:
    key: str
    title: str
    frontend: str
    backend: str
    keywords: frozenset[str]
    concepts: tuple[str, ...]


def _p(key: str, title: str, fe: str, be: str, kw: str, concepts: tuple[str, ...]) -> Project:
    return Project(key, title, fe, be, frozenset(kw.split()), concepts)


PROJECTS: tuple[Project, ...] = (
    _p(
        "cached-api",
        "An API with caching + a page that consumes it",
        "a page that fetches the data, shows loading/error states and how fast it came back",
        "a small JSON API over a slow data source, with a cache and sensible invalidation",
        "cache caching redis api rest performance django fastapi fetch",
        ("Caching", "Redis", "Cache Invalidation", "Fetch API", "HTTP Caching"),
    ),
    _p(
        "auth-notes",
        "A notes app with log-in",
        "sign-up/log-in forms, keeping the session, hiding pages from anonymous users",
        "user accounts, hashed passwords, sessions or JWT, per-user permissions",
        "auth authentication login jwt session security users permissions",
        (
            "Authentication vs Authorization",
            "JWT",
            "Session Authentication",
            "Role-Based Access Control",
        ),
    ),
    _p(
        "paginated-feed",
        "An infinite-scroll feed",
        "a feed that loads more items as you scroll, with an empty and an end state",
        "a paginated endpoint (cursor or page numbers) over a table with an index",
        "pagination feed scroll list database sql postgres react vue infinite",
        ("Pagination", "REST API Design", "Database Indexes", "Consuming JSON APIs"),
    ),
    _p(
        "job-status",
        "A report generator with progress",
        "a button that starts a report and a progress view that polls until it is ready",
        "a background job queue that builds the report and exposes its status",
        "celery queue background jobs async worker rabbitmq redis tasks",
        ("Background Jobs", "Celery", "Message Queues", "HTTP Status Codes"),
    ),
    _p(
        "graphql-catalog",
        "A product catalogue over GraphQL",
        "a catalogue page with filters that asks for exactly the fields it shows",
        "a GraphQL schema with resolvers that avoid the N+1 problem",
        "graphql apollo resolvers schema graphene catalog shop products query",
        ("GraphQL", "GraphQL Resolvers", "N+1 Query Problem", "Graphene"),
    ),
    _p(
        "open-api-todo",
        "A documented to-do API with a typed client",
        "a to-do UI built from a client generated from (or typed after) the API spec",
        "a versioned REST API described with OpenAPI, validated with serializers",
        "openapi swagger typescript types rest crud todo serializers drf",
        ("OpenAPI", "REST API Design", "Serializers", "API Versioning", "HTTP Methods"),
    ),
    _p(
        "cors-widget",
        "An embeddable widget",
        "a small widget another site can embed that talks to your API",
        "an API that allows exactly the right origins (CORS) and rate-limits callers",
        "cors widget embed javascript security origins browser headers",
        ("CORS", "HTTP Methods", "Environment Variables", "Error Handling"),
    ),
    _p(
        "deploy-dashboard",
        "A deployed dashboard with CI",
        "a dashboard page with charts for a few numbers",
        "an API in a Docker container, tested and deployed by a CI pipeline",
        "docker deploy ci cd github actions devops cloud kubernetes pipeline dashboard",
        ("Docker", "CI/CD", "GitHub Actions", "Cloud Deployment", "Environment Variables"),
    ),
    _p(
        "events-board",
        "A live events board",
        "a board that updates when something happens, without a full page reload",
        "event-driven updates: publish events, consume them, expose what's new",
        "events realtime websockets live updates event driven messaging notifications",
        ("Event-Driven Architecture", "Message Queues", "Async and Await", "JSON"),
    ),
    _p(
        "tested-signup",
        "A sign-up flow built test-first",
        "form validation with friendly errors, tested in the browser",
        "an endpoint with validation and clear status codes, written test-first",
        "testing tests tdd pytest jest forms validation quality",
        ("Test-Driven Development", "pytest", "API Testing", "HTTP Status Codes"),
    ),
)

_BY_KEY = MappingProxyType({p.key: p for p in PROJECTS})


def project_by_key(key: str | None) -> Project | None:
    return _BY_KEY.get(key or "")


def pick_project(tokens: Iterable[str], salt: str) -> Project:
    """The best-matching project for these interest tokens; ties rotate by `salt`."""
    toks = set(tokens)

    def rank(p: Project) -> tuple[int, str]:
        tie = hashlib.sha256(f"{salt}:{p.key}".encode()).hexdigest()
        return (-len(p.keywords & toks), tie)

    return min(PROJECTS, key=rank)
