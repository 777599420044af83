"""The app over real blocks: identical app hashes with the serial executor and 4 OCC workers,
and CheckTx/FinalizeBlock agree on who pays what."""

from __future__ import annotations

import random

import pytest

from tests.support.chain import InProcessChain, cosmos_send, evm_transfer, make_keys

N_KEYS = 40


def _blocks(keys, n_blocks: int = 6, per_block: int = 60, seed: int = 7) -> list[list[bytes]]:
    """Mixed native and EVM transfers; some senders repeat in a block, some recipients are hot."""
    rng = random.Random(seed)
    cosmos_seq = {i: 0 for i in range(len(keys))}
    evm_nonce = {i: 0 for i in range(len(keys))}
    blocks = []
    for _ in range(n_blocks):
        txs = []
        for _ in range(per_block):
            i = rng.randrange(len(keys))
            j = rng.choice([0, 1, rng.randrange(len(keys))])  # hot recipients 0 and 1
            if rng.random() < 0.5:
                txs.append(cosmos_send(keys[i], keys[j].sei, rng.randrange(1, 1000), i, cosmos_seq[i]))
                cosmos_seq[i] += 1
            else:
                txs.append(evm_transfer(keys[i], keys[j].evm, rng.randrange(1, 10**15), evm_nonce[i]))
                evm_nonce[i] += 1
        txs.append(b"\x0a\x01garbage")  # an undecodable tx gets a result too
        blocks.append(txs)
    return blocks


@pytest.mark.integration
def test_app_hash_identical_serial_and_four_workers(tmp_path):
    keys = make_keys(N_KEYS)
    blocks = _blocks(keys)
    hashes = {}
    codes = {}
    for workers in (1, 4):
        with InProcessChain(tmp_path / f"w{workers}", keys, workers=workers) as chain:
            run = [chain.init_chain()]
            results = []
            for txs in blocks:
                resp = chain.block(txs)
                run.append(resp.app_hash)
                results.append([(r.code, r.gas_used, r.log) for r in resp.tx_results])
            hashes[workers], codes[workers] = run, results
    assert hashes[1] == hashes[4]
    assert codes[1] == codes[4]
    ok = sum(1 for block in codes[1] for code, _, _ in block if code == 0)
    assert ok > len(blocks) * 40, "most transfers should succeed"
