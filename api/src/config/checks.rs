//! Validation of single configuration values, each failing with a reason that names what is
//! expected (the caller adds the variable's name). A value that may hold a secret (a database
//! URL's password) is never echoed.

use std::net::IpAddr;

use url::Url;

/// An absolute `http`/`https` URL with a host, without credentials, query or fragment; returned
/// without a trailing slash.
pub fn http_url(value: &str) -> Result<String, String> {
    let url = Url::parse(value.trim()).map_err(|e| {
        format!("`{value}` is not an absolute URL ({e}); e.g. https://host.example")
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("scheme `{}` is not http or https", url.scheme()));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("the URL has no host".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("the URL must not carry credentials".into());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("the URL must not have a query or fragment".into());
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// Whether an `http(s)` URL's host is loopback (`localhost`, 127.0.0.0/8, `::1`).
pub fn is_loopback_url(value: &str) -> bool {
    let Ok(url) = Url::parse(value) else {
        return false;
    };
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// Whether a `host:port` bind address is loopback (`localhost`, 127.0.0.0/8, `[::1]`).
pub fn is_loopback_bind(value: &str) -> bool {
    let host = value.rsplit_once(':').map_or(value, |(host, _)| host);
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// `postgres://…`, `postgresql://…` or `sqlite:…`; the error names the scheme only.
pub fn database_url(value: &str) -> Result<String, String> {
    let scheme = value.split(':').next().unwrap_or_default();
    match scheme {
        "postgres" | "postgresql" | "sqlite" => Ok(value.to_string()),
        _ if !value.contains(':') => {
            Err("not a URL; use postgres://user@host:5432/db or sqlite://switchboard.db".into())
        }
        _ => Err(format!(
            "unsupported scheme `{scheme}`; use postgres://… or sqlite://…"
        )),
    }
}

/// `host:port` with a numeric port (`127.0.0.1:8080`, `[::1]:0`, `localhost:8080`).
pub fn bind_addr(value: &str) -> Result<String, String> {
    let (host, port) = value
        .rsplit_once(':')
        .ok_or_else(|| format!("`{value}` is not host:port, e.g. 127.0.0.1:8080"))?;
    if host.is_empty() {
        return Err(format!("`{value}` has no host, e.g. 0.0.0.0:8080"));
    }
    port.parse::<u16>()
        .map_err(|_| format!("`{port}` is not a port number (0 to 65535)"))?;
    Ok(value.to_string())
}

/// A Twilio Account SID: `AC` + 32 hex digits (Twilio's OpenAPI pattern `^AC[0-9a-fA-F]{32}$`).
pub fn account_sid(value: &str) -> Result<String, String> {
    let hex = value.strip_prefix("AC").unwrap_or_default();
    if hex.len() == 32 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(value.to_string())
    } else {
        Err("not an Account SID (AC followed by 32 hex digits)".into())
    }
}

/// A whole number of seconds, at least `min`.
pub fn seconds(value: &str, min: u64) -> Result<u64, String> {
    value
        .trim()
        .parse::<u64>()
        .ok()
        .filter(|secs| *secs >= min)
        .ok_or_else(|| format!("`{value}` is not a whole number of seconds, at least {min}"))
}

/// How logs are written: `text` (human-readable, the default) or `json` (JSON lines).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object a line.
    Json,
}

/// `json` or `text`, any case.
pub fn log_format(value: &str) -> Result<LogFormat, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "json" => Ok(LogFormat::Json),
        "text" => Ok(LogFormat::Text),
        _ => Err(format!("`{value}` is not `json` or `text`")),
    }
}

/// A `tracing` EnvFilter directive list, e.g. `info,sqlx=warn`.
pub fn log_filter(value: &str) -> Result<String, String> {
    tracing_subscriber::EnvFilter::try_new(value)
        .map(|_| value.to_string())
        .map_err(|e| format!("not a log filter ({e}); e.g. info or info,sqlx=warn"))
}

/// A positive number of milliseconds, at most `max`.
pub fn millis(value: &str, max: u64) -> Result<u64, String> {
    match value.trim().parse::<u64>() {
        Ok(ms) if (1..=max).contains(&ms) => Ok(ms),
        _ => Err(format!(
            "`{value}` is not a number of milliseconds from 1 to {max}"
        )),
    }
}

/// A price in US dollars: a finite decimal, 0 or more (`0.005`).
pub fn price(value: &str) -> Result<f64, String> {
    match value.trim().parse::<f64>() {
        Ok(usd) if usd.is_finite() && usd >= 0.0 => Ok(usd),
        _ => Err(format!("`{value}` is not a price in dollars (e.g. 0.005)")),
    }
}

/// `true` or `false` (also `1`/`0`, `yes`/`no`), any case.
pub fn boolean(value: &str) -> Result<bool, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        _ => Err(format!("`{value}` is not true or false")),
    }
}

/// A comma-separated list of delays, each a whole number with a unit `ms`, `s`, `m`, `h` or `d`
/// (`1s,2s,4s`; `5s,30s,2m,10m`); at least one, each at most 7 days.
pub fn schedule(value: &str) -> Result<Vec<std::time::Duration>, String> {
    let mut delays = Vec::new();
    for part in value.split(',').map(str::trim) {
        let split = part
            .find(|c: char| !c.is_ascii_digit())
            .ok_or_else(|| format!("`{part}` has no unit (ms, s, m, h or d)"))?;
        let (number, unit) = part.split_at(split);
        let number: u64 = number
            .parse()
            .map_err(|_| format!("`{part}` does not start with a whole number"))?;
        let ms = match unit {
            "ms" => number,
            "s" => number.saturating_mul(1_000),
            "m" => number.saturating_mul(60_000),
            "h" => number.saturating_mul(3_600_000),
            "d" => number.saturating_mul(86_400_000),
            _ => return Err(format!("`{part}`: the unit must be ms, s, m, h or d")),
        };
        if ms > 7 * 86_400_000 {
            return Err(format!("`{part}` is longer than 7 days"));
        }
        delays.push(std::time::Duration::from_millis(ms));
    }
    Ok(delays)
}
