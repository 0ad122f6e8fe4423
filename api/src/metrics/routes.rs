//! Route labels: the matched route's template as the OpenAPI document spells it
//! (`/v1/organizations/{id}/numbers`), so metrics name routes the way the spec does, and label
//! values stay a small fixed set whatever paths clients send.

use std::collections::HashMap;

use poem::PathPattern;

/// Maps poem's path patterns to OpenAPI path templates.
#[derive(Debug, Default)]
pub struct RouteTemplates {
    /// Shape (`/v1/organizations/{}/numbers`) → template (`/v1/organizations/{id}/numbers`).
    by_shape: HashMap<String, String>,
}

/// The path with every parameter segment (`:name` or `{name}`) replaced by `{}`.
fn shape(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.starts_with(':') || (segment.starts_with('{') && segment.ends_with('}')) {
                "{}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

impl RouteTemplates {
    /// Learns the templates of `paths` (the keys of an OpenAPI document's `paths`).
    pub fn new<'a>(paths: impl IntoIterator<Item = &'a str>) -> Self {
        Self {
            by_shape: paths
                .into_iter()
                .map(|path| (shape(path), path.to_string()))
                .collect(),
        }
    }

    /// The label of a matched pattern: its OpenAPI template when the spec has it, else the
    /// pattern with `{name}` parameters; `unmatched` when no route matched.
    pub fn label(&self, pattern: Option<&PathPattern>) -> String {
        // A nest's prefix whose inner routes did not match leaves an empty pattern.
        let Some(pattern) = pattern.filter(|p| !p.0.is_empty()) else {
            return "unmatched".into();
        };
        let shape = shape(&pattern.0);
        if let Some(template) = self.by_shape.get(&shape) {
            return template.clone();
        }
        pattern
            .0
            .split('/')
            .map(|segment| match segment.strip_prefix(':') {
                Some(name) => format!("{{{name}}}"),
                None => segment.to_string(),
            })
            .collect::<Vec<_>>()
            .join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_take_the_spec_s_parameter_names() {
        let routes = RouteTemplates::new(["/v1/organizations/{id}/numbers", "/health"]);
        let label = |p: &str| routes.label(Some(&PathPattern(p.into())));
        assert_eq!(
            label("/v1/organizations/:param0/numbers"),
            "/v1/organizations/{id}/numbers"
        );
        assert_eq!(label("/health"), "/health");
        assert_eq!(label("/sandbox/Accounts/:sid"), "/sandbox/Accounts/{sid}");
        assert_eq!(label(""), "unmatched");
        assert_eq!(routes.label(None), "unmatched");
    }
}
