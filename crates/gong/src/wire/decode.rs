//! Turning response bytes into typed pages, with errors that name the broken call and the
//! JSON path inside it.
//!
//! A calls page is read in one pass when every call in it is well formed, as nearly all
//! are. Otherwise it is split into its envelope and one raw JSON text per call, and each
//! call is parsed on its own, so a malformed call is reported by its id
//! ("Gong call 778…: invalid type … at metaData.started") instead of as "calls[37]".

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::calls::Call;
use super::records::Records;
use super::users::User;
use crate::error::GongError;

/// Parses `bytes` as `T`; a failure names the endpoint and the JSON path.
pub(crate) fn parse<T: DeserializeOwned>(endpoint: &str, bytes: &[u8]) -> Result<T, GongError> {
    parse_borrowed(endpoint, bytes)
}

fn parse_borrowed<'a, T: Deserialize<'a>>(endpoint: &str, bytes: &'a [u8]) -> Result<T, GongError> {
    // The path is tracked only to explain a failure (see `one_call`).
    if let Some(parsed) = parse_plainly(bytes) {
        return Ok(parsed);
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|err| GongError::Decode {
        endpoint: endpoint.to_owned(),
        call_id: None,
        path: err.path().to_string(),
        message: without_position(err.into_inner()),
    })
}

/// `bytes` parsed without tracking the path; `None` when they do not parse.
fn parse_plainly<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Option<T> {
    match std::str::from_utf8(bytes) {
        // Checked as UTF-8 once: parsing bytes checks every key and string on its own,
        // which cost 5 % of a sync's instructions.
        Ok(text) => serde_json::from_str(text).ok(),
        // A value the type ignores is skipped unchecked: bytes that are not UTF-8
        // there do not fail the page.
        Err(_) => serde_json::from_slice(bytes).ok(),
    }
}

/// serde_json's message without its " at line 1 column 1236" suffix: the JSON path says
/// where, and the position inside one call's text would only mislead.
fn without_position(err: serde_json::Error) -> String {
    let text = err.to_string();
    match (err.line(), text.rfind(" at line ")) {
        (line, Some(at)) if line > 0 => text[..at].to_owned(),
        _ => text,
    }
}

#[derive(Deserialize)]
struct CallsPage {
    #[serde(default)]
    records: Records,
    #[serde(default)]
    calls: Option<Vec<Call>>,
}

#[derive(Deserialize)]
struct RawCallsPage<'a> {
    #[serde(default)]
    records: Records,
    #[serde(default, borrow)]
    calls: Option<Vec<&'a RawValue>>,
}

/// Parses a `/v2/calls/extensive` body into its records block and calls.
#[cfg(test)]
pub(crate) fn calls_page(endpoint: &str, bytes: &[u8]) -> Result<(Records, Vec<Call>), GongError> {
    let (records, calls) = calls_page_lenient(endpoint, bytes)?;
    Ok((records, calls.into_iter().collect::<Result<_, _>>()?))
}

/// Like `calls_page`, but a malformed call is an `Err` in its place instead of the
/// whole page's failure, so a consumer can log that one call and go on.
pub(crate) fn calls_page_lenient(
    endpoint: &str,
    bytes: &[u8],
) -> Result<(Records, Vec<Result<Call, GongError>>), GongError> {
    // Splitting the page first scans every byte twice: only a page with a malformed
    // call (or none that parses) pays for it.
    if let Some(page) = parse_plainly::<CallsPage>(bytes) {
        let calls = page.calls.unwrap_or_default().into_iter().map(Ok).collect();
        return Ok((page.records, calls));
    }
    let raw: RawCallsPage<'_> = parse_borrowed(endpoint, bytes)?;
    let raws = raw.calls.unwrap_or_default();
    let calls = raws
        .into_iter()
        .enumerate()
        .map(|(index, text)| one_call(endpoint, index, text.get()))
        .collect();
    Ok((raw.records, calls))
}

fn one_call(endpoint: &str, index: usize, text: &str) -> Result<Call, GongError> {
    // Tracking the path costs about a third of decoding: decode plainly, and only a
    // call that fails is decoded again to say where.
    if let Ok(call) = serde_json::from_str(text) {
        return Ok(call);
    }
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|err| {
        let call_id = call_id_of(text);
        let path = err.path().to_string();
        GongError::Decode {
            endpoint: endpoint.to_owned(),
            // Without an id, the position in the page is the best name we have.
            path: if call_id.is_some() {
                path
            } else {
                format!("calls[{index}].{path}")
            },
            call_id,
            message: without_position(err.into_inner()),
        }
    })
}

/// Best-effort `metaData.id` of a call that did not parse as a whole.
fn call_id_of(text: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    match value.get("metaData")?.get("id")? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[derive(Deserialize)]
struct UsersPage {
    #[serde(default)]
    records: Records,
    #[serde(default, deserialize_with = "super::de::null_default")]
    users: Vec<User>,
}

/// Parses a `/v2/users` body.
pub(crate) fn users_page(endpoint: &str, bytes: &[u8]) -> Result<(Records, Vec<User>), GongError> {
    let page: UsersPage = parse(endpoint, bytes)?;
    Ok((page.records, page.users))
}
