use serde::Serialize;
use sqlx::{AnyConnection, Row};
use switchboard_adapters::event_store::Database;
use switchboard_adapters::test_database::{TestBackend, TestDatabase};

use super::*;

#[test]
fn placeholders_number_row_by_row() {
    assert_eq!(placeholders(2, 3), "($1, $2, $3), ($4, $5, $6)");
    assert_eq!(value_columns(&["a", "b"]), "column1 AS a, column2 AS b");
}

#[derive(Serialize)]
struct Entry<'a> {
    sid: &'a str,
    note: Option<&'a str>,
    count: i64,
}

const COLUMNS: &[(&str, JsonType)] = &[
    ("sid", JsonType::Text),
    ("note", JsonType::Text),
    ("count", JsonType::Integer),
];

/// A fresh database of `backend` with a table `entries` keyed by `sid` (`None`: PostgreSQL is
/// unavailable outside CI).
async fn with_entries(backend: TestBackend) -> Option<(TestDatabase, Database)> {
    let test_database = TestDatabase::create(backend).await?;
    let database = Database::connect(test_database.url()).await.unwrap();
    sqlx::query("CREATE TABLE entries (sid text PRIMARY KEY, note text, count bigint NOT NULL)")
        .execute(database.any())
        .await
        .unwrap();
    Some((test_database, database))
}

async fn insert(conn: &mut AnyConnection, entries: &[Entry<'_>]) -> Vec<String> {
    let sql = format!(
        "INSERT INTO entries ({columns}) SELECT {columns} FROM {rows} WHERE true
         ON CONFLICT (sid) DO NOTHING RETURNING sid",
        columns = names(COLUMNS),
        rows = json_rows(conn, 1, "v", COLUMNS),
    );
    let mut sids: Vec<String> = sqlx::query(&sql)
        .bind(json_array(entries).unwrap())
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get("sid").unwrap())
        .collect();
    sids.sort();
    sids
}

/// A batch travels as one JSON parameter and reads back exactly: quotes, backslashes,
/// non-ASCII text, NULL, integers beyond 32 bits; an upsert from it inserts only new keys.
async fn json_rows_read_back_what_was_written(backend: TestBackend) {
    let Some((test_database, database)) = with_entries(backend).await else {
        return;
    };
    let mut conn = database.any().acquire().await.unwrap();
    let first = [
        Entry {
            sid: "SM1",
            note: Some("it's \"quoted\" \\ and ünïcödé ✓"),
            count: 9_007_199_254_740_993,
        },
        Entry {
            sid: "SM2",
            note: None,
            count: -1,
        },
    ];
    assert_eq!(insert(&mut conn, &first).await, vec!["SM1", "SM2"]);
    let again = [
        Entry {
            sid: "SM2",
            note: Some("changed"),
            count: 0,
        },
        Entry {
            sid: "SM3",
            note: Some(""),
            count: 3,
        },
    ];
    assert_eq!(insert(&mut conn, &again).await, vec!["SM3"]);

    let stored: Vec<(String, Option<String>, i64)> =
        sqlx::query("SELECT sid, note, count FROM entries ORDER BY sid")
            .fetch_all(&mut *conn)
            .await
            .unwrap()
            .iter()
            .map(|row| {
                (
                    row.try_get("sid").unwrap(),
                    row.try_get("note").unwrap(),
                    row.try_get("count").unwrap(),
                )
            })
            .collect();
    assert_eq!(
        stored,
        vec![
            (
                "SM1".to_string(),
                Some("it's \"quoted\" \\ and ünïcödé ✓".to_string()),
                9_007_199_254_740_993
            ),
            ("SM2".to_string(), None, -1),
            ("SM3".to_string(), Some(String::new()), 3),
        ]
    );

    // An update joined to JSON rows changes only the rows it names.
    let sql = format!(
        "UPDATE entries AS e SET count = v.count FROM {} WHERE e.sid = v.sid",
        json_rows(
            &conn,
            1,
            "v",
            &[("sid", JsonType::Text), ("count", JsonType::Integer)]
        )
    );
    execute_rows(
        &mut conn,
        &sql,
        &[Entry {
            sid: "SM3",
            note: None,
            count: 30,
        }],
    )
    .await
    .unwrap();
    execute_rows::<Entry<'_>>(&mut conn, &sql, &[])
        .await
        .unwrap();
    let counts: Vec<i64> = sqlx::query_scalar("SELECT count FROM entries ORDER BY sid")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    assert_eq!(counts, vec![9_007_199_254_740_993, -1, 30]);
    drop(conn);
    database.any().close().await;
    test_database.drop_database().await;
}

#[tokio::test]
async fn json_rows_on_sqlite() {
    json_rows_read_back_what_was_written(TestBackend::Sqlite).await;
}

#[tokio::test]
async fn json_rows_on_postgres() {
    json_rows_read_back_what_was_written(TestBackend::Postgres).await;
}
