"""What Telegram accepts as a message with parse_mode HTML: the rules of tdlib's parse_html.

The Bot API server reads HTML with tdlib (td/telegram/MessageEntity.cpp): only its tags, a
bare `<` is an error, `&` starts an entity only when one follows, a span needs
class="tg-spoiler", end tags must match. Link targets and custom emoji ids are not checked.
"""

from __future__ import annotations

TAGS = frozenset(
    {"a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "pre", "code", "blockquote"}
    | {"tg-spoiler", "tg-emoji", "tg-time", "span"}
)
NAMED_ENTITIES = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}
SPACES = frozenset(b" \t\r\n\0\v")
NAME_TOKEN = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
DIGITS = {10: frozenset(b"0123456789"), 16: frozenset(b"0123456789abcdefABCDEF")}


class HtmlRefused(ValueError):
    """Telegram would refuse the text with "can't parse entities: <this message>"."""


def visible_text(html: str) -> str:
    """Return the text Telegram shows for an HTML message, or raise HtmlRefused like it."""
    return _Reader(html.encode("utf-8", "surrogatepass")).read()


class _Reader:
    """Walks the UTF-8 bytes as tdlib does (0 past the end, like a C string)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.shown = bytearray()
        self.open: list[str] = []

    def at(self, i: int) -> int:
        return self.data[i] if i < len(self.data) else 0

    def read(self) -> str:
        i = 0
        while i < len(self.data):
            if self.data[i] == ord("&") and (entity := self._entity(i)) is not None:
                self.shown += entity[0].encode("utf-8", "surrogatepass")
                i = entity[1]
            elif self.data[i] != ord("<"):
                self.shown.append(self.data[i])
                i += 1
            elif self.at(i + 1) == ord("/"):
                i = self._end_tag(i)
            else:
                i = self._start_tag(i)
        if self.open:
            raise HtmlRefused(f'Can\'t find end tag corresponding to start tag "{self.open[-1]}"')
        return self.shown.decode("utf-8", "replace")

    def _entity(self, start: int) -> tuple[str, int] | None:
        """Decode `&lt;`, `&#60;`, `&#x3c;` (the `;` optional), else None."""
        end, code = start + 1, 0
        if self.at(end) == ord("#"):
            base = 16 if self.at(end + 1) == ord("x") else 10
            end += 2 if base == 16 else 1
            while self.at(end) in DIGITS[base]:
                code = code * base + int(chr(self.at(end)), 16)
                end += 1
            if code == 0 or code >= 0x10FFFF or end - start >= 10:
                return None
            value = chr(code)
        else:
            while _is_letter(self.at(end)):
                end += 1
            named = NAMED_ENTITIES.get(self.data[start + 1 : end])
            if named is None:
                return None
            value = named
        return value, end + (self.at(end) == ord(";"))

    def _start_tag(self, begin: int) -> int:
        i = self._skip_name(begin + 1)
        if self.at(i) == 0:
            raise HtmlRefused(f"Unclosed start tag at byte offset {begin}")
        tag = _lower(self.data[begin + 1 : i])
        if tag not in TAGS:
            raise HtmlRefused(f'Unsupported start tag "{tag}" at byte offset {begin}')
        span_class = b""
        while self.at(i) != ord(">"):
            i = self._skip_spaces(i)
            if self.at(i) == ord(">"):
                break
            name_begin = i
            while self.at(i) not in SPACES and self.at(i) not in b"=>/\"'":
                i += 1
            name = self.data[name_begin:i]
            if not name:
                raise HtmlRefused(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
            i = self._skip_spaces(i)
            if self.at(i) != ord("="):
                if self.at(i) == 0:
                    raise HtmlRefused(f'Unclosed start tag "{tag}" at byte offset {begin}')
                continue  # an attribute without a value
            i = self._skip_spaces(i + 1)
            if self.at(i) == 0:
                raise HtmlRefused(f'Unclosed start tag "{tag}" at byte offset {begin}')
            i, value = self._attribute_value(i)
            if self.at(i) == 0:
                raise HtmlRefused(f"Unclosed start tag at byte offset {begin}")
            if name == b"class" and value.startswith(b"tg-"):
                span_class = value
        if tag == "span" and span_class != b"tg-spoiler":
            raise HtmlRefused(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
        self.open.append(tag)
        return i + 1

    def _attribute_value(self, i: int) -> tuple[int, bytes]:
        quote = self.at(i)
        if quote not in b"'\"":
            begin = i
            while self.at(i) in NAME_TOKEN:
                i += 1
            if self.at(i) not in SPACES and self.at(i) != ord(">"):
                raise HtmlRefused(f"Unexpected end of name token at byte offset {begin}")
            return i, self.data[begin:i].lower()
        begin = i = i + 1
        while self.at(i) not in (quote, 0):
            i += 1
        return i + (self.at(i) == quote), self.data[begin:i]

    def _end_tag(self, begin: int) -> int:
        if not self.open:
            raise HtmlRefused(f"Unexpected end tag at byte offset {begin}")
        i = self._skip_name(begin + 2)
        name = _lower(self.data[begin + 2 : i])
        while self.at(i) in SPACES and self.at(i) != 0:
            i += 1
        if self.at(i) != ord(">"):
            raise HtmlRefused(f"Unclosed end tag at byte offset {begin}")
        if name and name != self.open[-1]:
            raise HtmlRefused(
                f'Unmatched end tag at byte offset {begin}, expected "</{self.open[-1]}>", '
                f'found "</{name}>"'
            )
        self.open.pop()
        return i + 1

    def _skip_name(self, i: int) -> int:
        while self.at(i) not in SPACES and self.at(i) != ord(">"):
            i += 1
        return i

    def _skip_spaces(self, i: int) -> int:
        while self.at(i) != 0 and self.at(i) in SPACES:
            i += 1
        return i


def _is_letter(byte: int) -> bool:
    return ord("a") <= (byte | 0x20) <= ord("z")


def _lower(raw: bytes) -> str:
    return raw.lower().decode("utf-8", "replace")  # ASCII letters only, as tdlib does
