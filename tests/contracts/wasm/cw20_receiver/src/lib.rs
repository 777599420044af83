//! A test contract for cw20 `send`: `execute {"receive": {"sender", "amount", "msg"}}`
//! remembers the call (and the cw20 contract that made it); `query {"last": {}}` returns it.
//! A `msg` of `"fail"` (base64 `ImZhaWwi`) makes the callback fail.

use cosmwasm_std::{
    entry_point, to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Response, StdError, StdResult, Uint128,
};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Cw20ReceiveMsg {
    pub sender: String,
    pub amount: Uint128,
    pub msg: Binary,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum ExecuteMsg {
    Receive(Cw20ReceiveMsg),
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum QueryMsg {
    Last {},
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Last {
    pub token: String,
    pub sender: String,
    pub amount: Uint128,
    pub msg: Binary,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct InstantiateMsg {}

#[entry_point]
pub fn instantiate(_deps: DepsMut, _env: Env, _info: MessageInfo, _msg: InstantiateMsg) -> StdResult<Response> {
    Ok(Response::new())
}

#[entry_point]
pub fn execute(deps: DepsMut, _env: Env, info: MessageInfo, msg: ExecuteMsg) -> StdResult<Response> {
    match msg {
        ExecuteMsg::Receive(r) => {
            if r.msg.as_slice() == b"\"fail\"" {
                return Err(StdError::generic_err("receiver refuses"));
            }
            let last = Last { token: info.sender.to_string(), sender: r.sender, amount: r.amount, msg: r.msg };
            deps.storage.set(b"last", &to_json_binary(&last)?);
            Ok(Response::new().add_attribute("action", "receive"))
        }
    }
}

#[entry_point]
pub fn query(deps: Deps, _env: Env, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::Last {} => Ok(Binary::from(deps.storage.get(b"last").unwrap_or_else(|| b"null".to_vec()))),
    }
}
