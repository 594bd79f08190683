//! The README's worked example is a test: its commands run in order, as written,
//! against the `gong-timeline sim` it starts, so the README cannot drift from the
//! product. Only what the README marks as yours to fill in is substituted: the
//! simulator's port (the test binds port 0), and `<id>` / `42` of `users resolve`
//! (the first Conflict and its first suggested user).

use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::helpers::{array, TestApp};

/// The shell block after "A worked example", as commands (continuations joined,
/// comments dropped), each split into words like a POSIX shell would.
fn worked_example() -> Vec<Vec<String>> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .expect("README.md");
    let start = readme.find("A worked example").expect("the worked example");
    let block = readme[start..]
        .split("```sh\n")
        .nth(1)
        .and_then(|b| b.split("\n```").next())
        .expect("a ```sh block");
    let mut commands = Vec::new();
    let mut pending = String::new();
    for line in block.lines() {
        let line = line.trim();
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let line = strip_comment(line);
        match line.strip_suffix('\\') {
            Some(head) => pending.push_str(head),
            None => {
                pending.push_str(&line);
                commands.push(words(&pending));
                pending.clear();
            }
        }
    }
    commands
}

/// The line without a trailing `# comment` (outside quotes).
fn strip_comment(line: &str) -> String {
    let mut quote = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if line[..i].ends_with(' ') => return line[..i].trim_end().to_string(),
            _ => {}
        }
    }
    line.to_string()
}

/// Shell words: spaces separate, single and double quotes group.
fn words(line: &str) -> Vec<String> {
    let (mut out, mut word, mut quote, mut any) = (Vec::new(), String::new(), None, false);
    for c in line.chars() {
        match (quote, c) {
            (None, '\'' | '"') => {
                quote = Some(c);
                any = true;
            }
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => {
                if any {
                    out.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            (_, c) => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(word);
    }
    out
}

#[tokio::test]
async fn the_readme_worked_example_runs_as_written() {
    let app = TestApp::new();
    let commands = worked_example();
    assert_eq!(
        commands[0],
        ["alias", "gt=cargo run --release --"],
        "{commands:?}"
    );
    let mut sim = None;
    let mut sim_url = String::new();
    for command in &commands[1..] {
        assert_eq!(
            command[0], "gt",
            "every step is a gong-timeline command: {command:?}"
        );
        let mut args: Vec<String> = command[1..].to_vec();
        if args[0] == "sim" {
            // The one long-running step: the simulator, on a free port.
            args.extend(["--bind".into(), "127.0.0.1:0".into()]);
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            let mut child = app
                .command(&refs)
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("the simulator starts");
            let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
            let mut url = None;
            let found = tokio::time::timeout(Duration::from_secs(30), async {
                while let Some(line) = lines.next_line().await.expect("read stdout") {
                    if let Some(at) = line.find("listening on ") {
                        url = Some(line[at + "listening on ".len()..].trim().to_string());
                        return;
                    }
                }
            })
            .await;
            assert!(found.is_ok(), "the simulator announces its URL");
            sim_url = url.expect("the simulator exited without announcing its URL");
            // Keep reading its output: a closed pipe would end the simulator.
            tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
            sim = Some(child);
            continue;
        }
        for arg in &mut args {
            *arg = arg.replace("http://127.0.0.1:9090", &sim_url);
        }
        if args[0] == "users" && args[1] == "resolve" {
            let (gong_user, user) = a_conflict(&app).await;
            for arg in &mut args {
                if arg == "<id>" {
                    *arg = gong_user.clone();
                } else if arg == "42" {
                    *arg = user.clone();
                }
            }
        }
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = app.ok(&refs).await;
        if args[0] == "activities" {
            let listed: Vec<Value> = array(serde_json::from_str(&out).expect("JSON"));
            assert!(
                !listed.is_empty(),
                "`gt {}` lists activities",
                args.join(" ")
            );
        }
    }
    assert!(app.dir.path().join("job-1.xlsx").exists());
    drop(sim);
}

/// The first Conflict of connection `acme` and its first suggested user.
async fn a_conflict(app: &TestApp) -> (String, String) {
    let gong = array(
        app.json(&["users", "gong", "--connection", "acme", "--format", "json"])
            .await,
    );
    let conflict = gong
        .iter()
        .find(|u| u["status"] == "Conflict")
        .expect("the example's data has a Conflict to resolve");
    (
        conflict["gong_user_id"].as_str().expect("id").to_string(),
        conflict["suggested"][0]["id"].to_string(),
    )
}
