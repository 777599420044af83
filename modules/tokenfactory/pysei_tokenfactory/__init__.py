"""Sei's tokenfactory for pysei: ``factory/{creator}/{subdenom}`` denoms as bank balances.

Map: ``module`` builds the ``Module`` (entry point ``pysei.modules: tokenfactory``);
``msgs`` handles MsgCreateDenom, MsgMint, MsgBurn, MsgChangeAdmin, MsgSetDenomMetadata;
``queries`` answers DenomAuthorityMetadata and DenomsFromCreator; ``denoms`` owns naming,
admins and the store layout; ``genesis`` imports and exports the module's section; ``pb``
holds stubs generated from ``proto/`` (``abci_app.cli.scaffold.module_stubs``).
"""
