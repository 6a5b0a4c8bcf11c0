"""Pure renderers for curation: queue pages, action results, the audit log, DMs."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import discord

from bot.services.moderation import (
    FLAG_REASONS,
    FLAG_WEIGHT,
    ActionResult,
    AnsweredChallenge,
    AuditEntry,
    AuditPage,
    MergeResult,
    QueueItem,
    QueuePage,
    kind_label,
)
from bot.ui.render import (
    COLOUR,
    COLOUR_OK,
    COLOUR_WARN,
    CONTENT_MAX,
    add_field,
    clip,
    make_embed,
    one_line,
    set_footer,
)

BODY_PREVIEW = 1500
WEIGHT_HOURS = int(FLAG_WEIGHT.total_seconds() // 3600)


def _ts(when: Any, style: str = "R") -> str:
    return f"<t:{int(when.timestamp())}:{style}>" if when is not None else "unknown"


def verified_line(item: QueueItem) -> str | None:
    if item.kind != "concept" or not item.verified_by_name or item.verified_at is None:
        return None
    return f"Last verified by {item.verified_by_name} on {item.verified_at:%Y-%m-%d}"


def item_embed(item: QueueItem, position: str | None = None) -> discord.Embed:
    state = "Flagged" if item.status == "published" and item.open_flags else item.status.title()
    title = f"{state} {kind_label(item.kind)} #{item.entry_id}: {one_line(item.title, 180)}"
    colour = COLOUR_WARN if item.open_flags else COLOUR
    embed = make_embed(title, clip(item.body, BODY_PREVIEW) or None, colour=colour)
    if item.answers is not None:
        add_field(embed, "Answers challenge", answered_line(item.answers))
    author = one_line(item.author_name, 100) if item.author_name else "Nexus base content"
    add_field(embed, "Author", author, inline=True)
    add_field(embed, "Submitted", _ts(item.created_at), inline=True)
    if item.is_base:
        add_field(embed, "Scope", "Base concept (changes apply to this server only)", inline=True)
    if item.open_flags:
        reasons = ", ".join(
            f"{FLAG_REASONS.get(reason, reason).lower()} ×{count}"
            for reason, count in item.flag_reasons
        )
        add_field(embed, f"Open flags ({item.open_flags})", reasons)
    if item.proposal:
        lines = [
            f"**{name}**: {one_line(old, 150) or '(empty)'} → {one_line(new, 300) or '(empty)'}"
            for name, old, new in item.proposal
        ]
        add_field(embed, f"Proposed changes to concept #{item.concept_id}", "\n".join(lines))
    source = item.jump_url or (f"<#{item.source_channel_id}>" if item.source_channel_id else None)
    if source:
        add_field(embed, "Source", source, inline=True)
    if item.featured:
        add_field(embed, "Featured", "yes: leads the weekly digest", inline=True)
    verified = verified_line(item)
    if verified:
        add_field(embed, "Verified", verified)
    if position:
        set_footer(embed, position)
    return embed


def answered_line(ch: AnsweredChallenge) -> str:
    title = one_line(ch.title, 180).replace("[", "(").replace("]", ")")
    linked = f"[{title}]({ch.jump_url})" if ch.jump_url else f"**{title}**"
    state = "solved" if ch.solved else "open"
    if ch.status != "published":
        state += f", {ch.status}"
    return f"#{ch.id} {linked} ({state}) · /challenge view id:{ch.id}"


def queue_embed(page: QueuePage) -> discord.Embed:
    if page.item is None:
        return make_embed(
            "The review queue is empty",
            "Nothing is pending or flagged in this server. Nice work!",
            colour=COLOUR_OK,
        )
    position = (
        f"Item {page.index + 1} of {page.total} · oldest first; each open flag counts as "
        f"{WEIGHT_HOURS} h older"
    )
    return item_embed(page.item, position)


def approve_label(item: QueueItem) -> str:
    if item.kind == "concept_edit":
        return "Apply edit"
    if item.status == "published":
        return "Keep (flags reviewed)"
    return "Approve"


def reject_label(item: QueueItem) -> str:
    return "Hide" if item.status == "published" else "Reject"


_VERBS = MappingProxyType(
    {
        "approve": "Approved",
        "keep": "Kept (flags reviewed)",
        "reject": "Rejected",
        "edit": "Edited",
        "feature": "Featured",
        "unfeature": "Un-featured",
        "hide": "Hidden",
        "restore": "Restored",
    }
)


def result_text(result: ActionResult) -> str:
    verb = _VERBS.get(result.action, result.action)
    if result.action == "reject" and result.status == "hidden":
        verb = "Hidden"
    text = f"{verb} {kind_label(result.kind)} #{result.requested_id}: {one_line(result.title, 120)}"
    if result.entry_id != result.requested_id and result.kind == "concept":
        text += f" (this server's copy is concept #{result.entry_id}; the base is unchanged)"
    if result.kind == "concept_edit" and result.action == "approve":
        text += f" (applied to concept #{result.entry_id})"
    if result.flags_resolved:
        text += f" · {result.flags_resolved} flag(s) resolved"
    if result.action == "feature":
        text += " · it will lead the weekly digest"
    return clip(text + ".", CONTENT_MAX)


def merge_text(result: MergeResult) -> str:
    moved = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in result.moved.items() if v)
    text = (
        f"Merged {result.kind} #{result.source_id} ({one_line(result.source_title, 80)}) into "
        f"#{result.target_id} ({one_line(result.target_title, 80)}). "
        f"Moved: {moved or 'nothing to move'}. The duplicate is now hidden."
    )
    return clip(text, CONTENT_MAX)


MOVED_LABELS = MappingProxyType(
    {
        "solutions": "solution(s)",
        "helped_marks": "helped-me mark(s)",
        "tags": "concept tag(s)",
        "challenge_tags": "challenge tag(s)",
        "takeaway_tags": "takeaway tag(s)",
        "lookups": "lookup(s)",
        "duplicate_tags_dropped": "duplicate tag(s) dropped",
        "flags_resolved": "flag(s) resolved",
    }
)


def _merge_summary(entry: AuditEntry) -> str:
    """A merge as a moderator reads it: where the duplicate went and what moved."""
    after = entry.after or {}
    source = after.get("source") if isinstance(after.get("source"), dict) else {}
    survivor = after.get("target_id") or (source or {}).get("merged_into_id")
    kind = kind_label(entry.entry_kind) if entry.entry_kind else "entry"
    text = f"Merged into {kind} #{survivor}; the duplicate is hidden."
    moved = after.get("moved") if isinstance(after.get("moved"), dict) else {}
    parts = [
        f"{n} {MOVED_LABELS.get(k, k.replace('_', ' '))}"
        for k, n in (moved or {}).items()
        if isinstance(n, int) and n
    ]
    if parts:
        text += f" Moved: {', '.join(parts)}."
    target_before = (entry.before or {}).get("target") or {}
    target_after = after.get("target") or {}
    if isinstance(target_before, dict) and isinstance(target_after, dict):
        if target_after.get("solved") and not target_before.get("solved"):
            text += " The survivor is now solved."
    return text


def _changes(entry: AuditEntry) -> str:
    if entry.action == "merge":
        return _merge_summary(entry)
    before, after = entry.before or {}, entry.after or {}
    parts = []
    for key in list(dict.fromkeys([*before, *after])):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        parts.append(f"{key.replace('_', ' ')}: {_short(old)} → {_short(new)}")
    return "; ".join(parts)


def _text(value: Any) -> str:
    """A stored value in words: lists joined, mappings as `key: value`, never JSON."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return ", ".join(f"{str(k).replace('_', ' ')}: {_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value) or "(none)"
    return str(value)


