"""eth_getBlockAccessList and debug_getRawBlockAccessList (EIP-7928): block-level access
lists begin with the Amsterdam fork; this chain runs Prague, so no block has one. A block
that exists answers -32001 saying so; one that does not is not found."""

from __future__ import annotations

from typing import Any

from eth_rpc import params as P
from eth_rpc.errors import RpcError
from eth_rpc.method_spec import rpc

RESOURCE_NOT_FOUND = -32001
_NONE = "block access lists begin with Amsterdam (EIP-7928); this chain runs Prague"


def _no_access_list(b: Any, height: int | None) -> None:
    if height is None or b.header(height) is None:
        raise RpcError(RESOURCE_NOT_FOUND, "block not found")
    raise RpcError(RESOURCE_NOT_FOUND, _NONE)


@rpc("eth_getBlockAccessList")
def get_block_access_list(b: Any, params: list) -> None:
    (ref,) = P.arity(params, 1, 1)
    _no_access_list(b, b.block_ref(ref))


@rpc("debug_getRawBlockAccessList")
def get_raw_block_access_list(b: Any, params: list) -> None:
    (ref,) = P.arity(params, 1, 1)
    height = b.block_number(ref)
    _no_access_list(b, height if height <= b.latest() else None)
