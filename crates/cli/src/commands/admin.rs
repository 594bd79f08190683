//! `admin create`: the web UI's admin accounts (argon2-hashed passwords).

use std::io::BufRead;
use std::sync::Arc;

use anyhow::Context;
use gong_timeline_store::Store;

use crate::args::AdminCommand;

/// Runs an `admin` subcommand.
pub async fn run(store: &Arc<dyn Store>, cmd: AdminCommand) -> anyhow::Result<()> {
    match cmd {
        AdminCommand::Create {
            username,
            password_stdin: _,
            reset,
        } => {
            let mut password = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut password)
                .context("reading the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']);
            if password.chars().count() < 8 {
                anyhow::bail!("the password must have at least 8 characters");
            }
            let hash = gong_timeline_web::hash_password(password).map_err(anyhow::Error::msg)?;
            if reset {
                let admin = store
                    .admin_by_username(&username)
                    .await?
                    .with_context(|| format!("there is no admin '{username}'"))?;
                store.set_admin_password(admin.id, &hash).await?;
                println!(
                    "The password of admin '{}' is set; their sessions and API tokens were ended.",
                    admin.username
                );
            } else {
                let admin = store
                    .create_admin(&username, &hash, chrono::Utc::now())
                    .await?;
                println!(
                    "Admin '{}' created. Log in at the web UI of `gong-timeline serve`.",
                    admin.username
                );
            }
            Ok(())
        }
    }
}
