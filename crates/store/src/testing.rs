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

/// Drops `schema` and everything in it.
pub fn drop_schema(base_url: &str, schema: &str) -> StoreResult<()> {
    check_name(schema)?;
    let mut connection = PgConnection::establish(base_url)
        .map_err(|error| StoreError::Connection(error.to_string()))?;
    connection.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))?;
    Ok(())
}
