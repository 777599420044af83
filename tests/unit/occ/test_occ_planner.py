"""``occ.planner``: how many txs each worker gets, from per-tx costs; and how the costs are
learned from measured blocks."""

from __future__ import annotations

import random

import pytest

from occ.planner import Costs, Planner


def test_default_costs_give_one_worker_about_half_the_block() -> None:
    planner = Planner()
    for n in (100, 1000, 10_000):
        m = planner.segment(n, 1)
        assert 0.45 * n <= m < 0.5 * n, (n, m)  # speculating costs the worker a bit more
    assert planner.segment(1000, 1) == 1000 * 1000 // (1100 + 940)


def test_the_split_balances_the_coordinator_and_the_workers() -> None:
    """The coordinator works ``(n - w*m)*own + w*m*(settle + invalid*own)``, each worker
    ``m*speculative``: the plan makes them equal, up to one tx."""
    rng = random.Random(5)
    for _ in range(300):
        own = rng.randint(100, 5000)
        costs = Costs(own, rng.randint(100, 5000), rng.randint(0, own // 4), rng.randint(0, 500))
        planner = Planner(costs, min_segment=1)
        n, workers = rng.randint(200, 5000), rng.randint(1, 8)
        m = planner.segment(n, workers)
        if m == n // workers:
            continue  # clamped: workers would take more than the block
        coordinator = (n - workers * m) * costs.own * 1000 + workers * m * (
            costs.settle * 1000 + costs.invalid_permille * costs.own
        )
        worker = m * costs.speculative * 1000
        one_tx = 1000 * (costs.own + costs.speculative + costs.settle) * workers
        assert abs(coordinator - worker) <= one_tx, (costs, n, workers, m)


def test_more_workers_get_smaller_segments() -> None:
    planner = Planner()
    sizes = [planner.segment(1000, w) for w in (1, 2, 4, 8)]
    assert sizes == sorted(sizes, reverse=True) and len(set(sizes)) == 4
    assert sizes[1] * 2 > sizes[0]  # the whole workers' share still grows


def test_cheap_speculation_moves_more_of_the_block_to_the_workers() -> None:
    dear = Planner(Costs(own=1000, speculative=3000, settle=60)).segment(1000, 2)
    cheap = Planner(Costs(own=1000, speculative=200, settle=60)).segment(1000, 2)
    assert cheap > dear > 0


def test_free_speculation_gives_the_workers_the_whole_block_and_never_more() -> None:
    planner = Planner(Costs(own=1000, speculative=0, settle=0), min_segment=1)
    for n, workers in [(4, 2), (5, 2), (7, 3), (100, 1), (1, 1), (1, 2)]:
        assert planner.segment(n, workers) == n // workers


@pytest.mark.parametrize("seed", range(3))
def test_segments_are_ints_within_the_block_and_at_least_min_segment(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(500):
        costs = Costs(
            own=rng.randint(1, 5000),
            speculative=rng.randint(0, 5000),
            settle=rng.randint(0, 2000),
            invalid_permille=rng.randint(0, 1000),
        )
        planner = Planner(costs, min_segment=rng.randint(1, 16), probe_share=rng.randint(1, 64))
        n, workers = rng.randint(0, 3000), rng.randint(1, 8)
        m = planner.segment(n, workers)
        assert type(m) is int
        assert 0 <= m <= n // workers
        assert m == 0 or m >= planner.min_segment, (costs, n, workers, m)


def test_when_speculation_is_a_loss_workers_only_probe() -> None:
    planner = Planner(Costs(invalid_permille=1000), min_segment=4, probe_share=32)
    assert planner.segment(3200, 1) == 100  # 1/probe_share of the block per worker
    assert planner.segment(3200, 4) == 25
    assert planner.segment(100, 1) == 4  # at least min_segment...
    assert planner.segment(8, 1) == 4
    assert planner.segment(7, 1) == 0  # ...when the block has room for two of them
    assert planner.segment(15, 2) == 0 and planner.segment(16, 2) == 4
    # Settling alone costing as much as executing is a loss too.
    assert Planner(Costs(own=100, settle=100)).segment(3200, 1) == 100


def test_tiny_blocks_are_not_split() -> None:
    planner = Planner(min_segment=4)
    assert planner.segment(0, 2) == 0
    assert planner.segment(7, 1) == 0  # a 3-tx segment is not worth a round trip
    assert planner.segment(10, 1) == 4
    assert planner.segment(100, 0) == 0  # no workers
    assert Planner(min_segment=50).segment(100, 1) == 0
    assert Planner(min_segment=40).segment(100, 1) == 49


def test_blend_averages_timings() -> None:
    old = Costs(own=1000, speculative=1100, settle=60, invalid_permille=0)
    new = old.blend(Costs(own=3001, speculative=100, settle=61, invalid_permille=0))
    assert new == Costs(own=2000, speculative=600, settle=60, invalid_permille=0)


def test_blend_raises_the_conflict_share_at_once_and_eases_it_by_halves() -> None:
    costs = Costs(invalid_permille=100)
    burst = costs.blend(Costs(invalid_permille=900))
    assert burst.invalid_permille == 900
    assert burst.blend(Costs(invalid_permille=0)).invalid_permille == 450
    assert burst.blend(Costs(invalid_permille=301)).invalid_permille == 600


def test_observe_blends_into_the_estimate() -> None:
    planner = Planner(Costs(own=1000, speculative=1000, settle=100, invalid_permille=0))
    planner.observe(Costs(own=3000, speculative=2000, settle=0, invalid_permille=0))
    assert planner.costs == Costs(own=2000, speculative=1500, settle=50, invalid_permille=0)


def test_observe_conflicts_keeps_the_timings() -> None:
    costs = Costs(own=700, speculative=900, settle=30, invalid_permille=200)
    planner = Planner(costs)
    planner.observe_conflicts(1000)
    assert planner.costs == Costs(own=700, speculative=900, settle=30, invalid_permille=1000)
    planner.observe_conflicts(0)
    assert planner.costs == Costs(own=700, speculative=900, settle=30, invalid_permille=500)


def test_a_burst_of_conflicts_cuts_the_next_split_to_a_probe_and_calm_blocks_restore_it() -> None:
    planner = Planner(min_segment=4, probe_share=32)
    calm = planner.segment(1000, 2)
    planner.observe_conflicts(1000)
    assert planner.segment(1000, 2) == 1000 // 64 < calm
    for _ in range(10):
        planner.observe_conflicts(0)
    assert planner.segment(1000, 2) >= calm - 1


def test_after_a_stall_one_block_probes_then_the_split_is_back() -> None:
    planner = Planner(Costs(own=1000, speculative=1100, settle=60))
    normal = planner.segment(1000, 1)
    planner.observe_stall()
    assert planner.segment(1000, 1) == 1000 // 32 < normal
    assert planner.segment(1000, 1) == normal
