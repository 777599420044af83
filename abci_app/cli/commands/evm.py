"""``pysei tx evm register-pointer|associate-address`` and ``pysei query evm pointer``.

Both ``tx`` commands sign an Ethereum tx with a local key and send it through the EVM
JSON-RPC (``--evm-rpc``): ``register-pointer`` calls the pointer precompile
(``0x…100B``), ``associate-address`` calls the addr precompile's ``associate`` with KEY's
signature of a message, paid by ``--from`` (so KEY needs no funds; money already sent to
KEY's EVM address moves to its Sei account). ``query evm pointer`` reads the pointerview
precompile (``0x…100A``). Kind ``erc20`` gives an ERC-20 (POINTEE ``0x…``) its CW20
pointer, a ``sei1…`` contract. A tx whose simulation reverts is not sent: the reason is printed.
"""

from __future__ import annotations

import argparse
from typing import Any

from coincurve import PrivateKey
from eth_abi import decode, encode
from eth_hash.auto import keccak

from abci_app.cli.commands.common import CommandError, add_home, emit, guarded, keyring, subcommands
from abci_app.cli.commands.ethclient import DEFAULT_EVM_RPC, EthClient
from evm_bridge.pointers.registry import Kind
from evm_bridge.precompiles.addr import ADDRESS as ADDR
from evm_bridge.precompiles.pointer import ADDRESS as POINTER
from evm_bridge.precompiles.pointerview import ADDRESS as POINTERVIEW

#: Pointer kind -> (pointer precompile method, pointerview method, pointee ABI type).
_METHODS = {
    Kind.NATIVE: ("addNativePointer", "getNativePointer", "string"),
    Kind.CW20: ("addCW20Pointer", "getCW20Pointer", "string"),
    Kind.CW721: ("addCW721Pointer", "getCW721Pointer", "string"),
    Kind.ERC20: ("addERC20Pointer", "getERC20Pointer", "address"),
}
ASSOCIATE_MESSAGE = "associate {address} with its sei account"


def _selector(signature: str) -> bytes:
    return keccak(signature.encode())[:4]


def _kind(text: str) -> Kind:
    kind = Kind[text.upper()] if text.upper() in Kind.__members__ else None
    if kind is None or kind not in _METHODS:
        raise CommandError(f"pointer kind {text!r} is not supported: one of {', '.join(k.label for k in _METHODS)}")
    return kind


def _result(receipt: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"hash": receipt["transactionHash"], "height": int(receipt["blockNumber"], 16),
            "status": int(receipt["status"], 16), "gas_used": int(receipt["gasUsed"], 16), **extra}


def _register(args: argparse.Namespace) -> int:
    kind = _kind(args.kind)
    key = keyring(args).get(args.from_key)
    client = EthClient(args.evm_rpc)
    method, _, arg = _METHODS[kind]
    data = _selector(f"{method}({arg})") + encode([arg], [_pointee(kind, args.pointee)])
    receipt = client.transact(key.privkey, key.evm_address, POINTER, data, args.gas)
    pointer, version, _ = _lookup(client, kind, args.pointee)
    out = _result(receipt, kind=kind.label, pointee=args.pointee, pointer=pointer, version=version)
    emit(out)
    return 0 if out["status"] == 1 else 1


def _associate(args: argparse.Namespace) -> int:
    ring = keyring(args)
    key, payer = ring.get(args.key), ring.get(args.from_key)
    message = ASSOCIATE_MESSAGE.format(address=key.evm_checksum)
    prefix = f"\x19Ethereum Signed Message:\n{len(message.encode())}".encode()
    sig = PrivateKey(key.privkey).sign_recoverable(keccak(prefix + message.encode()), hasher=None)
    v, r, s = hex(27 + sig[64]), "0x" + sig[:32].hex(), "0x" + sig[32:64].hex()
    data = _selector("associate(string,string,string,string)") + encode(["string"] * 4, [v, r, s, message])
    receipt = EthClient(args.evm_rpc).transact(payer.privkey, payer.evm_address, ADDR, data, args.gas)
    out = _result(receipt, sei_address=key.bech32, evm_address=key.evm_checksum)
    emit(out)
    return 0 if out["status"] == 1 else 1


def _pointee(kind: Kind, text: str) -> str:
    if _METHODS[kind][2] == "address":
        try:
            if len(bytes.fromhex(text.removeprefix("0x"))) == 20 and text.startswith("0x"):
                return text.lower()
        except ValueError:
            pass
        raise CommandError(f"{kind.label} pointee must be a 0x… EVM contract address, not {text!r}")
    return text


def _lookup(client: EthClient, kind: Kind, pointee: str) -> tuple[str, int, bool]:
    _, method, arg = _METHODS[kind]
    data = _selector(f"{method}({arg})") + encode([arg], [_pointee(kind, pointee)])
    found = "string" if arg == "address" else "address"
    address, version, exists = decode([found, "uint16", "bool"], client.eth_call(POINTERVIEW, data))
    return (address if exists else ""), version, exists


def _query_pointer(args: argparse.Namespace) -> int:
    kind = _kind(args.kind)
    address, version, exists = _lookup(EthClient(args.evm_rpc), kind, args.pointee)
    emit({"kind": kind.label, "pointee": args.pointee, "pointer": address, "version": version, "exists": exists})
    return 0


def _evm_rpc(p: argparse.ArgumentParser) -> None:
    p.add_argument("--evm-rpc", default=DEFAULT_EVM_RPC, help=f"EVM JSON-RPC address (default {DEFAULT_EVM_RPC})")


def add_evm_commands(sub: Any) -> None:
    """``tx evm ...`` and ``query evm ...`` under the existing ``tx`` and ``query`` commands."""
    tx = subcommands(sub.choices["tx"]).add_parser("evm", help="EVM-side transactions (pointers, association)")
    cmds = tx.add_subparsers(dest="tx_command", required=True)
    p = cmds.add_parser("register-pointer", help="deploy and register the pointer of POINTEE")
    p.add_argument("kind", metavar="KIND", help="native | cw20 | cw721 | erc20 (erc721: not yet)")
    p.add_argument("pointee", metavar="POINTEE", help="a denom (native), a sei1… contract (cw20, cw721) or a 0x… ERC-20 (erc20)")
    p.add_argument("--from", dest="from_key", required=True, help="key paying for the EVM tx")
    p.add_argument("--gas", type=int, default=None, help="gas limit (default: the estimate + 20%%)")
    _evm_rpc(p)
    add_home(p)
    p.set_defaults(func=guarded(_register))
    p = cmds.add_parser("associate-address", help="link KEY's EVM and Sei addresses through the addr precompile")
    p.add_argument("key", metavar="KEY", help="key whose addresses to link (signs a message only)")
    p.add_argument("--from", dest="from_key", required=True, help="key paying for the EVM tx")
    p.add_argument("--gas", type=int, default=None, help="gas limit (default: the estimate + 20%%)")
    _evm_rpc(p)
    add_home(p)
    p.set_defaults(func=guarded(_associate))
    query = subcommands(sub.choices["query"]).add_parser("evm", help="EVM-side queries")
    qcmds = query.add_subparsers(dest="query_evm", required=True)
    p = qcmds.add_parser("pointer", help="the registered pointer of POINTEE (pointerview precompile)")
    p.add_argument("kind", metavar="KIND")
    p.add_argument("pointee", metavar="POINTEE")
    _evm_rpc(p)
    add_home(p)
    p.set_defaults(func=guarded(_query_pointer))
