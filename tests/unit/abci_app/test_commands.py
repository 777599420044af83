"""abci_app.cli.keyring, client and commands against a fake CometBFT RPC endpoint backed by the modules."""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import stat
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from abci_app.cli.commands import add_keys_commands, add_query_commands, add_tx_commands
from abci_app.cli.keyring import Keyring, KeyringError
from abci_app.cosmos_tx.decode import decode_cosmos_tx
from abci_app.cosmos_tx.execute import execute_cosmos_tx
from abci_app.module_api import MsgError
from abci_app.modules import auth, bank
from ledger import bank as ledger_bank
from ledger import codes


class FakeNode:
    """Answers the CometBFT JSON-RPC methods the client uses, executing txs at once."""

    def __init__(self, chain) -> None:
        self.chain = chain
        self.routes = {**auth.module().queries, **bank.module().queries}
        self.height = 1
        node = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server API)
                req = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                body = json.dumps({"jsonrpc": "2.0", "id": req["id"], "result": node.answer(req)}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, req: dict) -> dict:
        method, params = req["method"], req["params"]
        if method == "status":
            return {"node_info": {"network": self.chain.ctx.chain_id}}
        if method == "abci_query":
            try:
                value = self.routes[params["path"]](
                    bytes.fromhex(params["data"]), self.chain.view, self.height
                )
                return {
                    "response": {
                        "code": 0,
                        "value": base64.b64encode(value).decode(),
                        "height": str(self.height),
                    }
                }
            except MsgError as e:
                return {"response": {"code": e.code, "log": e.log, "height": str(self.height)}}
        raw = base64.b64decode(params["tx"])
        tx = decode_cosmos_tx(raw, 1 << 20, self.chain.handlers)
        result = execute_cosmos_tx(tx, self.chain.ctx, self.chain.view, self.chain.handlers)
        self.height += 1
        out = {"code": result.code, "log": result.log, "gas_used": str(result.gas_used)}
        return {
            "check_tx": {"code": 0},
            "tx_result": out,
            "hash": hashlib.sha256(raw).hexdigest().upper(),
            "height": str(self.height),
        }

    def __enter__(self) -> FakeNode:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="pysei")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in (add_keys_commands, add_tx_commands, add_query_commands):
        add(sub)
    args = parser.parse_args(argv)
    return args.func(args)


def test_keyring(tmp_path) -> None:
    ring = Keyring(tmp_path / "keys")
    key = ring.create("alice")
    assert stat.S_IMODE((tmp_path / "keys" / "alice.json").stat().st_mode) == 0o600
    assert ring.get("alice") == key and key.bech32.startswith("sei1") and key.evm_checksum.startswith("0x")
    imported = ring.import_hex("bob", "02" * 32)
    assert [k.name for k in ring.keys()] == ["alice", "bob"] and imported.privkey == bytes.fromhex("02" * 32)
    with pytest.raises(KeyringError):
        ring.create("alice")
    with pytest.raises(KeyringError):
        ring.get("../etc/passwd")


def test_send_and_queries_through_the_cli(chain, tmp_path, capsys) -> None:
    home = str(tmp_path)
    Keyring(tmp_path / "keys").import_hex("alice", chain.alice.priv.hex())
    with FakeNode(chain) as node:
        assert cli("keys", "show", "alice", "--home", home) == 0
        shown = json.loads(capsys.readouterr().out)
        assert shown["address"] == chain.alice.bech32
        common = ("--node", node.url, "--home", home)
        rc = cli(
            "tx",
            "bank",
            "send",
            "alice",
            chain.bob.bech32,
            "12345usei",
            "--fees",
            "2000usei",
            *common,
            "--broadcast-mode",
            "commit",
        )
        result = json.loads(capsys.readouterr().out)
        assert rc == 0 and result["code"] == 0 and len(result["hash"]) == 64, result
        assert ledger_bank.balance(chain.view, chain.bob.address) == 12345
        # the second send picks up the new sequence by itself
        assert (
            cli(
                "tx",
                "bank",
                "send",
                "alice",
                chain.bob.bech32,
                "5usei",
                "--fees",
                "2000usei",
                *common,
                "--broadcast-mode",
                "commit",
            )
            == 0
        )
        capsys.readouterr()
        assert cli("query", "balance", chain.bob.bech32, *common) == 0
        assert json.loads(capsys.readouterr().out)["amount"] == "12350"
        assert cli("query", "account", "alice", *common) == 0
        acc = json.loads(capsys.readouterr().out)
        assert (acc["account_number"], acc["sequence"], acc["pub_key"]) == (
            "0",
            "2",
            chain.alice.pubkey.hex(),
        )
        assert cli("query", "account", chain.bob.bech32, *common) == 0
        assert json.loads(capsys.readouterr().out)["account_number"] == "1"
        assert cli("query", "balances", chain.bob.bech32, *common) == 0
        assert json.loads(capsys.readouterr().out)["balances"] == [{"denom": "usei", "amount": "12350"}]
        # failures: exit code 1 with the chain's code, or a clear error
        rc = cli(
            "tx",
            "bank",
            "send",
            "alice",
            chain.bob.bech32,
            "99999999999usei",
            "--fees",
            "2000usei",
            *common,
            "--broadcast-mode",
            "commit",
        )
        assert rc == 1 and json.loads(capsys.readouterr().out)["code"] == codes.INSUFFICIENT_FUNDS
        assert cli("query", "account", "sei1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5jwagqa", *common) == 1
        assert "not found" in capsys.readouterr().err
        assert cli("tx", "bank", "send", "alice", "sei1nope", "1usei", *common) == 1
