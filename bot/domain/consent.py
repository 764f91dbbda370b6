"""Where a consent decision was made (kept with each decision in its history)."""

from __future__ import annotations

from enum import StrEnum

from bot.domain.messages import FailureReason


class ConsentVia(StrEnum):
    INVITE = "invite"  # the enrolment link's consent question
    START = "start"  # /start by a chat that had withdrawn
    STOP = "stop"  # /stop, confirmed
    KEEP_ASKING = "keep_asking"  # "no" to "do you still want to receive messages?"
    UNSUBSCRIBE = "unsubscribe"  # unfollowed a channel where that means withdrawal (WeChat)
    WEB_PAGE = "web_page"  # confirmed on the "stop messages" web page
    SMS_STOP = "sms_stop"  # texted a stop word (TD, 退订…) back: withdrawn at once
    DISCHARGE_LIST = "discharge_list"  # 是否同意回访 on the discharge list (an SMS contact's)
    PHONE_CALL = "phone_call"  # agreed on a follow-up call (consented on the discharge list)


WITHDRAWN_REASON = (
    FailureReason.WITHDRAWN
)  # why the pending messages of a withdrawn contact were cancelled
