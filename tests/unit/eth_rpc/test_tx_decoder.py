"""``TxDecoder``: the same answers as ``decode_tx`` (txs and refusals, code included),
in the helper process or on the loop, handed back in arrival order; calls arriving while a
job is in the helper go together as the next job; a dead helper leaves decoding on the
loop."""

from __future__ import annotations

import asyncio
import hashlib
import os
import signal

import pytest
import uvloop

from eth_rpc.tx_decoder import MIN_BATCH, TxDecoder
from evm_bridge.api import EvmTx, EvmTxError
from evm_bridge.txs import decode_tx
from testnet.manifest import LoadAccount
from testnet.txgen import evm_call

CHAIN = 713715


def _raws(n: int, chain: int = CHAIN) -> list[bytes]:
    keys = [LoadAccount(hashlib.sha256(b"decoder-%d" % i).digest(), "", b"", 0) for i in range(n)]
    return [evm_call(k, i, b"\x22" * 20, chain, value=i + 1) for i, k in enumerate(keys)]


def _mixed() -> list[bytes]:
    """Valid txs with refusals among them: another chain's tx, junk, a blob tx type."""
    raws = _raws(12)
    raws[3] = _raws(1, chain=CHAIN + 1)[0]
    raws[7] = b"\xf8\x01"
    raws[9] = b"\x03" + raws[9][1:]
    return raws


def _expected(raw: bytes) -> EvmTx | tuple[str, int]:
    try:
        return decode_tx(raw, CHAIN)
    except EvmTxError as e:
        return (str(e), e.code)


async def _decode_all(decoder: TxDecoder, raws: list[bytes]) -> list[EvmTx | tuple[str, int]]:
    async def one(raw: bytes) -> EvmTx | tuple[str, int]:
        try:
            return await decoder.decode(raw)
        except EvmTxError as e:
            return (str(e), e.code)

    return list(await asyncio.gather(*(one(r) for r in raws)))


@pytest.fixture
def helper():
    decoder = TxDecoder(CHAIN, helper=True)
    decoder.start()
    assert decoder.wait_ready(60)
    yield decoder
    decoder.close()


def test_on_the_loop_the_answers_are_decode_tx_s() -> None:
    raws = _mixed()
    decoder = TxDecoder(CHAIN, helper=False)
    assert asyncio.run(_decode_all(decoder, raws)) == [_expected(r) for r in raws]
    assert decoder.helper_jobs == 0


def test_in_the_helper_the_answers_are_decode_tx_s(helper: TxDecoder) -> None:
    raws = _mixed()
    got = asyncio.run(_decode_all(helper, raws))
    assert got == [_expected(r) for r in raws]
    assert helper.helper_jobs == 1
    refused = [g for g in got if isinstance(g, tuple)]
    assert len(refused) == 3


def test_fewer_than_min_batch_are_decoded_on_the_loop(helper: TxDecoder) -> None:
    raws = _raws(MIN_BATCH - 1)
    assert asyncio.run(_decode_all(helper, raws)) == [_expected(r) for r in raws]
    assert helper.helper_jobs == 0


def test_answers_come_back_in_arrival_order_across_jobs(helper: TxDecoder) -> None:
    """A big job (to the helper) then a single call while it is there (a second job, behind
    the first): the single call's caller resumes after every caller of the big job."""
    big, single = _raws(MIN_BATCH + 4), _raws(1)
    resumed: list[int] = []

    async def one(i: int, raw: bytes) -> None:
        await helper.decode(raw)
        resumed.append(i)

    async def run() -> None:
        first = asyncio.gather(*(one(i, r) for i, r in enumerate(big)))
        await asyncio.sleep(0)  # the big job is flushed on its own
        await asyncio.sleep(0)
        await asyncio.gather(first, one(len(big), single[0]))

    asyncio.run(run())
    assert resumed == list(range(len(big) + 1))
    assert helper.helper_jobs == 2


