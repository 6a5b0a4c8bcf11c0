"""A local Discord (REST v10 + gateway) for end-to-end tests, benchmarks and the playground.

The real, unmodified discord.py client connects to it after two redirects
(`Simulator.redirect_client()`); tests then act as members (`sim.command`, `sim.click`, ...)
and assert on the bot's `Reply`. Never imports the bot: only aiohttp, jsonschema and, lazily,
discord.py itself.
"""

from .faults import Fault, Faults
from .gateway import NoGatewaySession
from .guild import Guild
from .interactions import Violation, ViolationError
from .limits import MentionPolicy
from .models import Channel, Member, Message, Role, User
from .payloads import InvalidInput, UnknownCommand
from .permissions import FLAGS as PERMISSIONS
from .reply import Button, MessageView, Modal, ModalField, Reply, SelectMenu
from .rest import RequestRecord
from .simulator import Simulator
from .world import World

__all__ = [
    "PERMISSIONS",
    "Button",
    "Channel",
    "Fault",
    "Faults",
    "Guild",
    "InvalidInput",
    "Member",
    "MentionPolicy",
    "Message",
    "MessageView",
    "Modal",
    "ModalField",
    "NoGatewaySession",
    "Reply",
    "RequestRecord",
    "Role",
    "SelectMenu",
    "Simulator",
    "UnknownCommand",
    "User",
    "Violation",
    "ViolationError",
    "World",
]
