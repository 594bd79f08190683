//! Gong user → Timeline user mappings (U1, U7). A manual resolution is never
//! overwritten by automatic mapping: the upsert keeps its status, user and
//! suggestions and refreshes only Gong's email and name.

use chrono::{DateTime, Utc};
use gong_timeline_domain::MappingStatus;
use gong_timeline_store::{ConnectionId, MappingUpsert, Result, StoreError, UserId, UserMapping};

use super::error::Ctx;
use super::Backend;
use crate::codec::{read_enum, read_json, read_ts, to_json, ts};

const COLUMNS: &str =
    "connection_id, gong_user_id, gong_email, gong_name, status, user_id, suggested, manual, updated_at";

#[derive(sqlx::FromRow)]
struct MappingRecord {
    connection_id: i64,
    gong_user_id: String,
    gong_email: Option<String>,
    gong_name: String,
    status: String,
    user_id: Option<i64>,
    suggested: String,
    manual: bool,
    updated_at: String,
}

impl MappingRecord {
    fn into_mapping(self) -> Result<UserMapping> {
        Ok(UserMapping {
            connection_id: self.connection_id.into(),
            status: read_enum("user_mappings.status", &self.status)?,
            suggested: read_json("user_mappings.suggested", &self.suggested)?,
            updated_at: read_ts("user_mappings.updated_at", &self.updated_at)?,
            gong_user_id: self.gong_user_id,
            gong_email: self.gong_email,
            gong_name: self.gong_name,
            user_id: self.user_id.map(Into::into),
            manual: self.manual,
        })
    }
}

pub(crate) async fn upsert(
    store: &Backend,
    connection_id: ConnectionId,
    mappings: Vec<MappingUpsert>,
    now: DateTime<Utc>,
) -> Result<()> {
    const CTX: &str = "saving user mappings";
    let now = ts(now);
    let mut tx = store.write_tx(CTX).await?;
    for m in mappings {
        sqlx::query(
            "INSERT INTO user_mappings (connection_id, gong_user_id, gong_email, gong_name, status, user_id, suggested, manual, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE, $8) \
             ON CONFLICT(connection_id, gong_user_id) DO UPDATE SET \
               gong_email = excluded.gong_email, gong_name = excluded.gong_name, \
               status = CASE WHEN user_mappings.manual THEN user_mappings.status ELSE excluded.status END, \
               user_id = CASE WHEN user_mappings.manual THEN user_mappings.user_id ELSE excluded.user_id END, \
               suggested = CASE WHEN user_mappings.manual THEN user_mappings.suggested ELSE excluded.suggested END, \
               updated_at = excluded.updated_at",
        )
        .bind(connection_id)
        .bind(&m.gong_user_id)
        .bind(&m.gong_email)
        .bind(&m.gong_name)
        .bind(m.status.as_str())
        .bind(m.user_id)
        .bind(to_json(&m.suggested)?)
        .bind(&now)
        .execute(&mut *tx)
        .await
        .ctx(CTX)?;
    }
    tx.commit().await.ctx(CTX)
}

pub(crate) async fn list(store: &Backend, connection_id: ConnectionId) -> Result<Vec<UserMapping>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM user_mappings WHERE connection_id = $1 ORDER BY gong_user_id"
    );
    let rows: Vec<MappingRecord> = sqlx::query_as(&sql)
        .bind(connection_id)
        .fetch_all(&store.pool)
        .await
        .ctx("listing user mappings")?;
    rows.into_iter().map(MappingRecord::into_mapping).collect()
}

pub(crate) async fn resolve(
    store: &Backend,
    connection_id: ConnectionId,
    gong_user_id: &str,
    user_id: UserId,
    now: DateTime<Utc>,
) -> Result<UserMapping> {
    const CTX: &str = "resolving a user mapping";
    let mut tx = store.write_tx(CTX).await?;
    let user: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await
        .ctx(CTX)?;
    if user.is_none() {
        return Err(StoreError::not_found("user", user_id));
    }
    let done = sqlx::query(
        "UPDATE user_mappings SET status = $1, user_id = $2, manual = TRUE, updated_at = $3 \
         WHERE connection_id = $4 AND gong_user_id = $5",
    )
    .bind(MappingStatus::Mapped.as_str())
    .bind(user_id)
    .bind(ts(now))
    .bind(connection_id)
    .bind(gong_user_id)
    .execute(&mut *tx)
    .await
    .ctx(CTX)?;
    if done.rows_affected() == 0 {
        return Err(StoreError::not_found(
            "Gong user",
            format!("{gong_user_id} of connection {connection_id}"),
        ));
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM user_mappings WHERE connection_id = $1 AND gong_user_id = $2"
    );
    let row: MappingRecord = sqlx::query_as(&sql)
        .bind(connection_id)
        .bind(gong_user_id)
        .fetch_one(&mut *tx)
        .await
        .ctx(CTX)?;
    tx.commit().await.ctx(CTX)?;
    row.into_mapping()
}
