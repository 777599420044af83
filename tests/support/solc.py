"""Compile Solidity test contracts with the pinned solc from npm (tests/e2e/js).

``compile_contract(source_path, contract_name) -> (abi, bytecode)``. The npm project
(package.json + package-lock.json pinning solc and ethers) lives in ``tests/e2e/js``; run
``npm ci`` there once. Output is cached under ``.cache/solc/`` keyed by the source, the
contract name and the solc version; build output is never committed.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
JS_DIR = ROOT / "tests" / "e2e" / "js"
CACHE = ROOT / ".cache" / "solc"

_SCRIPT = r"""
const solc = require('solc');
let src = '';
process.stdin.on('data', d => src += d);
process.stdin.on('end', () => {
  const req = JSON.parse(src);
  const out = JSON.parse(solc.compile(JSON.stringify(req)));
  process.stdout.write(JSON.stringify({version: solc.version(), output: out}));
});
"""


def solc_version() -> str:
    lock = json.loads((JS_DIR / "package-lock.json").read_text())
    return lock["packages"]["node_modules/solc"]["version"]


def ensure_installed() -> None:
    if not (JS_DIR / "node_modules" / "solc").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=JS_DIR, check=True, capture_output=True)


def compile_contract(source_path: str | Path, contract_name: str) -> tuple[list[dict[str, Any]], bytes]:
    """ABI and creation bytecode of ``contract_name`` in the Solidity file ``source_path``."""
    path = Path(source_path)
    source = path.read_text()
    key = hashlib.sha256(f"{solc_version()}\0{contract_name}\0{source}".encode()).hexdigest()
    cached = CACHE / f"{key}.json"
    if cached.exists():
        data = json.loads(cached.read_text())
        return data["abi"], bytes.fromhex(data["bytecode"])
    ensure_installed()
    request = {
        "language": "Solidity",
        "sources": {path.name: {"content": source}},
        "settings": {
            "optimizer": {"enabled": True, "runs": 200},
            "outputSelection": {"*": {"*": ["abi", "evm.bytecode.object"]}},
        },
    }
    proc = subprocess.run(["node", "-e", _SCRIPT], cwd=JS_DIR, input=json.dumps(request), capture_output=True,
                          text=True, check=True)
    output = json.loads(proc.stdout)["output"]
    errors = [e["formattedMessage"] for e in output.get("errors", []) if e["severity"] == "error"]
    if errors:
        raise RuntimeError("solc: " + "\n".join(errors))
    contract = output["contracts"][path.name][contract_name]
    abi, bytecode = contract["abi"], contract["evm"]["bytecode"]["object"]
    CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps({"abi": abi, "bytecode": bytecode}))
    return abi, bytes.fromhex(bytecode)
