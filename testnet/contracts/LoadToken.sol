// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// The load generator's ERC-20: the constructor grants `grant` to every holder, so one
/// deployment tx prepares all the ERC-20 senders of a run.
contract LoadToken {
    string public constant name = "Load";
    string public constant symbol = "LOAD";
    uint8 public constant decimals = 18;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    constructor(address[] memory holders, uint256 grant) {
        for (uint256 i = 0; i < holders.length; i++) {
            balanceOf[holders[i]] += grant;
            emit Transfer(address(0), holders[i], grant);
        }
        totalSupply = grant * holders.length;
    }

    function transfer(address to, uint256 value) external returns (bool) {
        _move(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        require(allowed >= value, "allowance exceeded");
        if (allowed != type(uint256).max) allowance[from][msg.sender] = allowed - value;
        _move(from, to, value);
        return true;
    }

    function _move(address from, address to, uint256 value) private {
        uint256 have = balanceOf[from];
        require(have >= value, "insufficient balance");
        unchecked {
            balanceOf[from] = have - value;
        }
        balanceOf[to] += value;
        emit Transfer(from, to, value);
    }
}
