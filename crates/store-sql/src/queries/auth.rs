//! Web admin accounts, login sessions and API tokens. Passwords arrive hashed
//! (argon2) and tokens as SHA-256 digests: nothing here can log a secret in.
//!
//! The last admin who can sign in stays one (A1): a demotion or a removed sign-in
//! runs in a write transaction that first locks the admins' rows (PostgreSQL; SQLite's
//! write lock orders every writer anyway), then changes the row only while another
//! admin remains, so two admins demoting each other at once leave one.

use chrono::{DateTime, Utc};
use gong_timeline_store::{
    Admin, AdminId, ApiToken, ApiTokenId, NewApiToken, Result, Role, Session, StoreError,
};

use super::error::{db_error, is_unique_violation, Ctx};
use super::{dialect, Backend};
use crate::codec::{read_enum, read_ts, read_ts_opt, ts, ts_opt};

type AdminRow = (i64, String, String, String, String, Option<String>);

/// The columns of an [`AdminRow`].
const ADMIN_COLUMNS: &str = "id, username, password_hash, created_at, role, sign_in_removed_at";

/// A row of `admins` that is an admin who can sign in.
const SIGNING_ADMIN: &str = "role = 'admin' AND sign_in_removed_at IS NULL";

/// True of a row whose change keeps an admin who can sign in: it is no such admin,
/// or another one is.
const NOT_LAST_ADMIN: &str = "(role <> 'admin' OR sign_in_removed_at IS NOT NULL OR \
     (SELECT COUNT(*) FROM admins other WHERE other.role = 'admin' AND other.sign_in_removed_at IS NULL) > 1)";

/// What a removed account has for a password hash: no PHC string, so no password
/// matches it even where the removal is not checked.
const REMOVED_PASSWORD: &str = "!removed";
type SessionRow = (String, i64, String, String, String);
type TokenRow = (
    i64,
    String,
    String,
    i64,
    String,
    Option<String>,
    Option<String>,
    String,
);

fn into_admin((id, username, password_hash, created, role, removed): AdminRow) -> Result<Admin> {
    Ok(Admin {
        id: id.into(),
        username,
        password_hash,
        created_at: read_ts("admins.created_at", &created)?,
        role: read_enum("admins.role", &role)?,
        sign_in_removed_at: read_ts_opt("admins.sign_in_removed_at", removed.as_deref())?,
    })
}

fn into_token(
    (id, name, token_hash, admin_id, created, expires, used, scope): TokenRow,
) -> Result<ApiToken> {
    Ok(ApiToken {
        id: id.into(),
        name,
        token_hash,
        admin_id: admin_id.into(),
        created_at: read_ts("api_tokens.created_at", &created)?,
        expires_at: read_ts_opt("api_tokens.expires_at", expires.as_deref())?,
        last_used_at: read_ts_opt("api_tokens.last_used_at", used.as_deref())?,
        scope: read_enum("api_tokens.scope", &scope)?,
    })
}

pub(crate) async fn create_admin(
    store: &Backend,
    username: &str,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<Admin> {
    create_account(store, username, password_hash, Role::Admin, now).await
}

pub(crate) async fn create_account(
    store: &Backend,
    username: &str,
    password_hash: &str,
    role: Role,
    now: DateTime<Utc>,
) -> Result<Admin> {
    if let Some(account) = restore_account(store, username, password_hash, role).await? {
        return Ok(account);
    }
    let row: AdminRow = sqlx::query_as(&format!(
        "INSERT INTO admins (username, password_hash, created_at, role) VALUES ($1, $2, $3, $4) \
         RETURNING {ADMIN_COLUMNS}"
    ))
    .bind(username.trim())
    .bind(password_hash)
    .bind(ts(now))
    .bind(role.as_str())
    .fetch_one(&store.pool)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::AlreadyExists {
                what: "admin",
                field: "username",
                key: username.trim().to_string(),
            }
        } else {
            db_error("creating an admin", e)
        }
    })?;
    into_admin(row)
}

/// Gives sign-in back to the account of `username` if it was removed.
async fn restore_account(
    store: &Backend,
    username: &str,
    password_hash: &str,
    role: Role,
) -> Result<Option<Admin>> {
    let row: Option<AdminRow> = sqlx::query_as(&format!(
        "UPDATE admins SET password_hash = $1, role = $2, sign_in_removed_at = NULL \
         WHERE lower(username) = lower($3) AND sign_in_removed_at IS NOT NULL \
         RETURNING {ADMIN_COLUMNS}"
    ))
    .bind(password_hash)
    .bind(role.as_str())
    .bind(username.trim())
    .fetch_optional(&store.pool)
    .await
    .ctx("giving an account sign-in again")?;
    row.map(into_admin).transpose()
}

