//! Hardening of the command line (issue #10): no credentials in a base URL, the
//! access key secret off the command line, clear errors for a bad `--db`.

use std::process::Stdio;

use tokio::io::AsyncWriteExt;

use crate::helpers::{sim_config, TestApp};

#[tokio::test]
async fn a_base_url_with_credentials_is_refused_without_echoing_them() {
    let app = TestApp::with_scenario("resync.json").await;
    let config = sim_config();
    let url = app
        .sim()
        .base_url()
        .replace("http://", "http://admin:hunter2@");

    let run = app
        .fails(&[
            "connection",
            "create",
            "--name",
            "creds",
            "--base-url",
            &url,
            "--access-key",
            &config.access_key,
            "--access-key-secret",
            &config.access_secret,
        ])
        .await;

    assert!(run.stderr.contains("user name or password"), "{run:#?}");
    assert!(!run.stderr.contains("hunter2") && !run.stdout.contains("hunter2"));
    let listed = app.run(&["connection", "list", "--format", "json"]).await;
    assert!(
        !listed.stdout.contains("creds"),
        "nothing stored: {listed:#?}"
    );
}

#[tokio::test]
async fn the_access_key_secret_can_come_from_standard_input() {
    let app = TestApp::with_scenario("resync.json").await;
    let config = sim_config();
    let mut child = app
        .command(&[
            "connection",
            "create",
            "--name",
            "piped",
            "--base-url",
            app.sim().base_url(),
            "--access-key",
            &config.access_key,
            "--access-key-secret-stdin",
            // The test app's connection syncs this simulator's account already (S10).
            "--replace",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(format!("{}\n", config.access_secret).as_bytes())
        .await
        .unwrap();
    drop(stdin);
    let out = child.wait_with_output().await.unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let help = app.run(&["connection", "create", "--help"]).await;
    assert!(
        help.stdout.contains("--access-key-secret-stdin"),
        "{}",
        help.stdout
    );
    assert!(
        help.stdout.contains("GONG_ACCESS_KEY_SECRET"),
        "{}",
        help.stdout
    );
}

#[tokio::test]
async fn a_folder_as_the_database_is_named_as_such() {
    let folder = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", folder.path().display());

    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_gong-timeline"))
        .args(["--db", &url, "log", "jobs"])
        .env_remove("GONG_TIMELINE_DB")
        .stdin(Stdio::null())
        .output()
        .await
        .expect("runs");

    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("is a folder, not a database file"),
        "{stderr}"
    );
}

/// Runs the binary with the test's folder mounted read-only, in a private user and
/// mount namespace; `None` when this machine offers no such namespaces.
async fn run_on_read_only_folder(app: &TestApp, args: &[&str]) -> Option<std::process::Output> {
    const SCRIPT: &str =
        r#"mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@""#;
    let folder = app.dir.path().to_str().expect("UTF-8 path");
    let wrapper = ["unshare", "-r", "-m", "sh", "-c", SCRIPT, "sh", folder];
    let probe = tokio::process::Command::new("unshare")
        .args(["-r", "-m", "sh", "-c", SCRIPT, "sh", folder, "true"])
        .output()
        .await;
    if !probe.is_ok_and(|p| p.status.success()) {
        let required = std::env::var_os("REQUIRE_NAMESPACES").is_some();
        assert!(
            !required,
            "REQUIRE_NAMESPACES is set, but `unshare -r -m` with a read-only bind mount fails here"
        );
        eprintln!("SKIPPED: the read-only mount test needs `unshare -r -m` (user and mount namespaces); set REQUIRE_NAMESPACES=1 to make this a failure");
        return None;
    }
    let output = app
        .command_under(&wrapper, args)
        .output()
        .await
        .expect("runs");
    Some(output)
}

#[tokio::test]
async fn a_sync_on_a_read_only_mount_says_so_once_and_writes_nothing() {
    // Arrange: a synced SQLite database, then its folder read-only.
    let app = TestApp::with_scenario("resync.json").await;
    if !app.db.starts_with("sqlite://") {
        eprintln!("SKIPPED: the read-only mount test is about SQLite files");
        return;
    }
    app.sync().await;
    let jobs_before = app.jobs().await;

    // Act
    let args = ["sync", "--connection", crate::helpers::CONNECTION];
    let Some(out) = run_on_read_only_folder(&app, &args).await else {
        return;
    };

    // Assert: one clear sentence, said once; the database as it was.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    // Opening may already fail (no -wal/-shm files to share), or else the first write.
    assert_eq!(stderr.matches("is read-only").count(), 1, "{stderr}");
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "{stderr}"
    );
    assert!(
        !stderr.to_lowercase().contains("readonly database"),
        "no raw driver text: {stderr}"
    );
    assert_eq!(app.jobs().await, jobs_before);
}

