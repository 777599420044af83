"""Genesis block parameters (``ledger.context``): the limit on gas wanted is read from
``app_state.consensus``, defaults to the block gas limit, is exported as given and refuses
malformed values; a chain made by ``pysei init`` gets twice the gas limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from abci_app.cli.home_init import BLOCK_MAX_GAS, BLOCK_MAX_GAS_WANTED, app_genesis
from abci_app.cli.state_export import export_app_state
from ledger.context import (
    BLOCK_PARAMS_SECTION,
    block_gas_limit,
    block_gas_wanted_limit,
    export_block_params,
    init_block_params,
)
from store.overlay import EmptyView, Overlay
from tests.support.chain import make_keys, started_chain


def test_without_a_limit_on_gas_wanted_the_gas_limit_is_it():
    view = Overlay(EmptyView())
    init_block_params(view, 30_000_000, {})
    assert (block_gas_limit(view), block_gas_wanted_limit(view), export_block_params(view)) == (30_000_000, 30_000_000, {})


def test_a_limit_on_gas_wanted_is_stored_and_exported_as_given():
    view = Overlay(EmptyView())
    init_block_params(view, 30_000_000, {"max_gas_wanted": "70000000"})
    assert (block_gas_limit(view), block_gas_wanted_limit(view)) == (30_000_000, 70_000_000)
    assert export_block_params(view) == {"max_gas_wanted": "70000000"}
    again = Overlay(EmptyView())
    init_block_params(again, 30_000_000, export_block_params(view))
    assert again.writes() == view.writes()


@pytest.mark.parametrize(
    ("section", "error"),
    [
        ({"max_gas_wanted": "0"}, "app_state.consensus.max_gas_wanted must be a positive integer string, not '0'"),
        ({"max_gas_wanted": "-5"}, "app_state.consensus.max_gas_wanted must be a positive integer string, not '-5'"),
        ({"max_gas_wanted": 5}, "app_state.consensus.max_gas_wanted must be a positive integer string, not 5"),
        ({"max_gas_wanted": "²"}, "app_state.consensus.max_gas_wanted must be a positive integer string, not '²'"),
        ({"max_gas": "1"}, "app_state.consensus: unknown fields ['max_gas']"),
        (["max_gas_wanted"], "app_state.consensus must be an object"),
    ],
    ids=["zero", "negative", "number", "not_ascii", "unknown_field", "not_an_object"],
)
def test_a_malformed_section_is_refused(section, error):
    with pytest.raises(ValueError) as e:
        init_block_params(Overlay(EmptyView()), 30_000_000, section)
    assert str(e.value) == error


def test_a_new_chain_gets_twice_the_gas_limit_and_exports_it(tmp_path: Path):
    assert app_genesis([])[BLOCK_PARAMS_SECTION] == {"max_gas_wanted": str(2 * BLOCK_MAX_GAS)}
    with started_chain(tmp_path, make_keys(2)) as chain:
        view = chain.db.read_view()
        assert block_gas_wanted_limit(view) == BLOCK_MAX_GAS_WANTED == 200_000_000
        state, _ = export_app_state(view, [])
        assert state == {BLOCK_PARAMS_SECTION: {"max_gas_wanted": "200000000"}}
