"""The addr precompile at ``0x…1004`` (interface ``Addr.sol``): Sei <-> EVM addresses.

``associate`` recovers the signer of ``customMessage`` (EIP-191 personal message; ``v``,
``r``, ``s`` as hex strings, ``v`` 27/28 or 0/1) and links its two addresses;
``associatePubKey`` links the caller to its compressed public key (the key's EVM address
must be the caller). Linking moves whatever the EVM address's direct cast holds (every
denom, wei included) to the Sei account (``ledger.association``); within the linking tx the
EVM address still reads its pre-link balance, from the next tx on it reads the account's.
Gas (on top of ``base.BASE_GAS``): getters 1,000; ``associate`` 30,000; ``associatePubKey``
20,000.
"""

from __future__ import annotations

from coincurve import PublicKey

from evm_bridge.precompiles.api import PrecompileError
from evm_bridge.precompiles.base import Call, PrecompileBase, method
from ledger import accounts
from ledger.addresses import (
    AddressError,
    evm_address_from_pubkey,
    from_bech32,
    sei_address_from_pubkey,
    to_bech32,
    to_checksum_evm,
)
from ledger.association import migrate_cast
from ledger.personal_sign import SignatureError, signer_pubkey

ADDRESS = (0x1004).to_bytes(20, "big")


class AddrPrecompile(PrecompileBase):
    address = ADDRESS

    @method("getSeiAddr(address)", ["string"], 1_000)
    def get_sei_addr(self, call: Call) -> tuple[str]:
        evm = bytes.fromhex(call.args[0][2:])
        sei = accounts.associated_sei(call.cosmos, evm)
        if sei is None:
            raise PrecompileError(f"address {to_checksum_evm(evm)} is not associated")
        return (to_bech32(sei),)

    @method("getEvmAddr(string)", ["address"], 1_000)
    def get_evm_addr(self, call: Call) -> tuple[str]:
        try:
            sei = from_bech32(call.args[0])
        except AddressError as e:
            raise PrecompileError(f"invalid address {call.args[0]!r}: {e}") from None
        evm = accounts.associated_evm(call.cosmos, sei)
        if evm is None:
            raise PrecompileError(f"address {call.args[0]} is not associated")
        return (to_checksum_evm(evm),)

    def _link(self, call: Call, pubkey: bytes) -> tuple[str, str]:
        sei, evm = sei_address_from_pubkey(pubkey), evm_address_from_pubkey(pubkey)
        if accounts.associated_evm(call.cosmos, sei) is not None or accounts.associated_sei(call.cosmos, evm):
            raise PrecompileError(f"address {to_bech32(sei)} is already associated")
        # The cast's EVM balance moves through the account DB (where pending EVM balances
        # live): ``evm`` still names the cast in this tx, the 20 bytes of ``sei`` name sei.
        db = call.cosmos.db
        cast_wei = db.get_balance(evm)
        if cast_wei:
            db.set_balance(evm, 0)
            db.set_balance(sei, db.get_balance(sei) + cast_wei)

        def link(view: object) -> None:
            accounts.associate(view, sei, evm)  # type: ignore[arg-type]
            migrate_cast(view, sei, evm, skip_usei=True)  # type: ignore[arg-type]

        call.apply(link)
        return to_bech32(sei), to_checksum_evm(evm)

    @method("associate(string,string,string,string)", ["string", "address"], 30_000, mutates=True)
    def associate(self, call: Call) -> tuple[str, str]:
        v, r, s, message = call.args
        try:
            pub = signer_pubkey(message, v, r, s)
        except SignatureError as e:
            raise PrecompileError(str(e)) from None
        return self._link(call, pub)

    @method("associatePubKey(string)", ["string", "address"], 20_000, mutates=True)
    def associate_pubkey(self, call: Call) -> tuple[str, str]:
        try:
            pub = PublicKey(bytes.fromhex(call.args[0].removeprefix("0x"))).format(compressed=True)
        except ValueError:
            raise PrecompileError("invalid public key: expected a compressed secp256k1 key in hex") from None
        if evm_address_from_pubkey(pub) != call.sender:
            raise PrecompileError("the public key does not belong to the caller")
        return self._link(call, pub)
