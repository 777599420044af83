"""JSON-RPC methods, one module per family; each registers itself in ``registry``."""
