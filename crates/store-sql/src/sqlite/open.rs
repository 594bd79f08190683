//! Opening a store from a URL: `sqlite://gong-timeline.db` (relative to the working
//! directory), `sqlite:///abs/path.db`, a bare path, or `sqlite::memory:`.
//!
//! The file is created on first use, migrations are applied, and the secret key for
//! credentials is taken from [`SqliteOptions::secret_key`], else
//! `GONG_TIMELINE_SECRET_KEY`, else the key file `<db file>.key` (created with mode
//! 0600 on first use). An in-memory database without a given key gets a random one.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use gong_timeline_store::crypto::{SecretKey, KEY_ENV};
use gong_timeline_store::{Result, StoreError};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use super::dialect::is_locked;
use super::SqliteStore;

/// The page cache of the writer connection, in KiB (SQLite's negative `cache_size`):
/// room for the index pages a page commit touches, which stay valid from one commit to
/// the next because no other connection writes in between.
const WRITER_CACHE: &str = "-8192";

/// The page cache of each reading connection, in KiB (SQLite's default is 2 MiB). In
/// WAL mode a reader's cache is emptied whenever another connection has committed
/// since its last read, so during a sync (a commit every few milliseconds) it never
/// outlives one read; the operating system's file cache serves the rest. 512 KiB
/// holds the b-trees' inner pages a read walks. Four readers at 2 MiB were a third of
/// SQLite's memory at the peak of `bench --calls 100000` (heaptrack: 19.6 MB).
const READER_CACHE: &str = "-512";

/// Prepared statements kept per connection (sqlx's default is 100). A bulk write has
/// one text per power of two up to 128 rows (`bulk`), eight per table; a job's page
/// commits use about forty texts in all, and each must stay prepared, or the commit
/// pays SQLite's parser again (a third of its cost, measured with callgrind).
const STATEMENT_CACHE: usize = 64;

/// How to open a store. `Default` is what [`SqliteStore::open`] uses.
#[derive(Debug, Clone)]
pub struct SqliteOptions {
    /// The credentials key; `None` = the environment variable or the key file.
    pub secret_key: Option<SecretKey>,
    /// Pool size (writers still take turns).
    pub max_connections: u32,
    /// How long a statement waits for another process's write lock.
    pub busy_timeout: Duration,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        SqliteOptions {
            secret_key: None,
            max_connections: 4,
            busy_timeout: Duration::from_secs(10),
        }
    }
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `url` and applies migrations.
    pub async fn open(url: &str) -> Result<SqliteStore> {
        SqliteStore::open_with(url, SqliteOptions::default()).await
    }

    /// [`SqliteStore::open`] with explicit options.
    pub async fn open_with(url: &str, options: SqliteOptions) -> Result<SqliteStore> {
        let open_err = |reason: String| StoreError::Open {
            url: url.to_string(),
            reason,
        };
        let memory = url.contains(":memory:") || url.contains("mode=memory");
        let connect = connect_options(url)
            .map_err(open_err)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(options.busy_timeout)
            .foreign_keys(true)
            .statement_cache_capacity(STATEMENT_CACHE);
        let file = connect.get_filename().to_path_buf();
        if !memory {
            check_file(&file).map_err(open_err)?;
            check_folder(&file).map_err(open_err)?;
            create_private(&file).map_err(open_err)?;
            tighten_modes(&file);
        }
        let pool_options = SqlitePoolOptions::new()
            .max_connections(if memory {
                1
            } else {
                options.max_connections.max(1)
            })
            .min_connections(if memory { 1 } else { 0 })
            .idle_timeout(if memory {
                None
            } else {
                Some(Duration::from_secs(600))
            })
            .max_lifetime(if memory {
                None
            } else {
                Some(Duration::from_secs(3600))
            })
            .acquire_timeout(options.busy_timeout + Duration::from_secs(5));
        let connect_err = |e: sqlx::Error| {
            if is_locked(&e) {
                StoreError::Locked
            } else {
                open_err(explain(&file, &e.to_string()))
            }
        };
        // Statement journals spill to a temporary file past SQLite's threshold (the
        // binary raises it to 4 MiB before SQLite starts: `cli/src/memory.rs`), not
        // `temp_store = MEMORY`: with that, a statement touching a whole connection
        // (moving its activities, deleting its stored meetings) would hold a copy of
        // every page it changes in memory.
        let writer_options = connect.clone().pragma("cache_size", WRITER_CACHE);
        // An in-memory database lives in its page cache: no limit there.
        let reader_options = if memory {
            connect
        } else {
            connect.pragma("cache_size", READER_CACHE)
        };
        let pool = pool_options
            .connect_with(reader_options)
            .await
            .map_err(connect_err)?;
        sqlx::migrate!("./migrations/sqlite")
            .run(&pool)
            .await
            .map_err(|e| match e {
                sqlx::migrate::MigrateError::Execute(inner) if is_locked(&inner) => {
                    StoreError::Locked
                }
                other => StoreError::Migration(explain(&file, &other.to_string())),
            })?;
        let key = match options.secret_key {
            Some(key) => key,
            None => {
                refuse_new_key_for_sealed_data(&pool, memory, &file).await?;
                load_key(memory, &file)?
            }
        };
        let writer = if memory {
            // One in-memory database is one connection's.
            pool.clone()
        } else {
            SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(0)
                .idle_timeout(Some(Duration::from_secs(600)))
                .max_lifetime(None)
                .acquire_timeout(options.busy_timeout + Duration::from_secs(5))
                .connect_with(writer_options)
                .await
                .map_err(connect_err)?
        };
        tracing::debug!(url, "Opened the SQLite store.");
        Ok(SqliteStore { pool, writer, key })
    }
}

