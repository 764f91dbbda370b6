"""Staff commands in private chat: /invite HOSPITAL_NO shows a patient's enrolment link."""

from __future__ import annotations

import io

from telegram import Update

from bot.channels.telegram.context import AppContext
from bot.channels.telegram.handlers.access import member_allowed, patient_in_scope
from bot.channels.telegram.handlers.replies import send, send_text, text_of
from bot.channels.telegram.links import bot_username
from bot.domain.channel_messages import Media, MediaKind, Outgoing
from bot.domain.roles import Permission
from bot.services.invitations import InviteRefused, issue_invite
from bot.storage.audit import Actor


async def on_invite(update: Update, context: AppContext) -> None:
    """Issue an invite for a patient, for staff allowed to see that patient's department."""
    assert update.effective_chat is not None and update.effective_user is not None
    chat_id = update.effective_chat.id
    services = context.services
    member = await member_allowed(update, context, Permission.ISSUE_INVITES)
    if member is None:
        return
    if len(context.args or []) != 1:
        await send(context, chat_id, "staff/invite_usage")
        return
    hospital_no = (context.args or [""])[0]
    episode = await patient_in_scope(
        context, chat_id, member, Permission.ISSUE_INVITES, hospital_no
    )
    if episode is None:
        return
    now = services.clock.now()
    try:
        issued = await issue_invite(
            services.store,
            episode,
            now,
            services.settings.invite_ttl_days,
            Actor.staff(member.user_id),
        )
    except InviteRefused as refused:
        await send(
            context, chat_id, "staff/not_invitable", hospital_no=hospital_no, reason=refused.reason
        )
        return
    link = issued.link(await bot_username(services.store, context.bot, now))
    caption = text_of(
        context,
        "staff/invite_link",
        hospital_no=hospital_no,
        name=episode.name,
        department=episode.department,
        link=link,
        days=services.settings.invite_ttl_days,
    )
    import segno  # the QR code library: loaded at the first invite, not at start-up

    png = io.BytesIO()
    segno.make(link, error="m").save(png, kind="png", scale=8, border=4)
    code = Media(MediaKind.PHOTO, content=png.getvalue())
    await send_text(context, chat_id, Outgoing(caption, media=code))
