"""Moderator curation: the review queue, approve/reject/edit/feature/merge, flags, the audit log."""

from bot.services.moderation.actions import REASON_MAX, ActionResult, Actor, approve, edit, reject
from bot.services.moderation.audit import ACTIONS, AuditEntry, AuditPage, list_audit
from bot.services.moderation.author_edits import (
    AUTHOR_FIELDS,
    AuthorEdit,
    OwnEntry,
    edit_own,
    own_entry,
)
from bot.services.moderation.authors import REMOVABLE, AuthorResult, consent, own_entries, withdraw
from bot.services.moderation.entries import EDITABLE_FIELDS, OPTIONAL_FIELDS, kind_label
from bot.services.moderation.flags import FLAG_REASONS, check_flaggable, flag_entry
from bot.services.moderation.merging import MergeResult, merge
from bot.services.moderation.notices import (
    NOTICE_KINDS,
    NOTICE_WINDOW,
    HeldNotices,
    Notice,
    claim_held,
    claim_notice,
    due_held,
    notice_kinds,
    release_notice,
    set_notice_kinds,
)
from bot.services.moderation.notify import (
    DM_RETRY_AFTER,
    dm_wanted,
    get_dm_notifications,
    record_dm_closed,
    record_dm_delivered,
    set_dm_notifications,
)
from bot.services.moderation.queue import (
    FLAG_WEIGHT,
    AnsweredChallenge,
    QueueItem,
    QueuePage,
    get_entry,
    get_queue_page,
    search_entries,
)
from bot.services.moderation.visibility import hide, restore, toggle_feature

__all__ = [
    "AUTHOR_FIELDS",
    "AuthorEdit",
    "OwnEntry",
    "edit_own",
    "own_entry",
    "NOTICE_KINDS",
    "NOTICE_WINDOW",
    "HeldNotices",
    "Notice",
    "claim_held",
    "claim_notice",
    "due_held",
    "get_dm_notifications",
    "notice_kinds",
    "release_notice",
    "set_notice_kinds",
    "ACTIONS",
    "DM_RETRY_AFTER",
    "ActionResult",
    "AnsweredChallenge",
    "AuthorResult",
    "REMOVABLE",
    "consent",
    "own_entries",
    "withdraw",
    "Actor",
    "AuditEntry",
    "AuditPage",
    "EDITABLE_FIELDS",
    "FLAG_REASONS",
    "FLAG_WEIGHT",
    "MergeResult",
    "OPTIONAL_FIELDS",
    "QueueItem",
    "QueuePage",
    "REASON_MAX",
    "approve",
    "check_flaggable",
    "dm_wanted",
    "edit",
    "flag_entry",
    "get_entry",
    "get_queue_page",
    "hide",
    "kind_label",
    "list_audit",
    "merge",
    "record_dm_closed",
    "record_dm_delivered",
    "reject",
    "restore",
    "search_entries",
    "set_dm_notifications",
    "toggle_feature",
]
