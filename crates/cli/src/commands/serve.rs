//! `serve`: the web UI, the JSON API, the four-hourly scheduler and the webhook
//! worker in one process,
//! until Ctrl-C; a sync that is running then finishes before the process exits.
//! `demo` ends here too, with the simulator as Gong.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use gong_timeline_domain::retention::Retention;
use gong_timeline_gong_sim::SimHandle;
use gong_timeline_store::{ConnectionId, Store};
use gong_timeline_sync::scheduler::Scheduler;
use gong_timeline_sync::webhooks::{self, AuthChoice, WebhookChange, WebhookWorker, WorkerOptions};
use gong_timeline_sync::{Clock, Engine, EngineOptions};
use gong_timeline_web::{AppState, OAuthApp, OidcConfig, RoleSource, WebConfig};
use tokio::net::TcpListener;

use crate::args::ServeArgs;

/// Runs `serve` until Ctrl-C.
pub async fn run(db: &str, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let store = super::open(db).await?;
    if store.count_admins().await? == 0 {
        anyhow::bail!(
            "there is no admin account to log in with; create one first:\n  echo 'a long password' | gong-timeline --db '{}' admin create --username admin --password-stdin",
            gong_timeline_domain::redact::redact_url(db)
        );
    }
    let public_url = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", args.bind));
    let mut config = WebConfig::new(public_url, args.export_dir.clone());
    config.oauth_base_url = args.oauth_url.trim_end_matches('/').to_string();
    config.allowed_gong_hosts = args.allow_gong_hosts.clone();
    config.oauth = match (&args.client_id, &args.client_secret) {
        (Some(id), Some(secret)) => Some(OAuthApp {
            client_id: id.clone(),
            client_secret: secret.clone(),
        }),
        (None, None) => None,
        _ => anyhow::bail!("give both GONG_CLIENT_ID and GONG_CLIENT_SECRET, or neither"),
    };
    config.oidc = oidc_config(&args)?;
    if config.oauth.is_none() {
        println!("No Gong OAuth app configured (GONG_CLIENT_ID / GONG_CLIENT_SECRET): only access-key connections can be made.");
    }
    let listener = TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    println!(
        "Serving the web UI at {}/ (OAuth redirect URL: {}). Press Ctrl-C to stop.",
        config.public_url,
        config.redirect_uri()
    );
    let metrics = match args.metrics_bind {
        Some(addr) => {
            let listener = TcpListener::bind(addr)
                .await
                .with_context(|| format!("cannot listen on {addr} (--metrics-bind)"))?;
            println!("Serving /metrics and /healthz without log-in at http://{addr}/metrics.");
            Some(listener)
        }
        None => None,
    };
    let engine = Engine::new(store.clone(), engine_options(&args));
    let retention = Retention::days(args.retention_days)?;
    config.retention = retention;
    println!(
        "Retention: activities and stored meetings older than {} days are purged at every slot (--retention-days).",
        retention.as_days()
    );
    run_until_ctrl_c(
        store,
        engine,
        config,
        (listener, metrics),
        args.webhook_batch_seconds,
        retention,
    )
    .await?;
    Ok(ExitCode::SUCCESS)
}

/// Single sign-on (A2) from the issuer, client id and secret (all three or none).
fn oidc_config(args: &ServeArgs) -> anyhow::Result<Option<OidcConfig>> {
    let (issuer, id, secret) = match (&args.oidc_issuer, &args.oidc_client_id, &args.oidc_client_secret) {
        (Some(issuer), Some(id), Some(secret)) => (issuer, id, secret),
        (None, None, None) => return Ok(None),
        _ => anyhow::bail!(
            "single sign-on needs all of GONG_TIMELINE_OIDC_ISSUER, GONG_TIMELINE_OIDC_CLIENT_ID and GONG_TIMELINE_OIDC_CLIENT_SECRET, or none"
        ),
    };
    if args.oidc_allowed_domains.is_empty() {
        println!("Single sign-on has no allowed email domain (--oidc-allowed-domain): it refuses everyone.");
    }
    Ok(Some(OidcConfig {
        issuer: issuer.trim_end_matches('/').to_string(),
        client_id: id.clone(),
        client_secret: secret.clone(),
        allowed_domains: args.oidc_allowed_domains.clone(),
        roles: match &args.oidc_role_claim {
            Some(claim) => RoleSource::Claim(claim.clone()),
            None => RoleSource::LicenseType,
        },
        display_name: args.oidc_name.clone(),
    }))
}

/// The engine's options with this replica's lease length and clock.
fn engine_options(args: &ServeArgs) -> EngineOptions {
    let offset = chrono::Duration::seconds(args.clock_offset_seconds);
    let clock: Clock = if offset.is_zero() {
        Arc::new(chrono::Utc::now)
    } else {
        tracing::warn!(
            seconds = args.clock_offset_seconds,
            "The clock is offset from the system's (tests only)."
        );
        Arc::new(move || chrono::Utc::now() + offset)
    };
    EngineOptions {
        lease_ttl: chrono::Duration::seconds(i64::from(args.lease_seconds.max(1))),
        clock,
        ..super::engine_options()
    }
}

