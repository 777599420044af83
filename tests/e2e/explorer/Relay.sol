// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

interface IToken {
    function transferFrom(address from, address to, uint256 value) external returns (bool);
}

/// Moves the caller's tokens through a nested call, so a tx has a call tree two levels deep.
contract Relay {
    function forward(address token, address to, uint256 value) external returns (bool) {
        return IToken(token).transferFrom(msg.sender, to, value);
    }
}