pub(crate) async fn admin_by_username(store: &Backend, username: &str) -> Result<Option<Admin>> {
    let row: Option<AdminRow> = sqlx::query_as(&format!(
        "SELECT {ADMIN_COLUMNS} FROM admins WHERE lower(username) = lower($1)"
    ))
    .bind(username.trim())
    .fetch_optional(&store.pool)
    .await
    .ctx("reading an admin")?;
    row.map(into_admin).transpose()
}

pub(crate) async fn admin_by_id(store: &Backend, id: AdminId) -> Result<Option<Admin>> {
    let row: Option<AdminRow> =
        sqlx::query_as(&format!("SELECT {ADMIN_COLUMNS} FROM admins WHERE id = $1"))
            .bind(id)
            .fetch_optional(&store.pool)
            .await
            .ctx("reading an admin")?;
    row.map(into_admin).transpose()
}

pub(crate) async fn list_admins(store: &Backend) -> Result<Vec<Admin>> {
    let rows: Vec<AdminRow> = sqlx::query_as(&format!(
        "SELECT {ADMIN_COLUMNS} FROM admins WHERE sign_in_removed_at IS NULL \
         ORDER BY lower(username), id"
    ))
    .fetch_all(&store.pool)
    .await
    .ctx("listing accounts")?;
    rows.into_iter().map(into_admin).collect()
}

/// Locks the rows of the admins who can sign in until the transaction ends, in id
/// order: a second demotion or removal waits, then counts what the first left.
async fn lock_admins(conn: &mut dialect::Conn, context: &'static str) -> Result<()> {
    sqlx::query(&format!(
        "SELECT id FROM admins WHERE {SIGNING_ADMIN} ORDER BY id{}",
        dialect::LOCK_ROW
    ))
    .execute(conn)
    .await
    .ctx(context)?;
    Ok(())
}

/// Why account `id` was not changed: it does not exist (or, `removed_too`, its
/// sign-in is removed already), or it is the last admin.
async fn unchanged(
    conn: &mut dialect::Conn,
    id: AdminId,
    removed_too: bool,
    context: &'static str,
) -> StoreError {
    let found: std::result::Result<Option<(String, Option<String>)>, _> =
        sqlx::query_as("SELECT username, sign_in_removed_at FROM admins WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await;
    match found {
        Err(e) => db_error(context, e),
        Ok(Some((_, Some(_)))) if removed_too => StoreError::not_found("sign-in account", id),
        Ok(Some((username, _))) => StoreError::LastAdmin { username },
        Ok(None) => StoreError::not_found("admin", id),
    }
}

pub(crate) async fn set_admin_role(store: &Backend, id: AdminId, role: Role) -> Result<()> {
    const CTX: &str = "changing an account's role";
    let mut tx = store.write_tx(CTX).await?;
    lock_admins(&mut tx, CTX).await?;
    let done = sqlx::query(&format!(
        "UPDATE admins SET role = $1 WHERE id = $2 AND ($1 = 'admin' OR {NOT_LAST_ADMIN})"
    ))
    .bind(role.as_str())
    .bind(id)
    .execute(&mut *tx)
    .await
    .ctx(CTX)?;
    if done.rows_affected() == 0 {
        return Err(unchanged(&mut tx, id, false, CTX).await);
    }
    tx.commit().await.ctx(CTX)
}

pub(crate) async fn remove_sign_in(
    store: &Backend,
    id: AdminId,
    now: DateTime<Utc>,
) -> Result<Admin> {
    const CTX: &str = "removing an account's sign-in";
    let mut tx = store.write_tx(CTX).await?;
    lock_admins(&mut tx, CTX).await?;
    let before: Option<AdminRow> = sqlx::query_as(&format!(
        "SELECT {ADMIN_COLUMNS} FROM admins WHERE id = $1 AND sign_in_removed_at IS NULL"
    ))
    .bind(id)
    .fetch_optional(&mut *tx)
    .await
    .ctx(CTX)?;
    let done = sqlx::query(&format!(
        "UPDATE admins SET sign_in_removed_at = $1, password_hash = $2 \
         WHERE id = $3 AND sign_in_removed_at IS NULL AND {NOT_LAST_ADMIN}"
    ))
    .bind(ts(now))
    .bind(REMOVED_PASSWORD)
    .bind(id)
    .execute(&mut *tx)
    .await
    .ctx(CTX)?;
    let Some(before) = before.filter(|_| done.rows_affected() == 1) else {
        return Err(unchanged(&mut tx, id, true, CTX).await);
    };
    // Signed-in browsers and API clients of the account stop at their next request.
    for table in ["sessions", "api_tokens"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE admin_id = $1"))
            .bind(id)
            .execute(&mut *tx)
            .await
            .ctx(CTX)?;
    }
    tx.commit().await.ctx(CTX)?;
    into_admin(before)
}

pub(crate) async fn set_admin_password(
    store: &Backend,
    id: AdminId,
    password_hash: &str,
) -> Result<()> {
    let mut tx = store.pool.begin().await.ctx("updating an admin")?;
    let done = sqlx::query("UPDATE admins SET password_hash = $1 WHERE id = $2")
        .bind(password_hash)
        .bind(id)
        .execute(&mut *tx)
        .await
        .ctx("updating an admin")?;
    if done.rows_affected() == 0 {
        return Err(StoreError::not_found("admin", id));
    }
    // Whoever knew the old password is logged out with it.
    sqlx::query("DELETE FROM sessions WHERE admin_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await
        .ctx("ending the admin's sessions")?;
    // So are the API tokens they made: one minted with the old password must not outlive it.
    sqlx::query("DELETE FROM api_tokens WHERE admin_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await
        .ctx("revoking the admin's API tokens")?;
    tx.commit().await.ctx("updating an admin")
}

pub(crate) async fn count_admins(store: &Backend) -> Result<u64> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM admins WHERE sign_in_removed_at IS NULL")
            .fetch_one(&store.pool)
            .await
            .ctx("counting admins")?;
    Ok(n.max(0) as u64)
}

pub(crate) async fn create_session(store: &Backend, s: Session) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, admin_id, csrf_token, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&s.token_hash)
    .bind(s.admin_id)
    .bind(&s.csrf_token)
    .bind(ts(s.created_at))
    .bind(ts(s.expires_at))
    .execute(&store.pool)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
            StoreError::not_found("admin", s.admin_id)
        }
        _ => db_error("creating a session", e),
    })?;
    // Expired sessions go with each login.
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(ts(s.created_at))
        .execute(&store.pool)
        .await
        .ctx("pruning sessions")?;
    Ok(())
}

