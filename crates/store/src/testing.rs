//! Test support: a PostgreSQL schema per test, so tests never share tables.

use crate::error::{StoreError, StoreResult};
use diesel::Connection;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;

fn check_name(schema: &str) -> StoreResult<()> {
    let is_valid = !schema.is_empty()
        && schema.len() <= 60
        && schema
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'_');
    if is_valid {
        Ok(())
    } else {
        Err(StoreError::UnsupportedUrl(format!(
            "schema name {schema:?}"
        )))
    }
}

/// Creates `schema` and returns a URL whose connections use it as their search path.
pub fn create_schema(base_url: &str, schema: &str) -> StoreResult<String> {
    check_name(schema)?;
    let mut connection = PgConnection::establish(base_url)
        .map_err(|error| StoreError::Connection(error.to_string()))?;
    connection.batch_execute(&format!("CREATE SCHEMA {schema}"))?;
    let separator = if base_url.contains('?') { '&' } else { '?' };
    Ok(format!(
        "{base_url}{separator}options=-csearch_path%3D{schema}"
    ))
}

/// Runs `sql` (one or more statements) on a fresh connection to `url`: for tests that act
/// as the database administrator (roles, settings, ending other sessions).
pub fn execute(url: &str, sql: &str) -> StoreResult<()> {
    let mut connection =
        PgConnection::establish(url).map_err(|error| StoreError::Connection(error.to_string()))?;
    connection.batch_execute(sql)?;
    Ok(())
}

#[derive(diesel::QueryableByName)]
struct Counted {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    count: i64,
}

/// The `count` column of the one row `sql` returns, on PostgreSQL at `url`: for tests that
/// check an invariant across a table.
pub fn count(url: &str, sql: &str) -> StoreResult<i64> {
    use diesel::RunQueryDsl;
    let mut connection =
        PgConnection::establish(url).map_err(|error| StoreError::Connection(error.to_string()))?;
    let counted: Counted = diesel::sql_query(sql).get_result(&mut connection)?;
    Ok(counted.count)
}

/// Drops `schema` and everything in it.
pub fn drop_schema(base_url: &str, schema: &str) -> StoreResult<()> {
    check_name(schema)?;
    let mut connection = PgConnection::establish(base_url)
        .map_err(|error| StoreError::Connection(error.to_string()))?;
    connection.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))?;
    Ok(())
}

#[derive(diesel::QueryableByName)]
struct Encrypted {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    ssl: bool,
}

/// Whether a connection made with `url` (as the pool makes them) is encrypted with TLS.
pub fn postgres_connection_uses_tls(url: &str) -> StoreResult<bool> {
    use diesel::RunQueryDsl;
    let mut connection =
        PgConnection::establish(url).map_err(|error| StoreError::Connection(error.to_string()))?;
    let state: Encrypted =
        diesel::sql_query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            .get_result(&mut connection)?;
    Ok(state.ssl)
}

/// For each open connection whose `application_name` is `application`: whether it uses TLS.
pub fn postgres_tls_of_connections(base_url: &str, application: &str) -> StoreResult<Vec<bool>> {
    use diesel::RunQueryDsl;
    let mut connection = PgConnection::establish(base_url)
        .map_err(|error| StoreError::Connection(error.to_string()))?;
    let states: Vec<Encrypted> = diesel::sql_query(
        "SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a ON a.pid = s.pid \
         WHERE a.application_name = $1",
    )
    .bind::<diesel::sql_types::Text, _>(application)
    .load(&mut connection)?;
    Ok(states.into_iter().map(|state| state.ssl).collect())
}

#[derive(diesel::QueryableByName)]
struct TextColumn {
    #[diesel(sql_type = diesel::sql_types::Text)]
    table_name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    column_name: String,
}

#[derive(diesel::QueryableByName)]
struct Matches {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    matches: i64,
}

/// Every `table.column` of the database at `url` whose text contains `needle`
/// (case-insensitive). Tests use it to prove that a purge left no personal data anywhere.
pub fn columns_containing(url: &str, needle: &str) -> StoreResult<Vec<String>> {
    use diesel::RunQueryDsl;
    use diesel::sqlite::SqliteConnection;
    let pattern = format!("%{}%", needle.to_lowercase());
    let mut found = Vec::new();
    match crate::Backend::from_url(url)? {
        crate::Backend::Sqlite { path } => {
            let mut connection = SqliteConnection::establish(&path.to_string_lossy())
                .map_err(|error| StoreError::Connection(error.to_string()))?;
            let columns: Vec<TextColumn> = diesel::sql_query(
                "SELECT m.name AS table_name, p.name AS column_name FROM sqlite_master m \
                 JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND upper(p.type) = 'TEXT'",
            )
            .load(&mut connection)?;
            for column in columns {
                let count: Matches = diesel::sql_query(format!(
                    "SELECT COUNT(*) AS matches FROM \"{}\" WHERE lower(\"{}\") LIKE ?",
                    column.table_name, column.column_name
                ))
                .bind::<diesel::sql_types::Text, _>(&pattern)
                .get_result(&mut connection)?;
                if count.matches > 0 {
                    found.push(format!("{}.{}", column.table_name, column.column_name));
                }
            }
        }
        crate::Backend::Postgres { url } => {
            let mut connection = PgConnection::establish(&url)
                .map_err(|error| StoreError::Connection(error.to_string()))?;
            let columns: Vec<TextColumn> = diesel::sql_query(
                "SELECT table_name::text AS table_name, column_name::text AS column_name FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND data_type = 'text'",
            )
            .load(&mut connection)?;
            for column in columns {
                let count: Matches = diesel::sql_query(format!(
                    "SELECT COUNT(*) AS matches FROM \"{}\" WHERE lower(\"{}\") LIKE $1",
                    column.table_name, column.column_name
                ))
                .bind::<diesel::sql_types::Text, _>(&pattern)
                .get_result(&mut connection)?;
                if count.matches > 0 {
                    found.push(format!("{}.{}", column.table_name, column.column_name));
                }
            }
        }
    }
    Ok(found)
}
