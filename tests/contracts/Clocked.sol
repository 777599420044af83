// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Gas that depends on the block: like Uniswap v3's oracle, ``poke`` writes fresh slots
/// only when the block time moved since the last write (the estimate bug of issue 19).
contract Clocked {
    uint256 public last;
    uint256 public writes;
    mapping(uint256 => uint256) public observations;

    function init() external {
        last = block.timestamp;
    }

    function poke() external {
        if (block.timestamp == last) return;
        last = block.timestamp;
        for (uint256 i = 0; i < 4; i++) observations[writes * 4 + i] = block.timestamp + i;
        writes += 1;
    }
}
