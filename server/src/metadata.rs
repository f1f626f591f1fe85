//! Metadata entries of products, licenses and users as the admin API keeps
//! them: the wire's `{key, value}` plus the vendor's `visible` ("set true
//! to access the metadata on activation"). Only visible entries reach the
//! client library (`pmd`, `lmd` and `umd` of activation and trial tokens,
//! and the license metadata of `GET /v3/me/licenses`); the admin API
//! answers every entry with its flag.

use openlex_wire::claims::Metadata;
use serde::{Deserialize, Serialize};

use crate::error::ApiResult;

/// A kept metadata entry (the vendor's `MetadataDto` fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Entry {
    /// Key.
    pub key: String,
    /// Value.
    pub value: String,
    /// Sent to the client library; records made before the flag was kept
    /// read as visible, as they were.
    pub visible: bool,
}

impl Default for Entry {
    fn default() -> Self {
        Entry {
            key: String::new(),
            value: String::new(),
            visible: true,
        }
    }
}

/// A metadata entry of a request (the vendor's `*MetadataRequestModel`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EntryRequest {
    /// Key.
    pub key: String,
    /// Value.
    pub value: String,
    /// Sent to the client library; left out (or `null`), an entry keeps
    /// the flag its key had, else is visible.
    pub visible: Option<bool>,
}

/// The entries of `new` replacing `old`: each flag as the request gives
/// it, else as its key had it, else visible.
pub fn replace(old: &[Entry], new: Vec<EntryRequest>) -> Vec<Entry> {
    new.into_iter()
        .map(|m| Entry {
            visible: m
                .visible
                .or_else(|| old.iter().find(|o| o.key == m.key).map(|o| o.visible))
                .unwrap_or(true),
            key: m.key,
            value: m.value,
        })
        .collect()
}

/// The visible entries as tokens carry them.
pub fn visible(entries: &[Entry]) -> Vec<Metadata> {
    entries
        .iter()
        .filter(|m| m.visible)
        .map(|m| Metadata {
            key: m.key.clone(),
            value: m.value.clone(),
        })
        .collect()
}

/// Every entry, visible or not, through [`crate::validate::metadata`].
pub fn validate<'a>(entries: impl Iterator<Item = (&'a str, &'a str)>) -> ApiResult<()> {
    let all: Vec<Metadata> = entries
        .map(|(k, v)| Metadata {
            key: k.to_owned(),
            value: v.to_owned(),
        })
        .collect();
    crate::validate::metadata(&all)
}

/// Parses `KEY=VALUE` (CLI `--metadata`, the dashboard's lines); the flag
/// is left to [`replace`].
pub fn parse(s: &str) -> Result<EntryRequest, String> {
    let m = crate::validate::parse_metadata(s)?;
    Ok(EntryRequest {
        key: m.key,
        value: m.value,
        visible: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(k: &str, visible: Option<bool>) -> EntryRequest {
        EntryRequest {
            key: k.into(),
            value: "v".into(),
            visible,
        }
    }

    #[test]
    fn flags_are_given_kept_by_key_or_visible() {
        let old = replace(&[], vec![req("a", Some(false)), req("b", None)]);
        assert_eq!(
            old.iter().map(|m| m.visible).collect::<Vec<_>>(),
            [false, true]
        );
        let new = replace(
            &old,
            vec![req("a", None), req("b", Some(false)), req("c", None)],
        );
        assert_eq!(
            new.iter().map(|m| m.visible).collect::<Vec<_>>(),
            [false, false, true]
        );
        assert!(visible(&new).iter().all(|m| m.key == "c"));
        let e: Entry = serde_json::from_str(r#"{"key":"k","value":"v"}"#).unwrap();
        assert!(e.visible);
        let r: EntryRequest =
            serde_json::from_str(r#"{"key":"k","value":"v","visible":null}"#).unwrap();
        assert_eq!(r.visible, None);
        assert!(serde_json::from_str::<EntryRequest>(r#"{"key":"k","visible":"no"}"#).is_err());
        assert_eq!(
            parse("a=b=c").unwrap(),
            EntryRequest {
                key: "a".into(),
                value: "b=c".into(),
                visible: None
            }
        );
    }
}
