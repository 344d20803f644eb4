//! Leases on background work, so that one node at a time does it (purges, scheduled key
//! rotation) however many share the database.

use crate::DbConn;
use crate::error::StoreResult;
use crate::schema::leases;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use gatehouse_core::UnixTime;

/// Takes or renews the lease `name` for `holder` until `now + seconds`: one conditional
/// upsert that succeeds only when nobody else holds an unexpired lease. `true` when
/// `holder` now holds it.
pub fn acquire(
    connection: &mut DbConn,
    name: &str,
    holder: &str,
    now: UnixTime,
    seconds: i64,
) -> StoreResult<bool> {
    let sql = match connection {
        DbConn::Postgres(_) => {
            "INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, \
             expires_at = excluded.expires_at \
             WHERE leases.holder = excluded.holder OR leases.expires_at <= $4"
        }
        DbConn::Sqlite(_) => {
            "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, \
             expires_at = excluded.expires_at \
             WHERE leases.holder = excluded.holder OR leases.expires_at <= ?"
        }
    };
    let changed = diesel::sql_query(sql)
        .bind::<Text, _>(name)
        .bind::<Text, _>(holder)
        .bind::<BigInt, _>(now.as_secs() + seconds)
        .bind::<BigInt, _>(now.as_secs())
        .execute(connection)?;
    Ok(changed == 1)
}

/// Gives up the lease `name` if `holder` holds it (a node stopping in order).
pub fn release(connection: &mut DbConn, name: &str, holder: &str) -> StoreResult<()> {
    diesel::delete(
        leases::table
            .filter(leases::name.eq(name))
            .filter(leases::holder.eq(holder)),
    )
    .execute(connection)?;
    Ok(())
}

/// Who holds the lease `name` and until when.
pub fn holder(connection: &mut DbConn, name: &str) -> StoreResult<Option<(String, UnixTime)>> {
    Ok(leases::table
        .find(name)
        .select((leases::holder, leases::expires_at))
        .first::<(String, i64)>(connection)
        .optional()?
        .map(|(holder, expires_at)| (holder, UnixTime(expires_at))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::connection::SimpleConnection as _;
    use diesel::sqlite::SqliteConnection;

    fn database() -> DbConn {
        let mut sqlite = SqliteConnection::establish(":memory:").expect("in-memory SQLite");
        sqlite
            .batch_execute(include_str!(
                "../../../migrations/sqlite/2026-12-05-000009_shared_nodes/up.sql"
            ))
            .expect("the leases table");
        DbConn::Sqlite(sqlite)
    }

    #[test]
    fn one_holder_at_a_time_until_the_lease_runs_out_or_is_released() {
        let mut connection = database();
        let now = UnixTime(1_000);
        assert!(acquire(&mut connection, "maintenance", "node-a", now, 180).expect("acquire"));
        assert!(!acquire(&mut connection, "maintenance", "node-b", now, 180).expect("acquire"));
        // The holder renews; the other still waits.
        let later = now.plus_seconds(100);
        assert!(acquire(&mut connection, "maintenance", "node-a", later, 180).expect("renew"));
        assert!(
            !acquire(
                &mut connection,
                "maintenance",
                "node-b",
                now.plus_seconds(200),
                180
            )
            .expect("acquire")
        );
        // Node A dies: once its lease runs out, node B takes over.
        let expired = later.plus_seconds(180);
        assert!(
            acquire(&mut connection, "maintenance", "node-b", expired, 180).expect("take over")
        );
        assert_eq!(
            holder(&mut connection, "maintenance").expect("holder"),
            Some(("node-b".to_owned(), expired.plus_seconds(180)))
        );
        // Releasing someone else's lease does nothing; the holder's own release frees it.
        release(&mut connection, "maintenance", "node-a").expect("release");
        assert!(!acquire(&mut connection, "maintenance", "node-a", expired, 180).expect("acquire"));
        release(&mut connection, "maintenance", "node-b").expect("release");
        assert!(acquire(&mut connection, "maintenance", "node-a", expired, 180).expect("acquire"));
    }
}
