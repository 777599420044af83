"""``StoreConfig``: the operator knobs of SeiDB (``[store]`` in the app config file)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StoreConfig:
    """SeiDB settings. None of them affects the app hash.

    * ``ss_keep_recent`` -- SS heights kept for historical reads (0 = keep all).
    * ``ss_prune_interval_heights`` -- run the background SS pruner every this many commits.
    * ``sc_snapshot_interval`` -- write an SC snapshot every this many heights (0 = never).
    * ``sc_snapshot_keep_recent`` -- older snapshots kept besides the newest one.
    * ``async_commit`` -- accepted for config compatibility; SS writes are currently always
      synchronous inside ``commit()`` (SS never lags SC), so readers of the committed height
      always find it.
    * ``ss_cache_entries`` -- newest values of recently read or written keys kept in memory
      (0 = none), ``store.ss.latest_values``.
    """

    ss_keep_recent: int = 100_000
    ss_prune_interval_heights: int = 100
    sc_snapshot_interval: int = 10_000
    sc_snapshot_keep_recent: int = 1
    async_commit: bool = False
    ss_cache_entries: int = 131_072

    def __post_init__(self) -> None:
        for name in ("ss_keep_recent", "ss_prune_interval_heights", "sc_snapshot_interval",
                     "sc_snapshot_keep_recent", "ss_cache_entries"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0")
