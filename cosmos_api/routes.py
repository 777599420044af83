"""The route table: ``(method, pattern)`` -> handler, patterns in the gateway's
``/cosmos/bank/v1beta1/balances/{address}`` form; helpers shared by the service modules."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from google.protobuf.message import Message

from cosmos_api import errors, protojson
from cosmos_api.api import Context, Handler, Request
from pysei_pb.cosmos.base.query.v1beta1 import pagination_pb2


@dataclass(frozen=True)
class Route:
    method: str
    pattern: str
    handler: Handler

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(self.pattern.strip("/").split("/"))


class Router:
    """Matches a path segment by segment; ``{name}`` takes one segment, a last
    ``{name=**}`` the rest (slashes included, as base64 query data may contain them)."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self.routes = list(routes)

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        segments = path.strip("/").split("/")
        for route in self.routes:
            if route.method != method:
                continue
            params = _match(route.parts, segments)
            if params is not None:
                return route, params
        return None

    def allows(self, path: str) -> list[str]:
        segments = path.strip("/").split("/")
        return sorted({r.method for r in self.routes if _match(r.parts, segments) is not None})


def _match(parts: Sequence[str], segments: Sequence[str]) -> dict[str, str] | None:
    params: dict[str, str] = {}
    for i, part in enumerate(parts):
        if part.startswith("{") and part.endswith("=**}"):
            rest = "/".join(segments[i:])
            if not rest:
                return None
            params[part[1:-4]] = rest
            return params
        if i >= len(segments):
            return None
        if part.startswith("{") and part.endswith("}"):
            if not segments[i]:
                return None
            params[part[1:-1]] = segments[i]
        elif part != segments[i]:
            return None
    return params if len(parts) == len(segments) else None


async def query(ctx: Context, req: Request, path: str, request: Message, cls: type[Message]) -> Message:
    """Run an app query at the request's height and decode its answer."""
    answer = await ctx.query(path, request.SerializeToString(), req.height)
    if answer.code != 0:
        raise errors.from_abci(answer.code, answer.codespace, answer.log)
    return protojson.decode(cls, answer.value)


def base64_arg(text: str, what: str) -> bytes:
    """Bytes in a path or query parameter: standard or URL-safe base64, padded or not."""
    padded = text + "=" * (-len(text) % 4)
    try:
        if "-" in text or "_" in text:
            return base64.urlsafe_b64decode(padded)
        return base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        raise errors.bad_request(f"invalid {what}: not base64") from None


def _uint(text: str, what: str) -> int:
    if not text.isdigit() or len(text) > 20:
        raise errors.bad_request(f"invalid {what}: {text!r}")
    return int(text)


def _bool(text: str, what: str) -> bool:
    if text not in ("true", "false", "1", "0"):
        raise errors.bad_request(f"invalid {what}: {text!r}")
    return text in ("true", "1")


def pagination(req: Request) -> pagination_pb2.PageRequest:
    """``pagination.key|offset|limit|count_total|reverse`` URL parameters."""
    page = pagination_pb2.PageRequest()
    if key := req.arg("pagination.key"):
        page.key = base64_arg(key, "pagination.key")
    if offset := req.arg("pagination.offset"):
        page.offset = _uint(offset, "pagination.offset")
    if limit := req.arg("pagination.limit"):
        page.limit = _uint(limit, "pagination.limit")
    if count := req.arg("pagination.count_total"):
        page.count_total = _bool(count, "pagination.count_total")
    if reverse := req.arg("pagination.reverse"):
        page.reverse = _bool(reverse, "pagination.reverse")
    return page


def with_page(body: dict[str, Any]) -> dict[str, Any]:
    """The gateway prints an absent ``pagination.next_key`` as null (protobuf JSON: "")."""
    page = body.get("pagination")
    if isinstance(page, dict) and page.get("next_key") == "":
        page["next_key"] = None
    return body


def table(*groups: Mapping[tuple[str, str], Handler]) -> Router:
    return Router(Route(method, pattern, h) for g in groups for (method, pattern), h in g.items())
