//! Timeline users and activity types: imports, batch creation and reads.
//!
//! Users are keyed on import by (email, name): several users may share an email (a
//! conflict, U3), but the same email and name is the same user, so importing a file
//! twice updates it. When both an imported and a sync-created user match, the
//! imported one is updated; a sync-created match is updated and becomes imported.
//! Activity types are keyed by name, case-insensitively.

use gong_timeline_store::{
    ActivityType, ActivityTypeRow, ImportCounts, NewUser, Result, User, UserId, UserRow,
};

use gong_timeline_store::import::plan::{plan_users, StoredUserKey};
use sqlx::QueryBuilder;

use super::dialect::{self, Db};
use super::error::Ctx;
use super::Backend;
use crate::codec::{read_enum, read_json, to_json};

/// Rows per many-row statement: far below either database's bind limit (6 binds a row).
const ROWS: usize = 1000;
const USER_COLUMNS: &str = "id, email, name, license_type, status, fields, created_by_sync";

#[derive(sqlx::FromRow)]
struct UserRecord {
    id: i64,
    email: String,
    name: String,
    license_type: String,
    status: String,
    fields: String,
    created_by_sync: bool,
}

impl UserRecord {
    fn into_user(self) -> Result<User> {
        Ok(User {
            id: self.id.into(),
            license_type: read_enum("users.license_type", &self.license_type)?,
            status: read_enum("users.status", &self.status)?,
            fields: read_json("users.fields", &self.fields)?,
            email: self.email,
            name: self.name,
            created_by_sync: self.created_by_sync,
        })
    }
}

pub(crate) async fn import_users(store: &Backend, rows: Vec<UserRow>) -> Result<ImportCounts> {
    const CTX: &str = "importing users";
    let mut tx = store.write_tx(CTX).await?;
    let stored: Vec<(i64, String, String, bool)> =
        sqlx::query_as("SELECT id, email, name, created_by_sync FROM users")
            .fetch_all(&mut *tx)
            .await
            .ctx(CTX)?;
    let plan = plan_users(
        stored
            .into_iter()
            .map(|(id, email, name, created_by_sync)| StoredUserKey {
                id: id.into(),
                email,
                name,
                created_by_sync,
            }),
        &rows,
    );
    for chunk in plan.updates.chunks(ROWS) {
        let encoded = chunk
            .iter()
            .map(|(id, row)| Ok((*id, row, to_json(&row.fields)?)))
            .collect::<Result<Vec<_>>>()?;
        // `(VALUES …) AS v` names its columns column1… in both databases.
        let mut q: QueryBuilder<Db> = QueryBuilder::new(
            "UPDATE users SET license_type = v.column2, status = v.column3, fields = v.column4, \
             created_by_sync = FALSE FROM (",
        );
        q.push_values(&encoded, |mut b, (id, row, fields)| {
            b.push("CAST(")
                .push_bind_unseparated(*id)
                .push_unseparated(" AS BIGINT)")
                .push_bind(row.license_type.as_str())
                .push_bind(row.status.as_str())
                .push_bind(fields.as_str());
        });
        q.push(") AS v WHERE users.id = v.column1");
        q.build().execute(&mut *tx).await.ctx(CTX)?;
    }
    for chunk in plan.inserts.chunks(ROWS) {
        let encoded = chunk
            .iter()
            .map(|row| Ok((row, to_json(&row.fields)?)))
            .collect::<Result<Vec<_>>>()?;
        let mut q: QueryBuilder<Db> = QueryBuilder::new(
            "INSERT INTO users (email, name, license_type, status, fields, created_by_sync) ",
        );
        q.push_values(&encoded, |mut b, (row, fields)| {
            b.push_bind(row.email.as_str())
                .push_bind(row.name.as_str())
                .push_bind(row.license_type.as_str())
                .push_bind(row.status.as_str())
                .push_bind(fields.as_str())
                .push_bind(false);
        });
        q.build().execute(&mut *tx).await.ctx(CTX)?;
    }
    tx.commit().await.ctx(CTX)?;
    Ok(plan.counts)
}