/// Runs the binary with `--db url` in a fresh folder; returns stdout + stderr.
async fn output_with_db(url: &str, args: &[&str]) -> String {
    let folder = tempfile::tempdir().unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_gong-timeline"))
        .args(["--db", url])
        .args(args)
        .current_dir(folder.path())
        .env_remove("GONG_TIMELINE_DB")
        .stdin(Stdio::null())
        .output()
        .await
        .expect("runs");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[tokio::test]
async fn sec5_no_database_password_is_printed_by_serve_or_demo() {
    // Act: a password in the userinfo (the serve reaches "no admin"), in a query
    // parameter (the open fails), and a demo on a URL with one.
    let no_admin = output_with_db("sqlite://app:hunter2@fresh.db", &["serve"]).await;
    let query = output_with_db("sqlite://x.db?password=hunter2", &["serve"]).await;
    let demo = output_with_db(
        "sqlite://app:hunter2@demo.db",
        &["demo", "--once", "--calls", "5"],
    )
    .await;

    // Assert
    assert!(no_admin.contains("no admin account"), "{no_admin}");
    assert!(
        no_admin.contains("sqlite://app:****@fresh.db"),
        "{no_admin}"
    );
    assert!(query.contains("password=****"), "{query}");
    assert!(demo.contains("Explore it"), "{demo}");
    // #20 item 12: the hints work as printed: they name the demo's database.
    assert!(
        demo.contains(
            "Details: gong-timeline --db 'sqlite://app:****@demo.db' log records --job 1"
        ),
        "{demo}"
    );
    for shown in [&no_admin, &query, &demo] {
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}

#[tokio::test]
async fn sec3_many_slow_senders_leave_healthz_answering_under_a_low_open_file_limit() {
    // Arrange: serve may open 128 files; 300 clients each send a log-in form's head
    // and one byte of its body, then nothing (1 byte per ~15 s in the wild).
    let app = TestApp::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let serve = app
        .serve_process_under(&["prlimit", "--nofile=128:128"], &base, &[])
        .await;
    let head = "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nu";
    let mut slow = Vec::new();
    for _ in 0..300 {
        if let Ok(mut stream) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await {
            let _ = stream.write_all(head.as_bytes()).await;
            slow.push(stream);
        }
    }

    // Act / Assert: /healthz answers within a bound while they hold on.
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(1))
        .build()
        .unwrap();
    let health = format!("{}/healthz", serve.base);
    crate::helpers::wait_for(
        "/healthz to answer beside 300 slow senders",
        std::time::Duration::from_secs(5),
        || async {
            client
                .get(&health)
                .send()
                .await
                .ok()
                .filter(|r| r.status().is_success())
        },
    )
    .await;
    drop(slow);
}

#[tokio::test]
async fn sec8_admin_token_makes_a_scoped_token_that_serve_holds_to_its_scope() {
    let app = TestApp::with_scenario("resync.json").await;
    let serve = app.serve_process(&[]).await;
    let made = app
        .json(&[
            "admin",
            "token",
            "--username",
            "admin",
            "--name",
            "prometheus",
            "--scope",
            "metrics",
            "--format",
            "json",
        ])
        .await;
    assert_eq!(made["scope"], "metrics", "{made}");
    let token = made["token"]
        .as_str()
        .expect("the token is printed")
        .to_string();
    let get = |path: &str| {
        let url = format!("{}{path}", serve.base);
        let token = token.clone();
        async move {
            reqwest::Client::new()
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .expect("serve answers")
                .status()
                .as_u16()
        }
    };
    assert_eq!(get("/metrics").await, 200);
    assert_eq!(get("/api/v1/jobs").await, 403);

    let refused = app
        .fails(&[
            "admin",
            "token",
            "--username",
            "admin",
            "--name",
            "x",
            "--scope",
            "root",
        ])
        .await;
    assert!(
        refused.stderr.contains("read, metrics or admin"),
        "{}",
        refused.stderr
    );
    let unknown = app
        .fails(&["admin", "token", "--username", "nobody", "--name", "x"])
        .await;
    assert!(
        unknown.stderr.contains("there is no admin 'nobody'"),
        "{}",
        unknown.stderr
    );
}

#[tokio::test]
async fn a1_admin_remove_takes_an_accounts_sign_in_away_but_keeps_the_last_admin() {
    let app = TestApp::new();
    let store = app.open_store().await;
    let now = chrono::Utc::now();
    let root = store.create_admin("root", "h", now).await.unwrap();
    let ann = store
        .create_account(
            "ann@example.com",
            "h",
            gong_timeline_store::Role::Member,
            now,
        )
        .await
        .unwrap();
    store
        .create_api_token(gong_timeline_store::NewApiToken {
            name: "script".into(),
            token_hash: "digest".into(),
            admin_id: ann.id,
            created_at: now,
            expires_at: None,
            scope: gong_timeline_domain::TokenScope::Read,
        })
        .await
        .unwrap();

    let out = app
        .ok(&["admin", "remove", "--username", "ANN@example.com"])
        .await;
    assert!(
        out.contains("The sign-in of 'ann@example.com' is removed"),
        "{out}"
    );
    let removed = store.admin_by_id(ann.id).await.unwrap().unwrap();
    assert!(!removed.can_sign_in());
    assert_eq!(store.api_token_by_hash("digest").await.unwrap(), None);
    let entries = store.list_audit_entries(10, None).await.unwrap();
    let entry = entries
        .iter()
        .find(|e| e.action == gong_timeline_domain::audit::AuditAction::SignInRemoved)
        .expect("audited");
    assert_eq!(
        entry.channel,
        gong_timeline_domain::audit::AuditChannel::Cli
    );
    assert_eq!(entry.target, "account 'ann@example.com'");

    let again = app
        .fails(&["admin", "remove", "--username", "ann@example.com"])
        .await;
    assert!(
        again
            .stderr
            .contains("there is no account 'ann@example.com' that may sign in"),
        "{}",
        again.stderr
    );
    let last = app.fails(&["admin", "remove", "--username", "root"]).await;
    assert!(
        last.stderr.contains("'root' is the last admin"),
        "{}",
        last.stderr
    );
    assert!(store
        .admin_by_id(root.id)
        .await
        .unwrap()
        .unwrap()
        .can_sign_in());
}
