// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

// A Uniswap-v3-shaped corpus for the estimate/execute differential test: a factory that
// deploys pools with CREATE2, pools with a time-keyed oracle (a write only when the block
// time moved, as Uniswap's Oracle.write), a position manager that stores many fresh slots
// per mint, calls the pool, which calls back into the manager, which pulls tokens with
// transferFrom (nested calls), and a burn that clears slots (refunds).

contract DToken {
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    function mint(address to, uint256 amount) external {
        balanceOf[to] += amount;
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        return true;
    }

    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        uint256 a = allowance[from][msg.sender];
        require(a >= amount, "DToken: allowance");
        if (a != type(uint256).max) allowance[from][msg.sender] = a - amount;
        require(balanceOf[from] >= amount, "DToken: balance");
        balanceOf[from] -= amount;
        balanceOf[to] += amount;
        return true;
    }
}

interface IMintCallback {
    function mintCallback(uint256 amount0, uint256 amount1, bytes calldata data) external;
}

contract DPool {
    struct Observation {
        uint32 blockTimestamp;
        int56 tickCumulative;
        uint160 secondsPerLiquidity;
        bool initialized;
    }

    struct Tick {
        uint128 liquidityGross;
        int128 liquidityNet;
        uint256 feeGrowthOutside0;
        uint256 feeGrowthOutside1;
        uint32 secondsOutside;
        bool initialized;
    }

    address public immutable token0;
    address public immutable token1;
    int24 public tick;
    uint16 public observationIndex;
    uint16 public observationCardinality;
    uint128 public liquidity;
    Observation[8] public observations;
    mapping(int24 => Tick) public ticks;
    mapping(bytes32 => uint128) public positions;

    constructor(address a, address b) {
        token0 = a;
        token1 = b;
    }

    function initialize(int24 startTick) external {
        require(observationCardinality == 0, "DPool: initialized");
        tick = startTick;
        observations[0] = Observation(uint32(block.timestamp), 0, 0, true);
        observationCardinality = 8;
    }

    function _write() internal {
        Observation memory last = observations[observationIndex];
        if (last.blockTimestamp == uint32(block.timestamp)) return;
        uint32 delta = uint32(block.timestamp) - last.blockTimestamp;
        uint16 next = (observationIndex + 1) % observationCardinality;
        observations[next] = Observation(
            uint32(block.timestamp),
            last.tickCumulative + int56(tick) * int56(uint56(delta)),
            last.secondsPerLiquidity + (uint160(delta) << 128) / (liquidity > 0 ? liquidity : 1),
            true
        );
        observationIndex = next;
    }

    function _touch(int24 t, int128 delta) internal {
        Tick storage info = ticks[t];
        if (!info.initialized) {
            info.initialized = true;
            info.secondsOutside = uint32(block.timestamp);
            info.feeGrowthOutside0 = uint256(keccak256(abi.encode(t, 0)));
            info.feeGrowthOutside1 = uint256(keccak256(abi.encode(t, 1)));
        }
        info.liquidityGross += uint128(delta > 0 ? delta : -delta);
        info.liquidityNet += delta;
    }

    function mint(address owner, int24 lower, int24 upper, uint128 amount, bytes calldata data)
        external
        returns (uint256 amount0, uint256 amount1)
    {
        require(lower < upper, "DPool: ticks");
        _write();
        _touch(lower, int128(amount));
        _touch(upper, -int128(amount));
        positions[keccak256(abi.encodePacked(owner, lower, upper))] += amount;
        liquidity += amount;
        amount0 = uint256(amount) * 3;
        amount1 = uint256(amount) * 2;
        uint256 b0 = DToken(token0).balanceOf(address(this));
        uint256 b1 = DToken(token1).balanceOf(address(this));
        IMintCallback(msg.sender).mintCallback(amount0, amount1, data);
        require(DToken(token0).balanceOf(address(this)) >= b0 + amount0, "DPool: M0");
        require(DToken(token1).balanceOf(address(this)) >= b1 + amount1, "DPool: M1");
    }

    function burn(address owner, int24 lower, int24 upper) external {
        bytes32 key = keccak256(abi.encodePacked(owner, lower, upper));
        uint128 amount = positions[key];
        require(amount > 0, "DPool: none");
        _write();
        delete positions[key];
        liquidity -= amount;
        ticks[lower].liquidityGross -= amount;
        ticks[upper].liquidityGross -= amount;
        if (ticks[lower].liquidityGross == 0) delete ticks[lower];
        if (ticks[upper].liquidityGross == 0) delete ticks[upper];
    }
}

