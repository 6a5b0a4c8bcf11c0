"""A PLAIN discord.py bot (no Nexus code) exercising every interaction kind."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.simulator.testing import fast_client_options

TOPICS = ["caching", "cache invalidation", "cors", "closures", "concurrency", "currying"]


class PingView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=30)
        self.add_item(discord.ui.Button(label="Docs", url="https://example.invalid/docs"))

    @discord.ui.button(label="Again", custom_id="again", style=discord.ButtonStyle.primary)
    async def again(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.edit_message(content="pong again", view=self)

    @discord.ui.button(label="Later", custom_id="later")
    async def later(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.defer()
        await interaction.edit_original_response(content="edited later", view=None)

    @discord.ui.button(label="Chan", custom_id="chan", row=1)
    async def chan(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.defer()
        assert interaction.message is not None
        await interaction.message.edit(content="edited via channel")

    @discord.ui.button(label="Off", custom_id="off", disabled=True, row=1)
    async def off(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.send_message("never")


class PickView(discord.ui.View):
    @discord.ui.select(
        custom_id="colour",
        options=[discord.SelectOption(label=c, value=c) for c in ("red", "green", "blue")],
    )
    async def colour(
        self, interaction: discord.Interaction, select: discord.ui.Select[Any]
    ) -> None:
        await interaction.response.send_message(f"picked {','.join(select.values)}", ephemeral=True)


class WhoView(discord.ui.View):
    @discord.ui.select(cls=discord.ui.UserSelect, custom_id="who", max_values=2)
    async def who(
        self, interaction: discord.Interaction, select: discord.ui.UserSelect[Any]
    ) -> None:
        names = ",".join(sorted(u.display_name for u in select.values))
        await interaction.response.send_message(f"chose {names}")


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    topic: discord.ui.TextInput[FeedbackModal] = discord.ui.TextInput(
        label="Title", custom_id="title", max_length=100
    )
    body: discord.ui.TextInput[FeedbackModal] = discord.ui.TextInput(
        label="Body", custom_id="body", style=discord.TextStyle.long, required=False
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            f"thanks for {self.topic.value}: {self.body.value}", ephemeral=True
        )


class LabelledModal(discord.ui.Modal, title="Report"):
    """The 2.7 layout: Label components wrapping a text input and a select."""

    reason: discord.ui.Label[Any] = discord.ui.Label(
        text="Reason", component=discord.ui.TextInput(custom_id="reason", min_length=3)
    )
    severity: discord.ui.Label[Any] = discord.ui.Label(
        text="Severity",
        component=discord.ui.Select(
            custom_id="severity",
            options=[discord.SelectOption(label=s, value=s) for s in ("low", "high")],
        ),
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        text = self.reason.component
        select = self.severity.component
        assert isinstance(text, discord.ui.TextInput) and isinstance(select, discord.ui.Select)
        await interaction.response.send_message(f"report {text.value} ({select.values[0]})")


challenge = app_commands.Group(name="challenge", description="Challenges")


@challenge.command(name="share", description="Share a challenge")
async def challenge_share(
    interaction: discord.Interaction, title: str, public: bool = False
) -> None:
    await interaction.response.send_message(f"shared {title}", ephemeral=not public)


@challenge.command(name="list", description="List challenges")
async def challenge_list(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("no challenges yet")


class PlainBot(commands.Bot):
    def __init__(self, *, sync_guild: int | None = None, **options: Any) -> None:
        intents = discord.Intents.default()
        intents.message_content = True
        super().__init__(command_prefix="!", intents=intents, **fast_client_options(**options))
        self.sync_guild = sync_guild
        self.seen_messages: list[discord.Message] = []
        self.events: list[str] = []

    async def setup_hook(self) -> None:
        tree = self.tree
        tree.add_command(challenge)
        for cmd in _commands():
            tree.add_command(cmd)
        if self.sync_guild is not None:
            guild = discord.Object(self.sync_guild)
            tree.copy_global_to(guild=guild)
            await tree.sync(guild=guild)
        else:
            await tree.sync()

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot:
            return
        self.seen_messages.append(message)
        if message.content == "!hello":
            await message.channel.send(f"hello {message.author.display_name}")

    async def on_resumed(self) -> None:
        self.events.append("resumed")

    async def on_ready(self) -> None:
        self.events.append("ready")


def _commands() -> list[Any]:
    @app_commands.command(description="Ping")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong", view=PingView())

    @app_commands.command(description="Look up a concept")
    async def concept(interaction: discord.Interaction, name: str) -> None:
        await interaction.response.send_message(f"concept: {name}")

    @concept.autocomplete("name")
    async def concept_auto(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if current == "many":
            return [app_commands.Choice(name=f"c{i}", value=f"c{i}") for i in range(26)]
        return [app_commands.Choice(name=t, value=t) for t in TOPICS if t.startswith(current)]

    @app_commands.command(description="Slow answer")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await asyncio.sleep(0.05)
        await interaction.followup.send("done")
        await interaction.followup.send("second", ephemeral=True)

    @app_commands.command(description="Give feedback")
    async def feedback(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(FeedbackModal())

    @app_commands.command(description="Report something")
    async def report(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(LabelledModal())

    @app_commands.command(description="Pick a colour")
    async def pick(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pick one", view=PickView())

    @app_commands.command(description="Open a pairing thread")
    async def pair(interaction: discord.Interaction, partner: discord.Member) -> None:
        assert isinstance(interaction.channel, discord.TextChannel)
        thread = await interaction.channel.create_thread(
            name=f"pair-{partner.name}", type=discord.ChannelType.private_thread
        )
        await thread.add_user(partner)
        mentions = discord.AllowedMentions(users=[partner])
        await thread.send(f"welcome {partner.mention}", allowed_mentions=mentions)
        await interaction.response.send_message(f"thread {thread.id}", ephemeral=True)

    @app_commands.command(description="DM me")
    async def dm(interaction: discord.Interaction) -> None:
        try:
            await interaction.user.send("hello in DM")
        except discord.Forbidden as exc:
            await interaction.response.send_message(f"cannot DM: {exc.code}", ephemeral=True)
            return
        await interaction.response.send_message("sent", ephemeral=True)

    @app_commands.command(description="Choose people")
    async def who(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("who?", view=WhoView())

    @app_commands.command(description="Upload files")
    async def upload(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            "here", file=discord.File(io.BytesIO(b"notes"), filename="notes.txt")
        )
        assert isinstance(interaction.channel, discord.TextChannel)
        await interaction.channel.send(
            "and here", file=discord.File(io.BytesIO(b"more"), filename="more.txt")
        )

    @app_commands.command(description="Discuss a message in a thread")
    async def discuss(interaction: discord.Interaction, message_id: str) -> None:
        assert isinstance(interaction.channel, discord.TextChannel)
        message = await interaction.channel.fetch_message(int(message_id))
        thread = await message.create_thread(name="discussion")
        await thread.send("let's talk")
        await interaction.response.send_message(f"thread {thread.id}")

    @app_commands.command(description="Say text in the channel")
    async def say(interaction: discord.Interaction, text: str, everyone: bool = False) -> None:
        await interaction.response.defer(ephemeral=True)
        assert interaction.channel is not None and not isinstance(
            interaction.channel, discord.ForumChannel
        )
        mentions = discord.AllowedMentions(everyone=True) if everyone else discord.utils.MISSING
        try:
            await interaction.channel.send(text, allowed_mentions=mentions)  # type: ignore[union-attr]
        except discord.HTTPException as exc:
            await interaction.followup.send(f"failed: {type(exc).__name__} {exc.status} {exc.code}")
            return
        await interaction.followup.send("said")

    @app_commands.command(description="Post into a channel by id")
    async def post(interaction: discord.Interaction, channel_id: str, text: str) -> None:
        target = interaction.client.get_partial_messageable(int(channel_id))
        try:
            await target.send(text)
        except discord.HTTPException as exc:
            await interaction.response.send_message(
                f"failed: {type(exc).__name__} {exc.status} {exc.code}"
            )
            return
        await interaction.response.send_message("posted")

    @app_commands.command(description="Answer late")
    async def sleepy(interaction: discord.Interaction, seconds: float) -> None:
        await asyncio.sleep(seconds)
        await interaction.response.send_message("finally")

    @app_commands.command(description="A huge embed")
    async def bigembed(interaction: discord.Interaction) -> None:
        embed = discord.Embed(title="t", description="d" * 4000)
        for i in range(3):
            embed.add_field(name=f"f{i}", value="v" * 1000)
        await interaction.response.send_message(embed=embed)

    @app_commands.command(description="Echo resolved options")
    async def info(
        interaction: discord.Interaction,
        user: discord.Member,
        role: discord.Role,
        channel: discord.TextChannel,
        count: int,
        ratio: float,
        flag: bool,
    ) -> None:
        perms = interaction.permissions.manage_messages
        await interaction.response.send_message(
            f"{user.display_name}|{role.name}|{channel.name}|{count}|{ratio}|{flag}|{perms}"
        )

    @app_commands.context_menu(name="Save as challenge")
    async def save(interaction: discord.Interaction, message: discord.Message) -> None:
        await interaction.response.send_message(f"saved: {message.content}", ephemeral=True)

    @app_commands.context_menu(name="Greet")
    async def greet(interaction: discord.Interaction, member: discord.Member) -> None:
        await interaction.response.send_message(f"hi {member.display_name}")

    return [
        ping,
        concept,
        slow,
        feedback,
        report,
        pick,
        pair,
        dm,
        say,
        post,
        sleepy,
        bigembed,
        info,
        save,
        greet,
        who,
        upload,
        discuss,
    ]


class ShardedBot(commands.AutoShardedBot):
    """A plain AutoShardedBot answering /whereami with the shard that handled it."""

    def __init__(self, **options: Any) -> None:
        super().__init__(
            command_prefix="!", intents=discord.Intents.default(), **fast_client_options(**options)
        )

    async def setup_hook(self) -> None:
        @app_commands.command(description="Which shard am I on?")
        async def whereami(interaction: discord.Interaction) -> None:
            assert interaction.guild is not None
            await interaction.response.send_message(f"shard {interaction.guild.shard_id}")

        self.tree.add_command(whereami)
        await self.tree.sync()
