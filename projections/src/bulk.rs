//! Multi-row statements for projections that write a batch at once: placeholders for `VALUES`
//! lists, and how many rows fit in one statement. Such statements run unprepared
//! (`persistent(false)`): their text varies with the batch, and a plan PostgreSQL cached while a
//! table was small (a sequential scan) would stay in use as it grows.

/// Bound parameters per statement, under SQLite's limit (32,766) and PostgreSQL's (65,535).
const MAX_PARAMETERS: usize = 30_000;

/// The most rows of `columns` parameters one statement may carry.
pub(crate) fn rows_per_statement(columns: usize) -> usize {
    (MAX_PARAMETERS / columns.max(1)).max(1)
}

/// `($1, $2, …), (…), …`: `rows` tuples of `columns` numbered parameters.
pub(crate) fn placeholders(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|row| {
            let cells = (1..=columns)
                .map(|column| format!("${}", row * columns + column))
                .collect::<Vec<_>>()
                .join(", ");
            format!("({cells})")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `column1 AS a, column2 AS b, …`: names for the columns of a `VALUES` list (which both
/// PostgreSQL and SQLite call `column1`, `column2`, …).
pub(crate) fn value_columns(names: &[&str]) -> String {
    names
        .iter()
        .enumerate()
        .map(|(i, name)| format!("column{} AS {name}", i + 1))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_row_by_row() {
        assert_eq!(placeholders(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(value_columns(&["a", "b"]), "column1 AS a, column2 AS b");
        assert_eq!(rows_per_statement(12), 2500);
    }
}
