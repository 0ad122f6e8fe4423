//! The `Allow` header of a 405 (RFC 9110 §15.5.6): the methods the spec documents for the path,
//! plus `HEAD` where `GET` is (the router answers it).

use std::collections::BTreeSet;
use std::sync::OnceLock;

/// Each spec path as its segments (`{…}` matches any one segment), with its methods.
type Table = Vec<(Vec<String>, BTreeSet<String>)>;

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let spec: serde_json::Value =
            serde_json::from_str(&crate::startup::openapi_service().spec()).unwrap_or_default();
        let Some(paths) = spec["paths"].as_object() else {
            return Vec::new();
        };
        paths
            .iter()
            .map(|(path, item)| {
                let segments = path.split('/').map(str::to_string).collect();
                let mut methods: BTreeSet<String> = item
                    .as_object()
                    .map(|ops| ops.keys().map(|m| m.to_ascii_uppercase()).collect())
                    .unwrap_or_default();
                if methods.contains("GET") {
                    methods.insert("HEAD".into());
                }
                (segments, methods)
            })
            .collect()
    })
}

/// The `Allow` value for a request path, when the spec documents the path.
pub fn allowed_methods(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').collect();
    table()
        .iter()
        .find(|(template, _)| {
            template.len() == segments.len()
                && template.iter().zip(&segments).all(|(t, s)| {
                    (t.starts_with('{') && t.ends_with('}') && !s.is_empty()) || t == s
                })
        })
        .map(|(_, methods)| methods.iter().cloned().collect::<Vec<_>>().join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spec_path_allows_its_documented_methods() {
        assert_eq!(
            allowed_methods("/v1/organizations/abc").as_deref(),
            Some("DELETE, GET, HEAD, PATCH")
        );
        assert_eq!(
            allowed_methods("/v1/organizations/abc/numbers/+14155550100/webhooks").as_deref(),
            Some("POST")
        );
        assert_eq!(allowed_methods("/nowhere"), None);
    }
}