/// The database file and its key file (`<db file>.key`) of a file URL; `None` for
/// an in-memory database or a URL that is not SQLite's.
pub fn files_of(url: &str) -> Option<(PathBuf, PathBuf)> {
    if url.contains(":memory:") || url.contains("mode=memory") {
        return None;
    }
    let file = connect_options(url).ok()?.get_filename().to_path_buf();
    let key_file = key_file_of(&file);
    Some((file, key_file))
}

fn connect_options(url: &str) -> std::result::Result<SqliteConnectOptions, String> {
    if url.starts_with("sqlite:") {
        return SqliteConnectOptions::from_str(url).map_err(|e| {
            format!("{e}; write it as sqlite://relative/path.db or sqlite:///absolute/path.db")
        });
    }
    if url.contains("://") {
        return Err(
            "unknown database URL: use sqlite://gong-timeline.db (SQLite) or postgres://user@host/database (PostgreSQL)".to_string(),
        );
    }
    Ok(SqliteConnectOptions::new().filename(url))
}

/// Makes the database, its -wal and -shm files and its key file readable by their
/// owner only, when an older version (or a copy) left them readable by others; says
/// so loudly where that is not allowed (another owner, a read-only mount).
fn tighten_modes(file: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mut names = vec![file.to_path_buf(), key_file_of(file)];
        for suffix in ["-wal", "-shm"] {
            let mut name = file.as_os_str().to_owned();
            name.push(suffix);
            names.push(PathBuf::from(name));
        }
        for path in names {
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 == 0 {
                continue;
            }
            match std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)) {
                Ok(()) => tracing::warn!(
                    file = %path.display(),
                    "The file was readable by others (mode {mode:o}); it is now 0600, as the \
                     customer data and credentials it holds require."
                ),
                Err(error) => tracing::warn!(
                    file = %path.display(),
                    %error,
                    "The file is readable by others (mode {mode:o}) and could not be made 0600: \
                     make it private to the service's user (chmod 600)."
                ),
            }
        }
    }
    #[cfg(not(unix))]
    let _ = file;
}

