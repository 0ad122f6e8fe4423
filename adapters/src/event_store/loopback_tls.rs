//! No TLS to a PostgreSQL on this machine: sqlx's default `sslmode=prefer` negotiates TLS even
//! over loopback, which costs CPU on every connection and query (about 3 % measured) and
//! protects nothing. A `DATABASE_URL` that names no `sslmode` (and no `PGSSLMODE` in the
//! environment, which sqlx would honour) and whose host is loopback gets `sslmode=disable`;
//! any explicit choice is kept.

use std::net::IpAddr;

/// `url` with `sslmode=disable` added when it has no `sslmode`, `PGSSLMODE` is unset and its
/// host is loopback (`localhost`, `127.0.0.0/8`, `::1`); otherwise `url` unchanged (also when
/// it does not parse: the driver reports that).
pub(crate) fn without_loopback_tls(url: &str) -> String {
    if std::env::var_os("PGSSLMODE").is_some() {
        return url.to_string();
    }
    plain_on_loopback(url)
}

fn plain_on_loopback(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return url.to_string();
    };
    let names_mode = parsed
        .query_pairs()
        .any(|(key, _)| key.eq_ignore_ascii_case("sslmode"));
    if names_mode || !parsed.host_str().is_some_and(is_loopback) {
        return url.to_string();
    }
    parsed.query_pairs_mut().append_pair("sslmode", "disable");
    parsed.to_string()
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use sqlx::postgres::PgConnectOptions;

    use super::plain_on_loopback;

    #[test]
    fn loopback_without_a_mode_connects_in_plain_text() {
        for url in [
            "postgres://postgres@127.0.0.1:5432/sb",
            "postgres://postgres@localhost/sb",
            "postgresql://u:p@[::1]:5432/sb",
        ] {
            let rewritten = plain_on_loopback(url);
            assert!(rewritten.ends_with("sslmode=disable"), "{rewritten}");
            assert!(
                PgConnectOptions::from_str(&rewritten).is_ok(),
                "{rewritten}"
            );
        }
        assert_eq!(
            plain_on_loopback("postgres://127.0.0.1/sb?application_name=x"),
            "postgres://127.0.0.1/sb?application_name=x&sslmode=disable"
        );
    }

    #[test]
    fn an_explicit_mode_or_a_remote_host_is_kept() {
        for url in [
            "postgres://127.0.0.1/sb?sslmode=require",
            "postgres://db.example.com/sb",
            "postgres://10.0.0.5/sb",
        ] {
            assert_eq!(plain_on_loopback(url), url);
        }
    }
}
