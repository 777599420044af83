"""A 2-of-3 multisig account on a real node, signed offline through the CLI: ``keys add
--multisig``, ``tx bank send --generate-only``, ``tx sign --multisig`` by two members,
``tx multisign``, ``tx broadcast``; the send lands with exact balance changes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ledger.addresses import to_bech32
from tests.e2e.conftest import E2E

pytestmark = pytest.mark.e2e

FEE, GAS, FUNDING, AMOUNT = 5000, 300_000, 1_000_000, 4242


def cli(e2e: E2E, *args: str, check: bool = True, home: bool = True) -> subprocess.CompletedProcess:
    node = e2e.node
    out = node.pysei(*args, *(("--home", str(node.home)) if home else ()), check=False)
    if check:
        assert out.returncode == 0, out.stderr + out.stdout
    return out


def to_file(path: Path, out: subprocess.CompletedProcess) -> str:
    path.write_text(out.stdout)
    return str(path)


def balance(e2e: E2E, address: str) -> int:
    out = e2e.node.pysei("query", "balance", address, "--node", e2e.node.rpc_url)
    return int(json.loads(out.stdout)["amount"])


@pytest.fixture(scope="module")
def multisig(e2e: E2E) -> dict[str, Any]:
    node = e2e.node
    for name in ("ms-a", "ms-b", "ms-c"):
        cli(e2e, "keys", "add", name)
    info = json.loads(cli(e2e, "keys", "add", "ms", "--multisig", "ms-a,ms-b,ms-c", "--multisig-threshold", "2").stdout)
    fund = json.loads(cli(
        e2e, "tx", "bank", "send", "alice", info["address"], f"{FUNDING}usei", "--fees", "4000usei",
        "--chain-id", node.chain_id, "--node", node.rpc_url, "--broadcast-mode", "commit",
    ).stdout)
    assert fund["code"] == 0, fund
    return info


def unsigned(e2e: E2E, tmp_path: Path, to: str) -> str:
    node = e2e.node
    out = cli(e2e, "tx", "bank", "send", "ms", to, f"{AMOUNT}usei", "--fees", f"{FEE}usei", "--gas", str(GAS),
              "--memo", "two of three", "--chain-id", node.chain_id, "--node", node.rpc_url, "--generate-only")
    return to_file(tmp_path / "unsigned.json", out)


def test_two_of_three_multisig_send_lands(e2e: E2E, multisig: dict[str, Any], tmp_path: Path) -> None:
    node = e2e.node
    assert multisig["threshold"] == 2 and len(multisig["pubkeys"]) == 3
    to = to_bech32(bytes([0x51]) * 20)
    doc = unsigned(e2e, tmp_path, to)
    assert json.loads(Path(doc).read_text())["signer"] == multisig["address"]
    sig_a = to_file(tmp_path / "a.json", cli(e2e, "tx", "sign", doc, "--from", "ms-a", "--multisig", "ms"))
    sig_c = to_file(tmp_path / "c.json", cli(e2e, "tx", "sign", doc, "--from", "ms-c", "--multisig", "ms"))
    signed = to_file(tmp_path / "signed.json", cli(e2e, "tx", "multisign", doc, "ms", sig_a, sig_c))
    before = balance(e2e, multisig["address"])
    result = json.loads(cli(e2e, "tx", "broadcast", signed, "--node", node.rpc_url, home=False).stdout)
    assert result["code"] == 0 and result["height"] > 0, result
    assert balance(e2e, to) == AMOUNT
    assert balance(e2e, multisig["address"]) == before - AMOUNT - FEE
    account = json.loads(node.pysei("query", "account", multisig["address"], "--node", node.rpc_url).stdout)
    assert int(account["sequence"]) == 1


def test_one_signature_is_not_enough(e2e: E2E, multisig: dict[str, Any], tmp_path: Path) -> None:
    doc = unsigned(e2e, tmp_path, to_bech32(bytes([0x52]) * 20))
    sig_b = to_file(tmp_path / "b.json", cli(e2e, "tx", "sign", doc, "--from", "ms-b", "--multisig", "ms"))
    out = cli(e2e, "tx", "multisign", doc, "ms", sig_b, check=False)
    assert out.returncode == 1 and "1 signatures, the multisig needs 2" in out.stderr


def test_a_non_member_cannot_sign(e2e: E2E, multisig: dict[str, Any], tmp_path: Path) -> None:
    doc = unsigned(e2e, tmp_path, to_bech32(bytes([0x53]) * 20))
    out = cli(e2e, "tx", "sign", doc, "--from", "bob", "--multisig", "ms", check=False)
    assert out.returncode == 1 and "not a member of multisig ms" in out.stderr
