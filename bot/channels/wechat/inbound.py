"""What WeChat followers send, handed to the same use cases as every channel's (TextInbox).

A message opens WeChat's window (48 hours, 5 messages); a follow, a QR scan or a menu click
opens its short allowance. The person is answered first (danger advice, the next question, a
command's reply go ahead of anything held), then what was held while the window was closed
goes, as far as the allowance reaches. What they sent is read so:
- a click on a menu choice (`bizmsgmenuid`) answers that choice; typed words are read as on
  every plain-text channel (danger first, then what waits for them);
- a reply that only fetches what a notice announced ("好", "查看") is not read as an answer
  to a question the patient has not seen yet; a command word is run; other words are
  recorded for staff;
- voice notes, photos and videos are fetched at once (WeChat keeps them three days) and
  relayed to staff as files;
- a QR scan opens the invite it carries, unfollowing withdraws consent, the custom menu's
  items are the channel's commands.
"""

from __future__ import annotations

import functools
import logging
import re
from pathlib import Path

from bot.channels.text.inbox import TextInbox
from bot.channels.text.reading import normalized
from bot.channels.wechat.channel import WeChatChannel
from bot.channels.wechat.events import EventName, WeChatEvent
from bot.channels.wechat.faults import WeChatError
from bot.channels.wechat.menu import MENU_COMMANDS
from bot.channels.wechat.ports import MediaSource
from bot.domain.channel_messages import Address, ChannelName, Media, MediaKind, SendFault
from bot.domain.data_files import parse_yaml
from bot.domain.patient_messages import PatientMessage, PatientMessageKind
from bot.services.inbox import take_patient_message
from bot.services.triage_actions import take_alarming_text
from bot.templating import MESSAGES_DIR

log = logging.getLogger(__name__)
RESUME_WORDS_FILE = MESSAGES_DIR / "understanding" / "resume_words.yaml"
WORD_BREAKS = re.compile(r"[\s,，。.!！、~～…]+")
SCENE_PREFIX = "qrscene_"  # a new follower's scan: EventKey=qrscene_<scene>
# WeChat's media kinds: what the patient message is, how staff get the file
MEDIA = {
    "voice": (PatientMessageKind.VOICE, MediaKind.DOCUMENT, "voice.amr"),
    "image": (PatientMessageKind.PHOTO, MediaKind.PHOTO, "photo.jpg"),
    "video": (PatientMessageKind.VIDEO, MediaKind.DOCUMENT, "video.mp4"),
    "shortvideo": (PatientMessageKind.VIDEO, MediaKind.DOCUMENT, "video.mp4"),
}
IGNORED_EVENTS = frozenset({EventName.VIEW, EventName.TEMPLATE_SENT, EventName.LOCATION})


@functools.cache
def resume_words(path: Path = RESUME_WORDS_FILE) -> frozenset[str]:
    """Return the short replies that only ask for what a notice announced (folded)."""
    listed = parse_yaml(path.read_text(encoding="utf-8"))
    return frozenset(normalized(str(word)) for words in listed.values() for word in words)


def only_resumes(folded: str) -> bool:
    """Say whether a folded reply is nothing but resume words ("收到,谢谢")."""
    pieces = [piece for piece in WORD_BREAKS.split(folded) if piece]
    return bool(pieces) and all(piece in resume_words() for piece in pieces)


class WeChatInbound:
    """Takes WeChat's callbacks (already verified, decrypted and de-duplicated)."""

    def __init__(self, inbox: TextInbox, channel: WeChatChannel, media_source: MediaSource):
        self.inbox, self.channel, self.media_source = inbox, channel, media_source
        self.services = inbox.services

    async def handle(self, event: WeChatEvent) -> None:
        """Act on one message or event from a follower."""
        address = Address(ChannelName.WECHAT, event.openid)
        chat = await self.services.store.channel_chats.key_for(address)
        if event.msg_type == "event":
            await self._event(address, chat, event)
        else:
            await self._message(address, chat, event)

    async def _message(self, address: Address, chat: int, event: WeChatEvent) -> None:
        """Answer the person first (danger advice, the next question, a command's reply go
        ahead of anything held), then send what was held for them."""
        await self.services.store.channel_windows.opened(chat, self.services.clock.now())
        resumed = await self.services.store.channel_windows.held_count(chat) > 0
        async with self.channel.ahead_of_held(chat):
            if event.msg_type == "text" and event.bizmsgmenuid:
                await self.inbox.receive_choice(address, event.bizmsgmenuid)
            elif event.msg_type == "text":
                await self._text(address, chat, event.content or "", resumed)
            elif event.msg_type in MEDIA:
                await self.inbox.receive_media(address, await self._media(event))
            else:  # a location, a link, a file: staff see that something came
                await self.inbox.receive_media(address, PatientMessage(PatientMessageKind.OTHER))
        await self.channel.release_held(chat)

    async def _text(self, address: Address, chat: int, text: str, resumed: bool) -> None:
        if not resumed:
            await self.inbox.receive(address, text)
            return
        folded = normalized(text)
        if await take_alarming_text(self.services, chat, text) or only_resumes(folded):
            return
        if (command := self.inbox.commands.get(folded)) is not None:
            await self.inbox.command(address, command)
        else:  # words of their own, not an answer to what they had not seen: for staff
            message = PatientMessage(PatientMessageKind.TEXT, text)
            await take_patient_message(self.services, chat, message)

    async def _media(self, event: WeChatEvent) -> PatientMessage:
        """Fetch the file now; a file WeChat would not give is still recorded as sent."""
        kind, shown_as, filename = MEDIA[event.msg_type]
        if event.media_id is None:
            return PatientMessage(kind)
        try:
            content, _type = await self.media_source.get_media(event.media_id)
        except (SendFault, WeChatError) as error:
            log.warning("wechat media not fetched: %s", type(error).__name__)
            return PatientMessage(kind, file_id=event.media_id)
        attachment = Media(shown_as, content=content, filename=filename)
        return PatientMessage(kind, file_id=event.media_id, attachment=attachment)

    async def _event(self, address: Address, chat: int, event: WeChatEvent) -> None:
        name, key = event.event or "", event.event_key or ""
        if name == EventName.UNSUBSCRIBE:
            await self.services.store.channel_windows.forget(chat)
            await self.inbox.withdraw(address)
            return
        if name in IGNORED_EVENTS:
            return
        await self.services.store.channel_windows.event_opened(chat, self.services.clock.now())
        async with self.channel.ahead_of_held(chat):
            if name == EventName.SUBSCRIBE and key.startswith(SCENE_PREFIX):
                await self.inbox.open_invite(address, key.removeprefix(SCENE_PREFIX))
            elif name == EventName.SCAN and key:
                await self.inbox.open_invite(address, key)
            elif name == EventName.SUBSCRIBE:
                await self.inbox.command(address, "start")
            elif name == EventName.CLICK and key in MENU_COMMANDS:
                await self.inbox.command(address, MENU_COMMANDS[key])
        await self.channel.release_held(chat)
