"""WeChat patients for tests: the real bot with WeChat configured, against the fake WeChat
API on loopback; patients scan, click and type through the fake, which signs callbacks."""

from __future__ import annotations

from typing import Any

from bot.demo.fake_wechat import FakeWeChat
from bot.demo.harness import BotHarness
from bot.domain.channel_messages import Address, ChannelName
from bot.domain.enrolment import ConsentDecision
from bot.services.invitations import invite_patient
from bot.services.planning import plan_contact
from bot.storage.audit import Actor
from bot.storage.contacts import NewContact
from bot.storage.records import Contact

GROUP = -1008317
OPENID = "oPatient0000000000000000001"
CUSTOM, NOTICE = "message/custom/send", "message/template/send"


async def start_with_wechat(harness: BotHarness, group: int = GROUP) -> FakeWeChat:
    """Restart the bot with a staff group and WeChat configured against a fresh fake."""
    harness.settings = harness.settings.model_copy(update={"staff_chat_id": group})
    return await harness.with_wechat()


async def invite_qr(harness: BotHarness, hospital_no: str = "ZY001") -> str:
    """Issue an invite and its WeChat QR code as `followup invite --channel wechat` does;
    return the QR code's ticket (what the fake knows the scene by)."""
    store, now = harness.services.store, harness.clock.now()
    issued = await invite_patient(store, hospital_no, now, 30, Actor.cli())
    assert harness.app is not None and harness.app.bot_data.wechat is not None
    qr = await harness.app.bot_data.wechat.api.create_qr(issued.token, 30 * 24 * 3600)
    return qr.ticket


async def says(harness: BotHarness, text: str, openid: str = OPENID) -> None:
    """A WeChat user types a message; wait until the bot has handled it."""
    assert harness.wechat is not None
    assert await harness.wechat.user_says(openid, text) == 200
    await harness.wechat_settled()


async def clicks(harness: BotHarness, choice_id: str, openid: str = OPENID) -> None:
    """A WeChat user clicks a choice of the last msgmenu; wait until it is handled."""
    assert harness.wechat is not None
    [label] = [label for id_, label in last_menu(harness.wechat, openid) if id_ == choice_id]
    assert await harness.wechat.user_says(openid, label, bizmsgmenuid=choice_id) == 200
    await harness.wechat_settled()


async def scans(harness: BotHarness, ticket: str, new: bool = True, openid: str = OPENID) -> None:
    """A WeChat user scans a QR code (following the account, or already a follower)."""
    assert harness.wechat is not None
    assert await harness.wechat.scan(openid, ticket, new_follower=new) == 200
    await harness.wechat_settled()


async def event(
    harness: BotHarness, name: str, key: str | None = None, openid: str = OPENID
) -> None:
    """A WeChat user follows, unfollows or clicks the custom menu."""
    assert harness.wechat is not None
    assert await harness.wechat.user_event(openid, name, key) == 200
    await harness.wechat_settled()


def conversation(fake: FakeWeChat, openid: str = OPENID) -> list[dict[str, Any]]:
    """The customer-service messages that reached a user, oldest first."""
    return [call.payload for call in fake.state.sent_to(openid, CUSTOM)]


def texts(fake: FakeWeChat, openid: str = OPENID) -> list[str]:
    """The words of every conversation message a user got (a menu's head and tail)."""
    words = []
    for payload in conversation(fake, openid):
        if payload["msgtype"] == "text":
            words.append(str(payload["text"]["content"]))
        elif payload["msgtype"] == "msgmenu":
            menu = payload["msgmenu"]
            items = " ".join(str(item["content"]) for item in menu["list"])
            words.append(f"{menu['head_content']}\n{items}\n{menu.get('tail_content', '')}")
    return words


def last_menu(fake: FakeWeChat, openid: str = OPENID) -> list[tuple[str, str]]:
    """The (id, label) choices of the last msgmenu a user got."""
    menus = [p["msgmenu"] for p in conversation(fake, openid) if p["msgtype"] == "msgmenu"]
    assert menus, "no msgmenu reached the user"
    return [(str(item["id"]), str(item["content"])) for item in menus[-1]["list"]]


def menu_choice(harness: BotHarness, starts: str, openid: str = OPENID) -> str:
    """The id of the last msgmenu's choice whose label starts with these words."""
    assert harness.wechat is not None
    [found] = [i for i, label in last_menu(harness.wechat, openid) if label.startswith(starts)]
    return found


def notices(fake: FakeWeChat, openid: str = OPENID) -> list[dict[str, Any]]:
    """The notices (template messages) that reached a user, oldest first."""
    return [call.payload for call in fake.state.sent_to(openid, NOTICE)]


async def enrol_on_wechat(harness: BotHarness, openid: str, hospital_no: str) -> Contact:
    """Link a WeChat follower to a seeded patient with consent and plan it, as enrolment by
    QR code would (fast: for tests about what follows enrolment)."""
    services, now = harness.services, harness.clock.now()
    episode = await services.store.episodes.latest_for(hospital_no)
    assert episode is not None
    key = await services.store.channel_chats.key_for(Address(ChannelName.WECHAT, openid))
    new = NewContact(
        episode.patient_id,
        episode.id,
        key,
        key,
        "patient",
        None,
        "zh_CN",
        channel=ChannelName.WECHAT.value,
        handle=openid,
    )
    contact = await services.store.contacts.link(new, ConsentDecision.GRANTED, now, via="test")
    await plan_contact(services.store, services.scheduling, contact, now)
    return contact