def test_calls_made_while_a_job_is_in_the_helper_go_together_as_the_next_job() -> None:
    """With ``min_batch=1`` a lone call is a helper job; the calls made while it is there go
    as one job after it, their callers resumed in arrival order."""
    decoder = TxDecoder(CHAIN, helper=True, min_batch=1)
    decoder.start()
    try:
        assert decoder.wait_ready(60)
        raws = _mixed()
        resumed: list[int] = []

        async def one(i: int) -> EvmTx | tuple[str, int]:
            try:
                got: EvmTx | tuple[str, int] = await decoder.decode(raws[i])
            except EvmTxError as e:
                got = (str(e), e.code)
            resumed.append(i)
            return got

        async def run() -> list[EvmTx | tuple[str, int]]:
            first = asyncio.ensure_future(one(0))
            await asyncio.sleep(0)  # the lone call is flushed to the helper
            await asyncio.sleep(0)
            return [await first, *await asyncio.gather(*(one(i) for i in range(1, len(raws))))]

        assert asyncio.run(run()) == [_expected(r) for r in raws]
        assert resumed == list(range(len(raws)))
        assert decoder.helper_jobs == 2
    finally:
        decoder.close()


def test_a_dead_helper_leaves_decoding_on_the_loop(helper: TxDecoder) -> None:
    proc = helper._proc
    assert proc is not None
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(timeout=60)
    raws = _mixed()
    assert asyncio.run(_decode_all(helper, raws)) == [_expected(r) for r in raws]
    assert helper._proc is None
    assert helper.helper_jobs == 0
    assert asyncio.run(_decode_all(helper, raws)) == [_expected(r) for r in raws]


@pytest.mark.parametrize("loop", ["asyncio", "uvloop"])
def test_many_large_jobs_in_the_helper_at_once_come_back_whole_and_in_order(helper: TxDecoder, loop: str) -> None:
    """Jobs sent one after another without waiting (their answers outgrow a pipe's buffer),
    on either loop the node may run (uvloop makes the watched pipe non-blocking): every
    answer is decode_tx's, callers resume job after job, the helper answered every job."""
    raws = _raws(1200)
    jobs = [raws[i:i + 400] for i in range(0, len(raws), 400)]  # answers of ~100 KB: a pipe holds 64
    resumed: list[int] = []

    async def one(i: int, raw: bytes) -> EvmTx:
        tx = await helper.decode(raw)
        resumed.append(i)
        return tx

    async def run() -> list[EvmTx]:
        waiting = []
        for n, job in enumerate(jobs):
            waiting.append(asyncio.gather(*(one(n * 400 + i, r) for i, r in enumerate(job))))
            await asyncio.sleep(0)  # this job is flushed before the next one's calls
            await asyncio.sleep(0)
        return [tx for done in await asyncio.gather(*waiting) for tx in done]

    with asyncio.Runner(loop_factory=uvloop.new_event_loop if loop == "uvloop" else None) as runner:
        assert runner.run(run()) == [_expected(r) for r in raws]
    assert resumed == list(range(len(raws)))
    assert helper.helper_jobs == len(jobs)


def test_a_helper_that_cannot_be_written_with_a_job_in_it_leaves_that_job_answered_first(helper: TxDecoder) -> None:
    """A write to the helper fails while an earlier job is still in it: the earlier job's
    callers are answered (on the loop) before the new job's, none is left waiting."""
    raws = _raws(2 * MIN_BATCH + 2)
    first, second = raws[:MIN_BATCH + 2], raws[MIN_BATCH + 2:]
    resumed: list[int] = []

    async def one(i: int, raw: bytes) -> EvmTx:
        tx = await helper.decode(raw)
        resumed.append(i)
        return tx

    assert helper._proc is not None and helper._proc.pid is not None
    pid = helper._proc.pid

    def broken(data: bytes) -> None:
        os.kill(pid, signal.SIGCONT)  # it never answered; the loop will not read it again
        raise BrokenPipeError(32, "Broken pipe")

    async def run() -> list[EvmTx]:
        os.kill(pid, signal.SIGSTOP)  # the first job stays unanswered in the helper
        a = asyncio.gather(*(one(i, r) for i, r in enumerate(first)))
        await asyncio.sleep(0)  # the first job goes to the helper
        await asyncio.sleep(0)
        assert len(helper._in_flight) == 1
        assert helper._jobs is not None
        helper._jobs.send_bytes = broken  # type: ignore[method-assign]
        b = asyncio.gather(*(one(len(first) + i, r) for i, r in enumerate(second)))
        return [*await asyncio.wait_for(a, 30), *await asyncio.wait_for(b, 30)]

    assert asyncio.run(run()) == [_expected(r) for r in first + second]
    assert resumed == list(range(len(first) + len(second)))
    assert helper._proc is None and helper.helper_jobs == 0
