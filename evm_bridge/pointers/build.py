"""``python -m evm_bridge.pointers.build``: compile the pointer contracts (``make pointers``).

Uses the solc of the npm project in ``tests/e2e/js`` (pinned by its lock file; ``npm ci``
first), optimizer on with 200 runs, and writes ``.cache/pointers/<Name>.json`` (see
``artifacts``). A build whose recorded source digest is current is kept.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from evm_bridge.pointers.artifacts import BUILD, VERSIONS, source_digest, source_path
from untrusted import json_text

JS_DIR = Path(__file__).resolve().parents[2] / "tests" / "e2e" / "js"

_SCRIPT = r"""
const solc = require('solc');
let src = '';
process.stdin.on('data', d => src += d);
process.stdin.on('end', () => {
  const out = solc.compile(src);
  process.stdout.write(JSON.stringify({version: solc.version(), output: JSON.parse(out)}));
});
"""


def compile_one(name: str) -> dict:
    """ABI, creation bytecode and solc version of ``name`` compiled from its source."""
    request = {
        "language": "Solidity",
        "sources": {f"{name}.sol": {"content": source_path(name).read_text()}},
        "settings": {
            "optimizer": {"enabled": True, "runs": 200},
            "outputSelection": {"*": {"*": ["abi", "evm.bytecode.object"]}},
        },
    }
    proc = subprocess.run(["node", "-e", _SCRIPT], cwd=JS_DIR, input=json.dumps(request), capture_output=True,
                          text=True, check=True)
    result = json_text.loads(proc.stdout)
    output = result["output"]
    errors = [e["formattedMessage"] for e in output.get("errors", []) if e["severity"] == "error"]
    if errors:
        raise RuntimeError("solc: " + "\n".join(errors))
    contract = output["contracts"][f"{name}.sol"][name]
    return {"solc": result["version"], "abi": contract["abi"], "bytecode": contract["evm"]["bytecode"]["object"]}


def ensure_built(build_dir: Path = BUILD) -> list[Path]:
    """Build every pointer contract whose build is missing or stale; the artifact paths."""
    build_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, _ in VERSIONS:
        path = build_dir / f"{name}.json"
        digest = source_digest(name)
        if not path.exists() or json_text.loads(path.read_bytes()).get("source_sha256") != digest:
            built = {"source_sha256": digest, **compile_one(name)}
            path.write_text(json.dumps(built, sort_keys=True))
        paths.append(path)
    return paths


def main() -> int:
    for path in ensure_built():
        print(f"built {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
