// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// The bank precompile methods a native pointer uses (the full interface is
/// evm_bridge/precompiles/Bank.sol).
interface IBankForPointer {
    function send(address fromAddress, address toAddress, string memory denom, uint256 amount)
        external returns (bool success);
    function balance(address acc, string memory denom) external view returns (uint256 amount);
    function supply(string memory denom) external view returns (uint256 response);
    function name(string memory denom) external view returns (string memory response);
    function symbol(string memory denom) external view returns (string memory response);
    function decimals(string memory denom) external view returns (uint8 response);
}

/// An ERC-20 standing for one native bank denom. Balances, supply and metadata are the bank
/// module's; a transfer moves the native coins through the bank precompile's `send`, which
/// only the denom's registered pointer may call. Allowances are this contract's own.
contract NativePointer {
    IBankForPointer private constant BANK = IBankForPointer(0x0000000000000000000000000000000000001001);

    /// The bank denom this token stands for.
    string public denom;

    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    constructor(string memory denom_) {
        denom = denom_;
    }

    function name() external view returns (string memory) {
        return BANK.name(denom);
    }

    function symbol() external view returns (string memory) {
        return BANK.symbol(denom);
    }

    function decimals() external view returns (uint8) {
        return BANK.decimals(denom);
    }

    function totalSupply() external view returns (uint256) {
        return BANK.supply(denom);
    }

    function balanceOf(address account) external view returns (uint256) {
        return BANK.balance(account, denom);
    }

    function transfer(address to, uint256 value) external returns (bool) {
        _move(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        require(spender != address(0), "ERC20: approve to the zero address");
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) {
            require(allowed >= value, "ERC20: insufficient allowance");
            allowance[from][msg.sender] = allowed - value;
        }
        _move(from, to, value);
        return true;
    }

    function _move(address from, address to, uint256 value) private {
        require(to != address(0), "ERC20: transfer to the zero address");
        require(BANK.send(from, to, denom, value), "NativePointer: bank send failed");
        emit Transfer(from, to, value);
    }
}