/// A URL must name a file, not nothing (`sqlite://`) nor a folder.
fn check_file(file: &Path) -> std::result::Result<(), String> {
    if file.as_os_str().is_empty() {
        return Err(
            "the URL names no database file; write it as sqlite://gong-timeline.db or sqlite:///absolute/path.db"
                .to_string(),
        );
    }
    if file.is_dir() {
        return Err(format!(
            "{} is a folder, not a database file; add a file name, e.g. sqlite://{}/gong-timeline.db",
            file.display(),
            file.display()
        ));
    }
    Ok(())
}

/// Creates a missing database file readable by its owner only (0600): it holds
/// customer data and sealed credentials. SQLite gives its -wal and -shm files the
/// same mode.
fn create_private(file: &Path) -> std::result::Result<(), String> {
    if file.exists() {
        return Ok(());
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(file) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(format!(
            "cannot create {}: {e}; the folder must be writable (not a read-only mount)",
            file.display()
        )),
    }
}

/// SQLite's "unable to open database file" and "readonly database", said with the
/// file and what to do.
fn explain(file: &Path, message: &str) -> String {
    let lower = message.to_ascii_lowercase();
    if lower.contains("readonly") || lower.contains("read-only") || is_read_only(file) {
        format!(
            "the database {} is read-only ({message}); the database, its folder and its -wal/-shm files must be writable (not a read-only mount)",
            file.display()
        )
    } else if lower.contains("unable to open database file") {
        format!(
            "cannot open {} ({message}); check that it is a file you can read and write, in a writable folder",
            file.display()
        )
    } else {
        message.to_string()
    }
}

/// True when the file is read-only to us: its mode, or a read-only mount (which also
/// binds root, whom the mode does not).
fn is_read_only(file: &Path) -> bool {
    let mode_read_only = std::fs::metadata(file).is_ok_and(|m| m.permissions().readonly());
    let mount_read_only = std::fs::OpenOptions::new()
        .append(true)
        .open(file)
        .is_err_and(|e| e.kind() == std::io::ErrorKind::ReadOnlyFilesystem);
    mode_read_only || mount_read_only
}

fn check_folder(file: &Path) -> std::result::Result<(), String> {
    let folder = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => return Ok(()),
    };
    if folder.is_dir() {
        Ok(())
    } else {
        Err(format!(
            "the folder {} does not exist; create it or choose another path",
            folder.display()
        ))
    }
}

fn key_file_of(file: &Path) -> PathBuf {
    let mut key_file = PathBuf::from(file.as_os_str());
    key_file.as_mut_os_string().push(".key");
    key_file
}

/// A database that already holds sealed credentials must never get a fresh key: that
/// would make them unreadable for good. Say which key is missing instead.
async fn refuse_new_key_for_sealed_data(
    pool: &sqlx::SqlitePool,
    memory: bool,
    file: &Path,
) -> Result<()> {
    let env_set = std::env::var(KEY_ENV).is_ok_and(|v| !v.trim().is_empty());
    let key_file = key_file_of(file);
    if memory || env_set || key_file.exists() {
        return Ok(());
    }
    let sealed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM connections")
        .fetch_one(pool)
        .await
        .map_err(|e| StoreError::Backend {
            context: "checking for stored credentials",
            source: Box::new(e),
        })?;
    if sealed == 0 {
        return Ok(());
    }
    Err(StoreError::Open {
        url: file.display().to_string(),
        reason: format!(
            "it holds encrypted Gong credentials but their key file {} is missing; restore that file \
             next to the database or set {KEY_ENV} to the key (a new key would make the stored \
             credentials unreadable)",
            key_file.display()
        ),
    })
}

fn load_key(memory: bool, file: &Path) -> Result<SecretKey> {
    let env = std::env::var(KEY_ENV).ok();
    if memory && env.as_deref().is_none_or(|v| v.trim().is_empty()) {
        return Ok(SecretKey::generate());
    }
    Ok(SecretKey::load(env.as_deref(), &key_file_of(file))?)
}