async fn insert_user(
    tx: &mut sqlx::Transaction<'static, Db>,
    email: &str,
    name: &str,
    license_type: &str,
    status: &str,
    fields: &str,
    created_by_sync: bool,
) -> Result<UserId> {
    sqlx::query_scalar(
        "INSERT INTO users (email, name, license_type, status, fields, created_by_sync) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(email)
    .bind(name)
    .bind(license_type)
    .bind(status)
    .bind(fields)
    .bind(created_by_sync)
    .fetch_one(&mut **tx)
    .await
    .ctx("creating a user")
}

/// The user a sync already created with this email, if any: two jobs (two
/// connections, two replicas) that planned the same Internal Collaborator at once
/// share one user instead of making a same-email conflict (U6). The dialect's lock
/// per email orders them.
async fn sync_created(
    tx: &mut sqlx::Transaction<'static, Db>,
    email: &str,
) -> Result<Option<UserId>> {
    dialect::lock_email(tx, email).await?;
    sqlx::query_scalar(
        "SELECT id FROM users WHERE email = $1 AND created_by_sync ORDER BY id LIMIT 1",
    )
    .bind(email)
    .fetch_optional(&mut **tx)
    .await
    .ctx("looking up a user made by a sync")
}

pub(crate) async fn create_users(store: &Backend, users: Vec<NewUser>) -> Result<Vec<UserId>> {
    let mut tx = store.write_tx("creating users").await?;
    let mut ids = Vec::with_capacity(users.len());
    for user in users {
        let email = user.email.trim().to_lowercase();
        let fields = to_json(&user.fields)?;
        if user.created_by_sync {
            if let Some(id) = sync_created(&mut tx, &email).await? {
                ids.push(id);
                continue;
            }
        }
        let id = insert_user(
            &mut tx,
            &email,
            &user.name,
            user.license_type.as_str(),
            user.status.as_str(),
            &fields,
            user.created_by_sync,
        )
        .await?;
        ids.push(id);
    }
    tx.commit().await.ctx("creating users")?;
    Ok(ids)
}

pub(crate) async fn list_users(store: &Backend) -> Result<Vec<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY id");
    let rows: Vec<UserRecord> = sqlx::query_as(&sql)
        .fetch_all(&store.pool)
        .await
        .ctx("listing users")?;
    rows.into_iter().map(UserRecord::into_user).collect()
}

pub(crate) async fn get_user(store: &Backend, id: UserId) -> Result<Option<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    let row: Option<UserRecord> = sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(&store.pool)
        .await
        .ctx("reading a user")?;
    row.map(UserRecord::into_user).transpose()
}

pub(crate) async fn users_by_email(store: &Backend, email: &str) -> Result<Vec<User>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1 ORDER BY id");
    let rows: Vec<UserRecord> = sqlx::query_as(&sql)
        .bind(email.trim().to_lowercase())
        .fetch_all(&store.pool)
        .await
        .ctx("reading users by email")?;
    rows.into_iter().map(UserRecord::into_user).collect()
}

pub(crate) async fn import_activity_types(
    store: &Backend,
    rows: Vec<ActivityTypeRow>,
) -> Result<ImportCounts> {
    const CTX: &str = "importing activity types";
    let mut tx = store.write_tx(CTX).await?;
    let mut counts = ImportCounts::default();
    for row in rows {
        let key = row.name.to_lowercase();
        let existing: Option<i64> =
            sqlx::query_scalar("SELECT id FROM activity_types WHERE name_key = $1")
                .bind(&key)
                .fetch_optional(&mut *tx)
                .await
                .ctx(CTX)?;
        sqlx::query(
            "INSERT INTO activity_types (name, name_key, scope, active) VALUES ($1, $2, $3, $4) \
             ON CONFLICT(name_key) DO UPDATE SET name = excluded.name, scope = excluded.scope, active = excluded.active",
        )
        .bind(&row.name)
        .bind(&key)
        .bind(row.scope.as_str())
        .bind(row.active)
        .execute(&mut *tx)
        .await
        .ctx(CTX)?;
        if existing.is_some() {
            counts.updated += 1;
        } else {
            counts.inserted += 1;
        }
    }
    tx.commit().await.ctx(CTX)?;
    Ok(counts)
}

type TypeRecord = (i64, String, String, bool);

fn into_type((id, name, scope, active): TypeRecord) -> Result<ActivityType> {
    Ok(ActivityType {
        id: id.into(),
        name,
        scope: read_enum("activity_types.scope", &scope)?,
        active,
    })
}

pub(crate) async fn list_activity_types(store: &Backend) -> Result<Vec<ActivityType>> {
    let rows: Vec<TypeRecord> =
        sqlx::query_as("SELECT id, name, scope, active FROM activity_types ORDER BY name_key")
            .fetch_all(&store.pool)
            .await
            .ctx("listing activity types")?;
    rows.into_iter().map(into_type).collect()
}

pub(crate) async fn activity_type_by_name(
    store: &Backend,
    name: &str,
) -> Result<Option<ActivityType>> {
    let row: Option<TypeRecord> =
        sqlx::query_as("SELECT id, name, scope, active FROM activity_types WHERE name_key = $1")
            .bind(name.trim().to_lowercase())
            .fetch_optional(&store.pool)
            .await
            .ctx("reading an activity type")?;
    row.map(into_type).transpose()
}
