"""An async client for the WeChat endpoints the channel calls (JSON in and out, over one
aiohttp session: bot.channels.http).

Errcodes become the faults of faults.py; a rejected token is renewed once and the call
made again. Nothing here logs a token, a payload or WeChat's errmsg (it may echo content).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.channels.http import ApiSession, NoAnswer, Reply
from bot.channels.wechat.faults import (
    TOKEN_REJECTED,
    WeChatError,
    fault_of,
    raise_for,
    transport_fault,
)
from bot.channels.wechat.token import SharedToken
from bot.domain.channel_messages import FaultKind, SendFault
from bot.domain.clock import Clock
from bot.settings import WeChatAccount
from bot.storage.channel_tokens import ChannelTokenRepository, StoredToken

READ_TIMEOUT = 10.0  # seconds
JSON_TYPES = ("application/json", "text/plain")


@dataclass(frozen=True)
class QrCode:
    ticket: str
    url: str  # the content of the QR code (render it as an image, or show it via showqrcode)
    expire_seconds: int


def token_key(app_id: str) -> str:
    """Return the key under which an account's token is shared."""
    return f"wechat:{app_id}"


def _answer(response: Reply) -> dict[str, Any]:
    """Return a JSON answer; raise what its errcode means (faults.raise_for)."""
    if response.status_code >= 500:
        raise transport_fault("server_error", response.status_code)
    try:
        data = json.loads(response.content)
    except ValueError:
        raise transport_fault("not_json", response.status_code) from None
    if not isinstance(data, dict):
        raise transport_fault("not_json", response.status_code)
    raise_for(int(data.get("errcode", 0)))
    return data


class WeChatApi:
    """One service account's calls; `close()` when done (or use `async with`)."""

    def __init__(
        self,
        account: WeChatAccount,
        tokens: ChannelTokenRepository,
        clock: Clock,
        read_timeout: float = READ_TIMEOUT,
    ) -> None:
        self._account, self._clock = account, clock
        self._base = account.api_base.rstrip("/")
        self._http = ApiSession(read_timeout)
        self._token = SharedToken(token_key(account.app_id), tokens, self._fetch_token, clock)

    async def __aenter__(self) -> WeChatApi:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the HTTP connections."""
        await self._http.close()

    async def _request(self, method: str, path: str, **kwargs: Any) -> Reply:
        """Make one call; a timeout or a lost connection is a RETRY fault."""
        try:
            return await self._http.request(method, self._base + path, **kwargs)
        except NoAnswer as error:
            raise transport_fault("timeout" if error.timed_out else "connection") from None

    def _credentials(self) -> dict[str, str]:
        return {
            "grant_type": "client_credential",
            "appid": self._account.app_id,
            "secret": self._account.app_secret,
        }

    async def _fetch_token(self) -> StoredToken:
        response = await self._request("GET", "/cgi-bin/token", params=self._credentials())
        try:
            return self._token_of(_answer(response))
        except WeChatError as error:  # 40001 here: a wrong AppSecret, not a stale token
            raise fault_of(error.errcode) from None

    def _token_of(self, data: dict[str, Any]) -> StoredToken:
        expires = self._clock.now() + timedelta(seconds=int(data["expires_in"]))
        return StoredToken(str(data["access_token"]), expires)

    async def access_token(self) -> str:
        """Return the account's access token (the shared one while it is fresh)."""
        return await self._token.get()

    async def token_errcode(self) -> int:
        """Fetch a token now (`followup check`): 0 if WeChat gave one, else the errcode.

        The new token is stored for the workers: WeChat retires the one before it.
        """
        response = await self._request("GET", "/cgi-bin/token", params=self._credentials())
        errcode = _errcode(response)
        if errcode == 0:
            await self._token.adopt(self._token_of(_answer(response)))
        return errcode

    async def _call(self, method: str, path: str, **kwargs: Any) -> Reply:
        """Call with the shared token; renew it once if WeChat rejects it."""
        token = await self._token.get()
        response = await self._with_token(method, path, token, **kwargs)
        if _errcode(response) in TOKEN_REJECTED:
            token = await self._token.renew(token)
            response = await self._with_token(method, path, token, **kwargs)
            if _errcode(response) in TOKEN_REJECTED:
                raise SendFault(FaultKind.RETRY, "wechat_token_rejected")
        return response

    async def _with_token(self, method: str, path: str, token: str, **kwargs: Any) -> Reply:
        params = {**kwargs.pop("params", {}), "access_token": token}
        return await self._request(method, path, params=params, **kwargs)

    async def _post_json(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(payload, ensure_ascii=False).encode()  # WeChat shows \\u escapes
        headers = {"Content-Type": "application/json; charset=utf-8"}
        return _answer(await self._call("POST", path, data=body, headers=headers))

    async def send_custom(self, payload: dict[str, Any]) -> None:
        """Send a customer-service message (text, image, msgmenu...) inside the window."""
        await self._post_json("/cgi-bin/message/custom/send", payload)

    async def send_template(
        self, openid: str, template_id: str, data: dict[str, str], url: str | None
    ) -> str:
        """Send a notice (template message); return WeChat's msgid."""
        payload: dict[str, Any] = {
            "touser": openid,
            "template_id": template_id,
            "data": {name: {"value": value} for name, value in data.items()},
        }
        if url:
            payload["url"] = url
        answer = await self._post_json("/cgi-bin/message/template/send", payload)
        return str(answer["msgid"])

    async def create_qr(self, scene: str, expire_seconds: int) -> QrCode:
        """Create a temporary parametric QR code carrying a scene string (≤ 64 characters)."""
        payload = {
            "expire_seconds": expire_seconds,
            "action_name": "QR_STR_SCENE",
            "action_info": {"scene": {"scene_str": scene}},
        }
        answer = await self._post_json("/cgi-bin/qrcode/create", payload)
        return QrCode(str(answer["ticket"]), str(answer["url"]), int(answer["expire_seconds"]))

    async def get_media(self, media_id: str) -> tuple[bytes, str]:
        """Download a user's voice or image by MediaId; return its bytes and content type."""
        params = {"media_id": media_id}
        response = await self._call("GET", "/cgi-bin/media/get", params=params)
        if _is_json(response) or response.status_code >= 500:
            _answer(response)
        return response.content, response.content_type or "application/octet-stream"

    async def upload_media(self, kind: str, content: bytes, filename: str) -> str:
        """Upload temporary media (image, voice...) to send; return its media_id."""
        import aiohttp

        form = aiohttp.FormData()
        form.add_field("media", content, filename=filename)
        response = await self._call(
            "POST", "/cgi-bin/media/upload", params={"type": kind}, data=form
        )
        return str(_answer(response)["media_id"])

    async def create_menu(self, menu: dict[str, Any]) -> None:
        """Replace the account's custom menu (3 top-level buttons × 5 sub-buttons)."""
        await self._post_json("/cgi-bin/menu/create", menu)


def _errcode(response: Reply) -> int:
    """Return the errcode of a JSON answer (0 when it has none or is not JSON)."""
    if not _is_json(response):
        return 0
    try:
        data = json.loads(response.content)
    except ValueError:
        return 0
    return int(data.get("errcode", 0)) if isinstance(data, dict) else 0


def _is_json(response: Reply) -> bool:
    return response.content_type.startswith(JSON_TYPES) or response.content[:1] == b"{"
