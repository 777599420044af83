// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// The precompile methods a CW20 pointer uses (full interfaces: evm_bridge/precompiles/*.sol).
interface IWasmdForPointer {
    function execute(string memory contractAddress, bytes memory msg, bytes memory coins)
        external payable returns (bytes memory response);
    function query(string memory contractAddress, bytes memory req) external view returns (bytes memory response);
}

interface IJsonForPointer {
    function extractAsUint256(bytes memory input, string memory key) external view returns (uint256 response);
}

interface IAddrForPointer {
    function getSeiAddr(address addr) external view returns (string memory response);
}

/// An ERC-20 standing for one CW20 contract. Balances, allowances and supply are the
/// contract's (smart queries through the wasmd precompile); moves execute the contract
/// through the wasmd precompile by DELEGATECALL, which the precompile allows only from the
/// CW20's registered pointer, so the CW20 sees the wallet calling this contract as its
/// sender. Owners and recipients must have linked addresses (the addr precompile's
/// getSeiAddr reverts otherwise), as on Sei.
contract CW20Pointer {
    address private constant WASMD = 0x0000000000000000000000000000000000001002;
    IWasmdForPointer private constant WASMD_VIEW = IWasmdForPointer(WASMD);
    IJsonForPointer private constant JSON = IJsonForPointer(0x0000000000000000000000000000000000001003);
    IAddrForPointer private constant ADDR = IAddrForPointer(0x0000000000000000000000000000000000001004);

    /// The sei1… address of the CW20 this token stands for.
    string public cw20Address;
    string public name;
    string public symbol;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    constructor(string memory cw20Address_, string memory name_, string memory symbol_) {
        cw20Address = cw20Address_;
        name = name_;
        symbol = symbol_;
    }

    function decimals() external view returns (uint8) {
        return uint8(JSON.extractAsUint256(_query('{"token_info":{}}'), "decimals"));
    }

    function totalSupply() external view returns (uint256) {
        return JSON.extractAsUint256(_query('{"token_info":{}}'), "total_supply");
    }

    function balanceOf(address owner) external view returns (uint256) {
        return JSON.extractAsUint256(_query(string.concat('{"balance":{"address":"', _sei(owner), '"}}')), "balance");
    }

    function allowance(address owner, address spender) public view returns (uint256) {
        string memory req = string.concat('{"allowance":{"owner":"', _sei(owner), '","spender":"', _sei(spender), '"}}');
        return JSON.extractAsUint256(_query(req), "allowance");
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        require(to != address(0), "ERC20: transfer to the zero address");
        _execute(string.concat('{"transfer":{"recipient":"', _sei(to), '","amount":"', _decimal(amount), '"}}'));
        emit Transfer(msg.sender, to, amount);
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        require(to != address(0), "ERC20: transfer to the zero address");
        _execute(string.concat('{"transfer_from":{"owner":"', _sei(from), '","recipient":"', _sei(to),
            '","amount":"', _decimal(amount), '"}}'));
        emit Transfer(from, to, amount);
        return true;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        if (amount > type(uint128).max) {
            amount = type(uint128).max; // a CW20 amount is a Uint128
        }
        uint256 current = allowance(msg.sender, spender);
        if (current != amount) {
            string memory change = current < amount ? "increase_allowance" : "decrease_allowance";
            uint256 delta = current < amount ? amount - current : current - amount;
            _execute(string.concat('{"', change, '":{"spender":"', _sei(spender), '","amount":"', _decimal(delta), '"}}'));
        }
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    function _query(string memory req) private view returns (bytes memory) {
        return WASMD_VIEW.query(cw20Address, bytes(req));
    }

    function _execute(string memory req) private {
        (bool ok, bytes memory ret) = WASMD.delegatecall(
            abi.encodeWithSignature("execute(string,bytes,bytes)", cw20Address, bytes(req), bytes(""))
        );
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
    }

    function _sei(address a) private view returns (string memory) {
        return ADDR.getSeiAddr(a);
    }

    function _decimal(uint256 v) private pure returns (string memory) {
        if (v == 0) {
            return "0";
        }
        uint256 digits;
        for (uint256 t = v; t != 0; t /= 10) {
            digits++;
        }
        bytes memory out = new bytes(digits);
        for (; v != 0; v /= 10) {
            out[--digits] = bytes1(uint8(48 + (v % 10)));
        }
        return string(out);
    }
}
