//! Scratch copies on SQLite: `TEMP` tables and indexes made from the live tables' own DDL.

/// The `TEMP` form of a table's or index's DDL as SQLite stores it.
pub(super) fn temp_ddl(sql: &str) -> Option<String> {
    let trimmed = sql.trim_start();
    let upper = trimmed.to_ascii_uppercase();
    for (prefix, replacement) in [
        ("CREATE TABLE ", "CREATE TEMP TABLE "),
        ("CREATE INDEX ", "CREATE INDEX temp."),
        ("CREATE UNIQUE INDEX ", "CREATE UNIQUE INDEX temp."),
    ] {
        if upper.starts_with(prefix) {
            return Some(format!(
                "{replacement}{}",
                trimmed[prefix.len()..].trim_start()
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::temp_ddl;

    #[test]
    fn sqlite_ddl_becomes_temp() {
        assert_eq!(
            temp_ddl("CREATE TABLE routing_table\n(a text)").as_deref(),
            Some("CREATE TEMP TABLE routing_table\n(a text)")
        );
        assert_eq!(
            temp_ddl("CREATE INDEX x_by_y ON x (y)").as_deref(),
            Some("CREATE INDEX temp.x_by_y ON x (y)")
        );
        assert_eq!(
            temp_ddl("CREATE UNIQUE INDEX u ON x (y)").as_deref(),
            Some("CREATE UNIQUE INDEX temp.u ON x (y)")
        );
        assert_eq!(
            temp_ddl("CREATE TRIGGER t AFTER INSERT ON x BEGIN END"),
            None
        );
    }
}
