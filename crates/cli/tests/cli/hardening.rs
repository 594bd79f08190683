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