def _short(value: Any) -> str:
    limit = 120 if isinstance(value, dict | list | tuple) else 80
    return one_line(_text(value), limit)


def log_line(entry: AuditEntry) -> tuple[str, str]:
    target = f"{kind_label(entry.entry_kind)} #{entry.entry_id}" if entry.entry_kind else ""
    name = one_line(f"{entry.action} {target} · {entry.actor_name}", 200)
    value = _ts(entry.created_at)
    changes = _changes(entry)
    if changes:
        value += f"\n{changes}"
    if entry.reason:
        value += f"\nReason: {entry.reason}"
    return name, clip(value, 1000)


def log_embed(page: AuditPage, kind: str | None, action: str | None) -> discord.Embed:
    filters = ", ".join(f for f in (kind, action) if f)
    title = "Moderation log" + (f" ({filters})" if filters else "")
    if not page.entries:
        return make_embed(
            title, "No moderator actions recorded yet." if page.page == 0 else "No more entries."
        )
    embed = make_embed(title)
    for entry in page.entries:
        name, value = log_line(entry)
        add_field(embed, name, value)
    pages = max(1, -(-page.total // page.page_size))
    set_footer(embed, f"Page {page.page + 1} of {pages} · newest first · {page.total} action(s)")
    return embed


def mirror_embed(
    actor: str, text: str, reason: str | None, *, title: str = "Moderator action"
) -> discord.Embed:
    embed = make_embed(title, text)
    add_field(embed, "By", one_line(actor, 100), inline=True)
    if reason:
        add_field(embed, "Reason", reason)
    return embed


MODERATION_SUMMARY = (
    "The moderators also hid or declined {count} more of your entries in the last minutes "
    "(not sent one by one); `/me` lists your entries with their status."
)


def rejection_dm(guild_name: str, result: ActionResult) -> str:
    what = "proposed edit" if result.kind == "concept_edit" else kind_label(result.kind)
    outcome = "was hidden" if result.status == "hidden" else "was not accepted"
    return clip(
        f"Your {what} in **{one_line(guild_name, 100)}** ({one_line(result.title, 150)}) "
        f"{outcome} by the moderators.\nReason: {result.reason}\n\n"
        "You can turn these messages off with `/notifications moderation:False` in that server.",
        CONTENT_MAX,
    )