pub(crate) async fn session_by_hash(
    store: &Backend,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Session>> {
    let row: Option<SessionRow> = sqlx::query_as(
        "SELECT token_hash, admin_id, csrf_token, created_at, expires_at FROM sessions \
         WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(ts(now))
    .fetch_optional(&store.pool)
    .await
    .ctx("reading a session")?;
    row.map(|(token_hash, admin_id, csrf_token, created, expires)| {
        Ok(Session {
            token_hash,
            admin_id: admin_id.into(),
            csrf_token,
            created_at: read_ts("sessions.created_at", &created)?,
            expires_at: read_ts("sessions.expires_at", &expires)?,
        })
    })
    .transpose()
}

pub(crate) async fn delete_session(store: &Backend, token_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(&store.pool)
        .await
        .ctx("deleting a session")?;
    Ok(())
}

const TOKEN_COLUMNS: &str =
    "id, name, token_hash, admin_id, created_at, expires_at, last_used_at, scope";

pub(crate) async fn create_api_token(store: &Backend, new: NewApiToken) -> Result<ApiToken> {
    let sql = format!(
        "INSERT INTO api_tokens (name, token_hash, admin_id, created_at, expires_at, scope) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {TOKEN_COLUMNS}"
    );
    let row: TokenRow = sqlx::query_as(&sql)
        .bind(&new.name)
        .bind(&new.token_hash)
        .bind(new.admin_id)
        .bind(ts(new.created_at))
        .bind(ts_opt(new.expires_at))
        .bind(new.scope.as_str())
        .fetch_one(&store.pool)
        .await
        .map_err(|e| match &e {
            _ if is_unique_violation(&e) => StoreError::AlreadyExists {
                what: "API token",
                field: "token",
                key: "(token)".to_string(),
            },
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                StoreError::not_found("admin", new.admin_id)
            }
            _ => db_error("creating an API token", e),
        })?;
    into_token(row)
}

pub(crate) async fn api_token_by_hash(
    store: &Backend,
    token_hash: &str,
) -> Result<Option<ApiToken>> {
    let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1");
    let row: Option<TokenRow> = sqlx::query_as(&sql)
        .bind(token_hash)
        .fetch_optional(&store.pool)
        .await
        .ctx("reading an API token")?;
    row.map(into_token).transpose()
}

pub(crate) async fn touch_api_token(
    store: &Backend,
    id: ApiTokenId,
    now: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
        .bind(ts(now))
        .bind(id)
        .execute(&store.pool)
        .await
        .ctx("noting an API token's use")?;
    Ok(())
}

pub(crate) async fn list_api_tokens(store: &Backend) -> Result<Vec<ApiToken>> {
    let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens ORDER BY id DESC");
    let rows: Vec<TokenRow> = sqlx::query_as(&sql)
        .fetch_all(&store.pool)
        .await
        .ctx("listing API tokens")?;
    rows.into_iter().map(into_token).collect()
}

pub(crate) async fn delete_api_token(store: &Backend, id: ApiTokenId) -> Result<()> {
    let done = sqlx::query("DELETE FROM api_tokens WHERE id = $1")
        .bind(id)
        .execute(&store.pool)
        .await
        .ctx("deleting an API token")?;
    if done.rows_affected() == 0 {
        return Err(StoreError::not_found("API token", id));
    }
    Ok(())
}
