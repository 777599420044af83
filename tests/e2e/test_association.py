"""Association made explicit on a real node: money sent by ethers v6 to a fresh key's EVM
address is held at its direct cast; linking the key through the addr precompile (by
``pysei tx evm associate-address``, and by ethers calling ``associate`` with a signed
message) moves it to the key's Sei account; a native send to the cast is then refused."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from abci_app.cli.keyring import Key, Keyring
from ledger.addresses import to_bech32
from tests.e2e.conftest import JS, npm_ready
from tests.support.node import LocalNode

pytestmark = pytest.mark.e2e
PRECOMPILES = Path(__file__).resolve().parents[2] / "evm_bridge" / "precompiles"
FUNDED_USEI = 3_000_000
WEI_PER_USEI = 10**12


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalNode]:
    npm_ready()
    with LocalNode(tmp_path_factory.mktemp("association") / "home", chain_id="pysei-e2e-1") as n:
        yield n


def cli(node: LocalNode, *args: str, ok: bool = True) -> dict:
    out = node.pysei(*args, "--home", str(node.home), check=False)
    assert (out.returncode == 0) == ok, out.stdout + out.stderr
    return json.loads(out.stdout) if ok else {"stdout": out.stdout}


def ethers(*args: str) -> dict:
    proc = subprocess.run(["node", "associate_ethers.mjs", *args], cwd=JS, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    return json.loads(proc.stdout.strip().splitlines()[-1])


def usei(node: LocalNode, address: str, height: int = 0) -> int:
    return int(cli(node, "query", "balance", address, "--height", str(height), "--node", node.rpc_url)["amount"])


def fresh_key(node: LocalNode, name: str) -> Key:
    cli(node, "keys", "add", name)
    return Keyring(node.home / "keys").get(name)


def fund_cast(node: LocalNode, key: Key) -> str:
    alice = Keyring(node.home / "keys").get("alice")
    out = ethers("fund", node.evm_url, "0x" + alice.privkey.hex(), key.evm_checksum, str(FUNDED_USEI * WEI_PER_USEI))
    assert out["status"] == 1
    cast = to_bech32(key.evm_address)
    assert usei(node, cast, out["block"]) == FUNDED_USEI and usei(node, key.bech32, out["block"]) == 0
    return cast


def test_cli_associate_address_moves_the_cast_funds(node: LocalNode) -> None:
    carol = fresh_key(node, "carol")
    cast = fund_cast(node, carol)
    out = cli(node, "tx", "evm", "associate-address", "carol", "--from", "bob", "--evm-rpc", node.evm_url)
    assert out["status"] == 1 and (out["sei_address"], out["evm_address"]) == (carol.bech32, carol.evm_checksum)
    assert usei(node, carol.bech32, out["height"]) == FUNDED_USEI
    assert usei(node, cast, out["height"]) == 0
    read = ethers("read", node.evm_url, carol.evm_checksum, str(PRECOMPILES))
    assert read == {"seiAddr": carol.bech32, "balance": str(FUNDED_USEI * WEI_PER_USEI)}


def test_ethers_relayed_associate_moves_the_cast_funds(node: LocalNode) -> None:
    dave = fresh_key(node, "dave")
    cast = fund_cast(node, dave)
    bob = Keyring(node.home / "keys").get("bob")
    out = ethers("associate", node.evm_url, "0x" + bob.privkey.hex(), "0x" + dave.privkey.hex(), str(PRECOMPILES))
    assert out["status"] == 1 and out["address"] == dave.evm_checksum and out["seiAddr"] == dave.bech32
    assert out["balance"] == str(FUNDED_USEI * WEI_PER_USEI)
    assert usei(node, dave.bech32, out["block"]) == FUNDED_USEI and usei(node, cast, out["block"]) == 0


def test_native_send_to_a_linked_cast_is_refused(node: LocalNode) -> None:
    erin = fresh_key(node, "erin")
    cast = fund_cast(node, erin)
    assert cli(node, "tx", "evm", "associate-address", "erin", "--from", "bob", "--evm-rpc", node.evm_url)["status"] == 1
    out = cli(node, "tx", "bank", "send", "alice", cast, "5usei", "--fees", "4000usei", "--broadcast-mode", "commit",
              "--node", node.rpc_url, ok=False)
    got = json.loads(out["stdout"])
    assert got["code"] == 46
    assert got["log"].endswith(f"{cast} is the cast address of an associated account: invalid bank recipient")
    assert usei(node, cast) == 0
