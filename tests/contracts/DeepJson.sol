// SPDX-License-Identifier: MIT
pragma solidity ^0.8.0;

import "./Json.sol";

/// Issue 17: builds `{"a":` + depth x `[` + depth x `]` + `}` in memory and hands it to the
/// json precompile's extractAsBytes (0x...1003).
contract DeepJson {
    event Extracted(bytes value);

    /// The JSON text `{"a":[[...]]}` with `depth` nested arrays under "a".
    function nested(uint256 depth) public pure returns (bytes memory text) {
        uint256 len = 2 * depth + 6;
        text = new bytes(len + 64); // room for the 32-byte stores below; the length is set last
        assembly {
            let start := add(text, 32)
            mstore8(start, 0x7b) // {
            mstore8(add(start, 1), 0x22) // "
            mstore8(add(start, 2), 0x61) // a
            mstore8(add(start, 3), 0x22) // "
            mstore8(add(start, 4), 0x3a) // :
            let opens := add(start, 5)
            let word := 0x5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b
            for { let i := 0 } lt(i, depth) { i := add(i, 32) } { mstore(add(opens, i), word) }
            let closes := add(opens, depth)
            word := 0x5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d
            for { let i := 0 } lt(i, depth) { i := add(i, 32) } { mstore(add(closes, i), word) }
            mstore8(add(closes, depth), 0x7d) // }
            mstore(text, len)
        }
    }

    /// extractAsBytes(nested(depth), "a"), read-only (for eth_call).
    function extract(uint256 depth) external view returns (bytes memory) {
        return JSON_CONTRACT.extractAsBytes(nested(depth), "a");
    }

    /// The same in a transaction; the value is logged.
    function record(uint256 depth) external returns (bytes memory value) {
        value = JSON_CONTRACT.extractAsBytes(nested(depth), "a");
        emit Extracted(value);
    }
}
