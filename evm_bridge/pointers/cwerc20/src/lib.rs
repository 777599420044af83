//! pysei's CW20 pointer of an ERC-20 (Sei calls it cwerc20): the cw20 interface, backed by
//! the ERC-20 at `erc20_address`.
//!
//! * Each execute becomes one call of the ERC-20 sent as Sei's `delegate_call_evm` custom
//!   message: the chain runs it with the message's sender (their EVM address) as
//!   `msg.sender`, and only for the ERC-20's registered pointer.
//! * Each query becomes a read-only call through the `evm` route's `static_call` query.
//! * Sei addresses become EVM addresses through the `evm` route's `get_evm_address` query
//!   (the association, else the direct cast).
//! * `mint`, `burn`, `burn_from`, the minter and marketing updates are refused: supply
//!   belongs to the ERC-20. Enumerating queries are refused: an ERC-20 cannot list holders.
//!
//! Calldata is ABI-encoded here (fixed selectors, 32-byte words); amounts are cw20's
//! `Uint128`, so an ERC-20 value above it is an error.

use cosmwasm_std::{
    entry_point, to_json_binary, Binary, CosmosMsg, CustomMsg, CustomQuery, Deps, DepsMut, Env, MessageInfo,
    QueryRequest, Response, StdError, StdResult, Uint128, WasmMsg,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

const ERC20_KEY: &[u8] = b"erc20_address";

const TRANSFER: [u8; 4] = [0xa9, 0x05, 0x9c, 0xbb]; // transfer(address,uint256)
const TRANSFER_FROM: [u8; 4] = [0x23, 0xb8, 0x72, 0xdd]; // transferFrom(address,address,uint256)
const APPROVE: [u8; 4] = [0x09, 0x5e, 0xa7, 0xb3]; // approve(address,uint256)
const BALANCE_OF: [u8; 4] = [0x70, 0xa0, 0x82, 0x31]; // balanceOf(address)
const ALLOWANCE: [u8; 4] = [0xdd, 0x62, 0xed, 0x3e]; // allowance(address,address)
const NAME: [u8; 4] = [0x06, 0xfd, 0xde, 0x03]; // name()
const SYMBOL: [u8; 4] = [0x95, 0xd8, 0x9b, 0x41]; // symbol()
const DECIMALS: [u8; 4] = [0x31, 0x3c, 0xe5, 0x67]; // decimals()
const TOTAL_SUPPLY: [u8; 4] = [0x18, 0x16, 0x0d, 0xdd]; // totalSupply()

// ---- Sei's custom message and query ----

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SeiMsg {
    DelegateCallEvm { to: String, data: String },
}

impl CustomMsg for SeiMsg {}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum EvmQuery {
    StaticCall { from: String, to: String, data: String },
    GetEvmAddress { sei_address: String },
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct SeiQueryWrapper {
    pub route: String,
    pub query_data: EvmQuery,
}

impl CustomQuery for SeiQueryWrapper {}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct StaticCallResponse {
    pub encoded_data: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct EvmAddressResponse {
    pub evm_address: String,
    pub associated: bool,
}

// ---- the cw20 interface ----

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct InstantiateMsg {
    pub erc20_address: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Expiration {
    AtHeight(u64),
    AtTime(String),
    Never {},
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum ExecuteMsg {
    Transfer { recipient: String, amount: Uint128 },
    Send { contract: String, amount: Uint128, msg: Binary },
    TransferFrom { owner: String, recipient: String, amount: Uint128 },
    SendFrom { owner: String, contract: String, amount: Uint128, msg: Binary },
    IncreaseAllowance { spender: String, amount: Uint128, expires: Option<Expiration> },
    DecreaseAllowance { spender: String, amount: Uint128, expires: Option<Expiration> },
    Burn { amount: Uint128 },
    BurnFrom { owner: String, amount: Uint128 },
    Mint { recipient: String, amount: Uint128 },
    UpdateMinter { new_minter: Option<String> },
    UpdateMarketing { project: Option<String>, description: Option<String>, marketing: Option<String> },
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum QueryMsg {
    Balance { address: String },
    TokenInfo {},
    Allowance { owner: String, spender: String },
    Minter {},
    MarketingInfo {},
    AllAllowances { owner: String, start_after: Option<String>, limit: Option<u32> },
    AllSpenderAllowances { spender: String, start_after: Option<String>, limit: Option<u32> },
    AllAccounts { start_after: Option<String>, limit: Option<u32> },
    DownloadLogo {},
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct BalanceResponse {
    pub balance: Uint128,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct TokenInfoResponse {
    pub name: String,
    pub symbol: String,
    pub decimals: u8,
    pub total_supply: Uint128,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct AllowanceResponse {
    pub allowance: Uint128,
    pub expires: Expiration,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct MarketingInfoResponse {
    pub project: Option<String>,
    pub description: Option<String>,
    pub logo: Option<String>,
    pub marketing: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Cw20ReceiveMsg {
    pub sender: String,
    pub amount: Uint128,
    pub msg: Binary,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
enum ReceiverExecuteMsg {
    Receive(Cw20ReceiveMsg),
}

// ---- ABI words ----

fn hex_digit(c: u8) -> StdResult<u8> {
    match c {
        b'0'..=b'9' => Ok(c - b'0'),
        b'a'..=b'f' => Ok(c - b'a' + 10),
        b'A'..=b'F' => Ok(c - b'A' + 10),
        _ => Err(StdError::generic_err("invalid hex digit")),
    }
}

fn address_word(text: &str) -> StdResult<[u8; 32]> {
    let hex = text.strip_prefix("0x").ok_or_else(|| StdError::generic_err(format!("invalid EVM address {text}")))?;
    if hex.len() != 40 {
        return Err(StdError::generic_err(format!("invalid EVM address {text}")));
    }
    let mut word = [0u8; 32];
    for (i, pair) in hex.as_bytes().chunks(2).enumerate() {
        word[12 + i] = hex_digit(pair[0])? << 4 | hex_digit(pair[1])?;
    }
    Ok(word)
}

fn amount_word(amount: Uint128) -> [u8; 32] {
    let mut word = [0u8; 32];
    word[16..].copy_from_slice(&amount.u128().to_be_bytes());
    word
}

fn calldata(selector: [u8; 4], words: &[[u8; 32]]) -> String {
    let mut out = selector.to_vec();
    for word in words {
        out.extend_from_slice(word);
    }
    Binary::from(out).to_base64()
}

fn word_at(out: &[u8], index: usize) -> StdResult<&[u8]> {
    out.get(index * 32..index * 32 + 32).ok_or_else(|| StdError::generic_err("short ERC-20 answer"))
}

fn decode_uint128(out: &[u8]) -> StdResult<Uint128> {
    let word = word_at(out, 0)?;
    if word[..16].iter().any(|b| *b != 0) {
        return Err(StdError::generic_err("ERC-20 amount does not fit a cw20 Uint128"));
    }
    let mut low = [0u8; 16];
    low.copy_from_slice(&word[16..]);
    Ok(Uint128::new(u128::from_be_bytes(low)))
}

fn small(word: &[u8]) -> StdResult<usize> {
    if word[..24].iter().any(|b| *b != 0) {
        return Err(StdError::generic_err("malformed ERC-20 answer"));
    }
    let mut low = [0u8; 8];
    low.copy_from_slice(&word[24..]);
    Ok(u64::from_be_bytes(low) as usize)
}

fn decode_string(out: &[u8]) -> StdResult<String> {
    let offset = small(word_at(out, 0)?)?;
    let len = small(out.get(offset..offset + 32).ok_or_else(|| StdError::generic_err("short ERC-20 answer"))?)?;
    let bytes = out.get(offset + 32..offset + 32 + len).ok_or_else(|| StdError::generic_err("short ERC-20 answer"))?;
    String::from_utf8(bytes.to_vec()).map_err(|_| StdError::generic_err("ERC-20 string is not UTF-8"))
}

// ---- the chain ----

fn erc20(deps: &Deps<SeiQueryWrapper>) -> StdResult<String> {
    let raw = deps.storage.get(ERC20_KEY).ok_or_else(|| StdError::generic_err("pointer has no ERC-20"))?;
    String::from_utf8(raw).map_err(|_| StdError::generic_err("corrupt ERC-20 address"))
}

fn evm_address(deps: &Deps<SeiQueryWrapper>, sei_address: &str) -> StdResult<[u8; 32]> {
    let request = QueryRequest::Custom(SeiQueryWrapper {
        route: "evm".to_string(),
        query_data: EvmQuery::GetEvmAddress { sei_address: sei_address.to_string() },
    });
    let answer: EvmAddressResponse = deps.querier.query(&request)?;
    address_word(&answer.evm_address)
}

fn static_call(deps: &Deps<SeiQueryWrapper>, env: &Env, data: String) -> StdResult<Vec<u8>> {
    let request = QueryRequest::Custom(SeiQueryWrapper {
        route: "evm".to_string(),
        query_data: EvmQuery::StaticCall { from: env.contract.address.to_string(), to: erc20(deps)?, data },
    });
    let answer: StaticCallResponse = deps.querier.query(&request)?;
    Ok(Binary::from_base64(&answer.encoded_data)?.to_vec())
}

fn delegate_call(deps: &Deps<SeiQueryWrapper>, data: String) -> StdResult<CosmosMsg<SeiMsg>> {
    Ok(CosmosMsg::Custom(SeiMsg::DelegateCallEvm { to: erc20(deps)?, data }))
}

fn allowance_of(deps: &Deps<SeiQueryWrapper>, env: &Env, owner: &str, spender: &str) -> StdResult<Uint128> {
    let data = calldata(ALLOWANCE, &[evm_address(deps, owner)?, evm_address(deps, spender)?]);
    decode_uint128(&static_call(deps, env, data)?)
}

fn receive(contract: String, sender: String, amount: Uint128, msg: Binary) -> StdResult<CosmosMsg<SeiMsg>> {
    let body = to_json_binary(&ReceiverExecuteMsg::Receive(Cw20ReceiveMsg { sender, amount, msg }))?;
    Ok(CosmosMsg::Wasm(WasmMsg::Execute { contract_addr: contract, msg: body, funds: vec![] }))
}

fn no_expiry(expires: &Option<Expiration>) -> StdResult<()> {
    match expires {
        None | Some(Expiration::Never {}) => Ok(()),
        _ => Err(StdError::generic_err("ERC-20 allowances do not expire")),
    }
}

// ---- entry points ----

#[entry_point]
pub fn instantiate(
    deps: DepsMut<SeiQueryWrapper>, _env: Env, _info: MessageInfo, msg: InstantiateMsg,
) -> StdResult<Response<SeiMsg>> {
    address_word(&msg.erc20_address)?;
    deps.storage.set(ERC20_KEY, msg.erc20_address.to_lowercase().as_bytes());
    Ok(Response::new().add_attribute("erc20_address", msg.erc20_address.to_lowercase()))
}

#[entry_point]
pub fn execute(
    deps: DepsMut<SeiQueryWrapper>, env: Env, info: MessageInfo, msg: ExecuteMsg,
) -> StdResult<Response<SeiMsg>> {
    let deps = deps.as_ref();
    let sender = info.sender.to_string();
    match msg {
        ExecuteMsg::Transfer { recipient, amount } => {
            let data = calldata(TRANSFER, &[evm_address(&deps, &recipient)?, amount_word(amount)]);
            Ok(Response::new()
                .add_message(delegate_call(&deps, data)?)
                .add_attribute("action", "transfer")
                .add_attribute("from", sender)
                .add_attribute("to", recipient)
                .add_attribute("amount", amount))
        }
        ExecuteMsg::Send { contract, amount, msg } => {
            let data = calldata(TRANSFER, &[evm_address(&deps, &contract)?, amount_word(amount)]);
            Ok(Response::new()
                .add_message(delegate_call(&deps, data)?)
                .add_message(receive(contract.clone(), sender.clone(), amount, msg)?)
                .add_attribute("action", "send")
                .add_attribute("from", sender)
                .add_attribute("to", contract)
                .add_attribute("amount", amount))
        }
        ExecuteMsg::TransferFrom { owner, recipient, amount } => {
            let words = [evm_address(&deps, &owner)?, evm_address(&deps, &recipient)?, amount_word(amount)];
            Ok(Response::new()
                .add_message(delegate_call(&deps, calldata(TRANSFER_FROM, &words))?)
                .add_attribute("action", "transfer_from")
                .add_attribute("from", owner)
                .add_attribute("to", recipient)
                .add_attribute("by", sender)
                .add_attribute("amount", amount))
        }
        ExecuteMsg::SendFrom { owner, contract, amount, msg } => {
            let words = [evm_address(&deps, &owner)?, evm_address(&deps, &contract)?, amount_word(amount)];
            Ok(Response::new()
                .add_message(delegate_call(&deps, calldata(TRANSFER_FROM, &words))?)
                .add_message(receive(contract.clone(), sender.clone(), amount, msg)?)
                .add_attribute("action", "send_from")
                .add_attribute("from", owner)
                .add_attribute("to", contract)
                .add_attribute("by", sender)
                .add_attribute("amount", amount))
        }
        ExecuteMsg::IncreaseAllowance { spender, amount, expires } => {
            no_expiry(&expires)?;
            let now = allowance_of(&deps, &env, &sender, &spender)?;
            let total = now.checked_add(amount)?;
            let data = calldata(APPROVE, &[evm_address(&deps, &spender)?, amount_word(total)]);
            Ok(Response::new()
                .add_message(delegate_call(&deps, data)?)
                .add_attribute("action", "increase_allowance")
                .add_attribute("owner", sender)
                .add_attribute("spender", spender)
                .add_attribute("amount", amount))
        }
        ExecuteMsg::DecreaseAllowance { spender, amount, expires } => {
            no_expiry(&expires)?;
            let now = allowance_of(&deps, &env, &sender, &spender)?;
            let data = calldata(APPROVE, &[evm_address(&deps, &spender)?, amount_word(now.saturating_sub(amount))]);
            Ok(Response::new()
                .add_message(delegate_call(&deps, data)?)
                .add_attribute("action", "decrease_allowance")
                .add_attribute("owner", sender)
                .add_attribute("spender", spender)
                .add_attribute("amount", amount))
        }
        ExecuteMsg::Burn { .. } | ExecuteMsg::BurnFrom { .. } => {
            Err(StdError::generic_err("burn is not supported by a CW20 pointer of an ERC-20"))
        }
        ExecuteMsg::Mint { .. } => Err(StdError::generic_err("mint is not supported by a CW20 pointer of an ERC-20")),
        ExecuteMsg::UpdateMinter { .. } | ExecuteMsg::UpdateMarketing { .. } => {
            Err(StdError::generic_err("a CW20 pointer of an ERC-20 has no minter or marketing to update"))
        }
    }
}

#[entry_point]
pub fn query(deps: Deps<SeiQueryWrapper>, env: Env, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::Balance { address } => {
            let out = static_call(&deps, &env, calldata(BALANCE_OF, &[evm_address(&deps, &address)?]))?;
            to_json_binary(&BalanceResponse { balance: decode_uint128(&out)? })
        }
        QueryMsg::TokenInfo {} => {
            let name = decode_string(&static_call(&deps, &env, calldata(NAME, &[]))?)?;
            let symbol = decode_string(&static_call(&deps, &env, calldata(SYMBOL, &[]))?)?;
            let decimals = small(word_at(&static_call(&deps, &env, calldata(DECIMALS, &[]))?, 0)?)?;
            let total_supply = decode_uint128(&static_call(&deps, &env, calldata(TOTAL_SUPPLY, &[]))?)?;
            let decimals = u8::try_from(decimals).map_err(|_| StdError::generic_err("ERC-20 decimals above 255"))?;
            to_json_binary(&TokenInfoResponse { name, symbol, decimals, total_supply })
        }
        QueryMsg::Allowance { owner, spender } => to_json_binary(&AllowanceResponse {
            allowance: allowance_of(&deps, &env, &owner, &spender)?,
            expires: Expiration::Never {},
        }),
        QueryMsg::Minter {} => to_json_binary(&Option::<String>::None),
        QueryMsg::MarketingInfo {} => to_json_binary(&MarketingInfoResponse {
            project: None,
            description: None,
            logo: None,
            marketing: None,
        }),
        QueryMsg::AllAllowances { .. } | QueryMsg::AllSpenderAllowances { .. } | QueryMsg::AllAccounts { .. } => {
            Err(StdError::generic_err("an ERC-20 cannot enumerate its accounts or allowances"))
        }
        QueryMsg::DownloadLogo {} => Err(StdError::generic_err("a CW20 pointer of an ERC-20 has no logo")),
    }
}
