"""``index_events`` (app.toml): which event attributes FinalizeBlock marks for CometBFT's tx
index while CometBFT indexes them (``tx_index = "cometbft"``, the default), as the Cosmos
SDK's ``index-events``: every one by default, else those listed; none while the node's own
index answers event searches (``tx_index = "app"``)."""

from __future__ import annotations

from tests.support.chain import cosmos_send, make_keys, started_chain

KEYS = make_keys(2, seed="index-events")


def _flags(tmp_path, index_events: list[str], tx_index: str = "cometbft") -> dict[tuple[str, str], set[bool]]:
    """(type, key) -> the index flags its attributes got in a native send's result."""
    with started_chain(tmp_path, KEYS, index_events=index_events, tx_index=tx_index) as chain:
        resp = chain.block([cosmos_send(KEYS[0], KEYS[1].sei, 5, 0, 0)])
    assert resp.tx_results[0].code == 0
    flags: dict[tuple[str, str], set[bool]] = {}
    for e in resp.tx_results[0].events:
        for a in e.attributes:
            flags.setdefault((e.type, a.key), set()).add(a.index)
    return flags


def test_every_attribute_is_indexed_by_default(tmp_path) -> None:
    flags = _flags(tmp_path, [])
    assert ("transfer", "amount") in flags and ("tx", "signature") in flags
    assert all(f == {True} for f in flags.values())


def test_only_the_listed_attributes_are_indexed(tmp_path) -> None:
    flags = _flags(tmp_path, ["transfer.recipient", "message.sender"])
    assert {k for k, f in flags.items() if True in f} == {("transfer", "recipient"), ("message", "sender")}
    assert flags[("message", "sender")] == {True}  # every message event's sender
    assert flags[("transfer", "amount")] == {False} and flags[("tx", "signature")] == {False}


def test_no_attribute_goes_to_cometbft_while_the_node_indexes_them(tmp_path) -> None:
    flags = _flags(tmp_path, [], "app")
    assert ("transfer", "amount") in flags and ("message", "sender") in flags
    assert all(f == {False} for f in flags.values())
