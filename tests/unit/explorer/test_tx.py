"""``explorer.tx.contract_msg``: a CosmWasm msg shown as its JSON."""

from __future__ import annotations

import base64

from explorer.tx import contract_msg


def test_contract_msg_is_decoded() -> None:
    raw = base64.b64encode(b'{"transfer":{"recipient":"sei1x","amount":"25"}}').decode()
    assert contract_msg("msg", raw) == '{"transfer": {"amount": "25", "recipient": "sei1x"}}'


def test_other_fields_and_undecodable_msgs_are_kept() -> None:
    assert contract_msg("sender", "c2Vp") == "c2Vp"
    assert contract_msg("msg", "not base64!") == "not base64!"
    assert contract_msg("msg", base64.b64encode(b"[" * 200 + b"]" * 200).decode()) == base64.b64encode(b"[" * 200 + b"]" * 200).decode()
    assert contract_msg("msg", {"already": "json"}) == {"already": "json"}
