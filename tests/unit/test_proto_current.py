"""The committed ``pysei_pb`` stubs are exactly what ``make proto`` generates from ``proto/``."""

from abci_app import protogen


def test_generated_stubs_are_current():
    assert protogen.main(["--check"]) == 0
