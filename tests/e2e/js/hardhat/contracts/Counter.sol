// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A counter for the Hardhat e2e: a state change, an event and a revert with a reason.
contract Counter {
    uint256 public count;
    event Increased(address indexed by, uint256 count);

    function increase(uint256 by) external {
        require(by > 0, "Counter: zero increase");
        count += by;
        emit Increased(msg.sender, count);
    }
}
