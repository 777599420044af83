"""JSON-RPC methods, one module per family; ``eth_rpc.method_table`` lists them."""
