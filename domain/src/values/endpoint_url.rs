use std::fmt;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

/// Where an organization's endpoint receives deliveries: an absolute `https` URL, or plain `http`
/// on a loopback host (`localhost`, 127.0.0.0/8, `[::1]`) unless insecure endpoints are allowed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EndpointUrl(String);

/// Why a URL cannot be an endpoint.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InvalidEndpointUrl {
    /// Not an absolute http(s) URL with a host.
    #[error("`{input}` is not an absolute http(s) URL")]
    NotHttp {
        /// What was given.
        input: String,
    },
    /// Credentials in the URL would be sent to (and logged by) every hop.
    #[error("the URL must not carry credentials")]
    Credentials,
    /// Plain http to a host that is not loopback.
    #[error("plain http is allowed only for loopback hosts; use https")]
    Insecure,
    /// Longer than 2048 characters.
    #[error("the URL is longer than 2048 characters")]
    TooLong,
}

impl EndpointUrl {
    /// Parses `input`; `allow_insecure` admits plain `http` to any host.
    ///
    /// # Errors
    /// [`InvalidEndpointUrl`].
    pub fn parse(input: &str, allow_insecure: bool) -> Result<Self, InvalidEndpointUrl> {
        let input = input.trim();
        if input.len() > 2048 {
            return Err(InvalidEndpointUrl::TooLong);
        }
        let not_http = || InvalidEndpointUrl::NotHttp {
            input: input.to_string(),
        };
        let (scheme, rest) = input.split_once("://").ok_or_else(not_http)?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(not_http());
        }
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if authority.contains('@') {
            return Err(InvalidEndpointUrl::Credentials);
        }
        let host = host_of(authority);
        if host.is_empty() || host.chars().any(|c| c.is_whitespace()) {
            return Err(not_http());
        }
        if scheme == "http" && !allow_insecure && !is_loopback(host) {
            return Err(InvalidEndpointUrl::Insecure);
        }
        Ok(Self(input.to_string()))
    }

    /// The URL.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The host of `host[:port]` or `[v6][:port]`.
fn host_of(authority: &str) -> &str {
    if let Some(rest) = authority.strip_prefix('[') {
        return rest.split(']').next().unwrap_or_default();
    }
    authority.split(':').next().unwrap_or_default()
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl fmt::Display for EndpointUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_and_http_on_loopback_only() {
        assert!(EndpointUrl::parse("https://hooks.acme.example/sb", false).is_ok());
        assert!(EndpointUrl::parse("http://127.0.0.1:9000/hook", false).is_ok());
        assert!(EndpointUrl::parse("http://localhost/hook", false).is_ok());
        assert!(EndpointUrl::parse("http://[::1]:8080/", false).is_ok());
        assert_eq!(
            EndpointUrl::parse("http://hooks.acme.example/sb", false),
            Err(InvalidEndpointUrl::Insecure)
        );
        assert!(EndpointUrl::parse("http://hooks.acme.example/sb", true).is_ok());
    }

    #[test]
    fn other_schemes_relative_urls_and_credentials_are_refused() {
        for bad in [
            "ftp://x.example",
            "/hook",
            "hooks.acme.example",
            "https://",
            "",
        ] {
            assert!(
                matches!(
                    EndpointUrl::parse(bad, true),
                    Err(InvalidEndpointUrl::NotHttp { .. })
                ),
                "{bad}"
            );
        }
        assert_eq!(
            EndpointUrl::parse("https://u:p@hooks.acme.example", true),
            Err(InvalidEndpointUrl::Credentials)
        );
    }
}