/// Serves the demo's database with the in-process simulator as Gong, creating an
/// admin login and printing it.
pub async fn serve_demo(
    store: Arc<dyn Store>,
    engine: Engine,
    bind: SocketAddr,
    (sim, connection): (SimHandle, ConnectionId),
    export_dir: PathBuf,
) -> anyhow::Result<()> {
    let password = gong_timeline_web::auth::secret::random_token()[..16].to_string();
    let hash = gong_timeline_web::hash_password(&password).map_err(anyhow::Error::msg)?;
    store
        .create_admin("admin", &hash, chrono::Utc::now())
        .await?;
    let listener = TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind} (choose another with --bind)"))?;
    let addr = listener.local_addr()?;
    let mut config = WebConfig::new(format!("http://{addr}"), export_dir);
    let sim_config = &sim.state().config;
    config.oauth = Some(OAuthApp {
        client_id: sim_config.client_id.clone(),
        client_secret: sim_config.client_secret.clone(),
    });
    config.oauth_base_url = sim.base_url();
    config.allowed_gong_hosts = vec![sim.addr().to_string()];
    demo_webhook(&store, &sim, connection, &config.public_url).await?;
    println!("\nThe web UI is at http://{addr}/  — log in as admin / {password}");
    println!(
        "(Gong is the simulator at {}; Ctrl-C stops both.)",
        sim.base_url()
    );
    run_until_ctrl_c(
        store,
        engine,
        config,
        (listener, None),
        WorkerOptions::default().batch_delay.as_secs_f64(),
        Retention::default(),
    )
    .await?;
    sim.shutdown().await;
    Ok(())
}

/// The demo's Gong pushes a new call about every 30 s to the connection's webhook
/// (signed with the simulator's key), so the Timeline fills while one watches.
async fn demo_webhook(
    store: &Arc<dyn Store>,
    sim: &SimHandle,
    connection: ConnectionId,
    public_url: &str,
) -> anyhow::Result<()> {
    let change = WebhookChange {
        auth: Some(AuthChoice::SignedJwt(sim.webhook_public_key_pem())),
        rotate: false,
    };
    let webhook = webhooks::configure(store, connection, change, chrono::Utc::now()).await?;
    let url = webhooks::webhook_url(public_url, &webhook.key);
    sim.controls().set_webhook_url(Some(&url));
    sim.controls().set_new_calls_per_minute(2.0);
    println!("Gong (the simulator) pushes a new call about every 30 s to the connection's webhook; watch it arrive on the connection page.");
    Ok(())
}

/// Web server, scheduler and webhook worker until Ctrl-C; each lets running syncs
/// finish.
async fn run_until_ctrl_c(
    store: Arc<dyn Store>,
    engine: Engine,
    config: WebConfig,
    (listener, metrics): (TcpListener, Option<TcpListener>),
    batch_seconds: f64,
    retention: Retention,
) -> anyhow::Result<()> {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        println!("Stopping: running syncs finish first...");
        let _ = stop_tx.send(true);
    });
    let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stop| *stop).await;
    };
    let state = AppState::new(store, engine.clone(), config);
    if let Some(metrics) = metrics {
        let serving =
            gong_timeline_web::serve_metrics(metrics, state.clone(), stopped(stop_rx.clone()));
        tokio::spawn(async move {
            if let Err(error) = serving.await {
                tracing::warn!(%error, "The metrics server failed.");
            }
        });
    }
    let worker = WebhookWorker::new(
        engine.clone(),
        state.webhook_waker(),
        webhook_options(batch_seconds),
    )
    .run(stopped(stop_rx.clone()));
    let purges = gong_timeline_sync::retention::run_at_every_slot(
        state.store.clone(),
        retention,
        stopped(stop_rx.clone()),
    );
    let web = gong_timeline_web::serve(listener, state, stopped(stop_rx.clone()));
    let scheduler = Scheduler::new(engine).run(stopped(stop_rx));
    let (served, (), (), ()) = tokio::join!(web, scheduler, worker, purges);
    served.context("the web server failed")?;
    Ok(())
}

/// The webhook worker's batching (`--webhook-batch-seconds`).
fn webhook_options(batch_seconds: f64) -> WorkerOptions {
    let batch_delay = std::time::Duration::from_secs_f64(batch_seconds);
    let defaults = WorkerOptions::default();
    WorkerOptions {
        batch_delay,
        poll: defaults
            .poll
            .min(batch_delay.max(std::time::Duration::from_millis(200))),
        ..defaults
    }
}
