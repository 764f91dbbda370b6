"""The WeChat service-account (服务号) channel: callbacks in, customer-service messages and
notices out.

wechatpy (1.8.18, last released 2021-11) covers the crypto, the XML and most endpoints, but it
is synchronous (requests) and its async support was requested upstream and never shipped; the
worker is asyncio throughout. It is not used: `cryptography` does the AES of safe mode,
`defusedxml` parses the untrusted callbacks, and a thin aiohttp client calls the few endpoints
the channel needs (api.py).
"""
