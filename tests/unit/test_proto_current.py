"""The committed ``pysei_pb`` stubs are exactly what ``make proto`` generates from ``proto/``."""

from abci_app.cli import proto_stubs as protogen


def test_generated_stubs_are_current():
    assert protogen.main(["--check"]) == 0
