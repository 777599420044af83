// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A counter that records who bumped it last.
contract Tally {
    uint256 public count;
    address public last;

    event Bumped(address indexed by, uint256 count);

    function bump() external {
        count += 1;
        last = msg.sender;
        emit Bumped(msg.sender, count);
    }
}
