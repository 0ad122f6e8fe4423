//! A PostgreSQL on loopback with no `sslmode` in `DATABASE_URL` is reached without TLS (the
//! test server has TLS on, so sqlx's default `prefer` would negotiate it).

use crate::helpers::{Backend, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_servers_loopback_connections_do_not_negotiate_tls() {
    let Some(app) = TestApp::spawn(Backend::Postgres).await else {
        return;
    };
    app.create_organization("Plain", "trial").await;
    let count = |ssl: bool| {
        format!(
            "SELECT COUNT(*) FROM pg_stat_ssl s JOIN pg_stat_activity a ON a.pid = s.pid
              WHERE a.datname = current_database() AND s.pid <> pg_backend_pid()
                AND s.ssl = {ssl}"
        )
    };
    assert!(
        app.count_sql(&count(false)).await > 0,
        "the server holds connections"
    );
    assert_eq!(
        app.count_sql(&count(true)).await,
        0,
        "none of them uses TLS"
    );
    app.finish().await;
}
