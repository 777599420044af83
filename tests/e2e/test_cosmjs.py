"""cosmjs (npm) ``SigningStargateClient`` sends MsgSends to a real node, signing with an
amino ``Secp256k1HdWallet`` (SIGN_MODE_LEGACY_AMINO_JSON) and a ``DirectSecp256k1HdWallet``
(SIGN_MODE_DIRECT); each wallet's account is funded by the CLI first."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from ledger.addresses import to_bech32
from tests.e2e.conftest import E2E, JS

pytestmark = pytest.mark.e2e

FUNDING = 5_000_000
SIGN_MODE_DIRECT, SIGN_MODE_LEGACY_AMINO_JSON = 1, 127
#: BIP-39 test vectors: one fresh account per case.
MNEMONICS = {
    "amino": "legal winner thank year wave sausage worth useful legal winner thank yellow",
    "direct": "letter advice cage absurd amount doctor acoustic avoid letter advice cage above",
    "amino-auto-fee": "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
}


def cosmjs(e2e: E2E, **args: Any) -> dict[str, Any]:
    proc = subprocess.run(
        ["node", "cosmjs_send.mjs", e2e.node.rpc_url, json.dumps(args)],
        cwd=JS, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr + proc.stdout + e2e.node.tail_log()
    return json.loads(proc.stdout)


def fund(e2e: E2E, address: str) -> None:
    node = e2e.node
    out = node.pysei(
        "tx", "bank", "send", "alice", address, f"{FUNDING}usei", "--fees", "4000usei", "--gas", "200000",
        "--chain-id", node.chain_id, "--node", node.rpc_url, "--home", str(node.home), "--broadcast-mode", "commit",
    )
    assert json.loads(out.stdout)["code"] == 0, out.stdout


def send(e2e: E2E, case: str, wallet: str, fee: Any, memo: str = "") -> tuple[dict[str, Any], str]:
    mnemonic = MNEMONICS[case]
    address = cosmjs(e2e, op="address", wallet=wallet, mnemonic=mnemonic)["address"]
    fund(e2e, address)
    to = to_bech32(bytes([len(case)]) * 20)
    out = cosmjs(e2e, op="send", wallet=wallet, mnemonic=mnemonic, to=to, amount="1234", fee=fee, memo=memo)
    assert out["address"] == address
    return out, to


def test_amino_wallet_send_lands(e2e: E2E) -> None:
    fee = {"amount": [{"denom": "usei", "amount": "4000"}], "gas": "200000"}
    out, _ = send(e2e, "amino", "amino", fee, memo="Ledger <amino> & co")
    assert out["code"] == 0, out
    assert out["signMode"] == SIGN_MODE_LEGACY_AMINO_JSON
    assert out["memo"] == "Ledger <amino> & co"
    assert out["fee"] == [{"denom": "usei", "amount": "4000"}]
    assert int(out["before"]) == FUNDING
    assert int(out["after"]) == FUNDING - 1234 - 4000
    assert out["toAfter"] == "1234"


def test_direct_wallet_send_lands(e2e: E2E) -> None:
    fee = {"amount": [{"denom": "usei", "amount": "4000"}], "gas": "200000"}
    out, _ = send(e2e, "direct", "direct", fee)
    assert out["code"] == 0, out
    assert out["signMode"] == SIGN_MODE_DIRECT
    assert int(out["after"]) == FUNDING - 1234 - 4000
    assert out["toAfter"] == "1234"


def test_amino_wallet_send_with_simulated_fee_lands(e2e: E2E) -> None:
    out, _ = send(e2e, "amino-auto-fee", "amino", "auto")
    assert out["code"] == 0, out
    assert out["signMode"] == SIGN_MODE_LEGACY_AMINO_JSON
    [paid] = out["fee"]
    gas_limit = int(out["gasWanted"])  # cosmjs: the simulated gas x 1.4
    assert 40_000 < gas_limit < 200_000
    assert paid == {"denom": "usei", "amount": str(-(-gas_limit * 2 // 100))}  # ceil(0.02usei x gas)
    assert int(out["after"]) == FUNDING - 1234 - int(paid["amount"])
    assert out["toAfter"] == "1234"