contract DFactory {
    mapping(address => mapping(address => address)) public getPool;
    address[] public allPools;

    function createPool(address a, address b) external returns (address pool) {
        require(getPool[a][b] == address(0), "DFactory: exists");
        pool = address(new DPool{salt: keccak256(abi.encode(a, b))}(a, b));
        getPool[a][b] = pool;
        getPool[b][a] = pool;
        allPools.push(pool);
    }

    function poolAddress(address a, address b) external view returns (address) {
        bytes32 h = keccak256(abi.encodePacked(
            bytes1(0xff), address(this), keccak256(abi.encode(a, b)),
            keccak256(abi.encodePacked(type(DPool).creationCode, abi.encode(a, b)))
        ));
        return address(uint160(uint256(h)));
    }
}

contract DManager is IMintCallback {
    struct Position {
        address owner;
        uint96 nonce;
        address pool;
        int24 lower;
        int24 upper;
        uint128 liquidity;
        uint256 feeGrowthInside0;
        uint256 feeGrowthInside1;
        uint128 tokensOwed0;
        uint128 tokensOwed1;
    }

    uint256 public nextId = 1;
    mapping(uint256 => Position) public positions;
    mapping(address => uint256) public balanceOf;
    mapping(uint256 => address) public ownerOf;

    function mint(DPool pool, int24 lower, int24 upper, uint128 amount) external returns (uint256 id) {
        pool.mint(address(this), lower, upper, amount, abi.encode(msg.sender));
        id = nextId++;
        positions[id] = Position(msg.sender, uint96(id), address(pool), lower, upper, amount,
                                 uint256(keccak256(abi.encode(id, 0))), uint256(keccak256(abi.encode(id, 1))),
                                 amount / 7 + 1, amount / 11 + 1);
        balanceOf[msg.sender] += 1;
        ownerOf[id] = msg.sender;
    }

    function mintCallback(uint256 amount0, uint256 amount1, bytes calldata data) external override {
        address payer = abi.decode(data, (address));
        DPool pool = DPool(msg.sender);
        DToken(pool.token0()).transferFrom(payer, msg.sender, amount0);
        DToken(pool.token1()).transferFrom(payer, msg.sender, amount1);
    }

    function burn(uint256 id) external {
        Position memory p = positions[id];
        require(p.owner == msg.sender, "DManager: owner");
        DPool(p.pool).burn(address(this), p.lower, p.upper);
        delete positions[id];
        delete ownerOf[id];
        balanceOf[msg.sender] -= 1;
    }
}

interface IBank {
    function balance(address acc, string memory denom) external view returns (uint256 amount);
    function sendNative(string memory toNativeAddress) external payable returns (bool success);
}

interface IJson {
    function extractAsUint256(bytes memory input, string memory key) external view returns (uint256 response);
}

interface IAddr {
    function getSeiAddr(address addr) external view returns (string memory response);
}

// Calls the bank, json and addr precompiles from a contract and keeps what they said.
contract DPrecompileUser {
    uint256 public lastBalance;
    uint256 public lastNumber;
    bytes32 public lastSei;

    function useAll(address who, bytes calldata json) external payable {
        lastBalance = IBank(address(0x1001)).balance(who, "usei");
        lastNumber = IJson(address(0x1003)).extractAsUint256(json, "n");
        lastSei = keccak256(bytes(IAddr(address(0x1004)).getSeiAddr(who)));
        if (msg.value > 0) {
            IBank(address(0x1001)).sendNative{value: msg.value}(IAddr(address(0x1004)).getSeiAddr(who));
        }
    }
}

// Reverts and out-of-gas paths.
contract DFailing {
    uint256 public counter;

    function revertAfterWrites(uint256 n) external {
        for (uint256 i = 0; i < n; i++) counter += 1;
        revert("DFailing: no");
    }

    function burnAllGas() external {
        while (true) counter += 1;
    }

    // Succeeds only with enough gas left after a costly prelude: a try/catch around a
    // call that needs most of the 63/64 forwarded gas.
    function needsForwardedGas() external {
        uint256 before = counter;
        try this.heavy() {} catch { revert("DFailing: inner ran out"); }
        require(counter == before + 40, "DFailing: count");
    }

    function heavy() external {
        require(msg.sender == address(this), "DFailing: self");
        for (uint256 i = 0; i < 40; i++) counter += 1;
        uint256[] memory junk = new uint256[](400);
        junk[399] = 1;
    }
}

// The code an EOA delegates to (EIP-7702): it runs in the EOA's own storage.
contract DDelegate {
    uint256 public count;
    mapping(uint256 => uint256) public marks;

    function increment() external {
        count += 1;
        marks[count] = block.number;
    }
}
