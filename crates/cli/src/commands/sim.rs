//! `sim`: the Gong API simulator alone, until Ctrl-C.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use gong_timeline_gong_sim::{DataSet, Limits, Scenario, SimConfig};

use crate::args::SimArgs;

/// Serves the simulator on `--bind`.
pub async fn run(args: SimArgs) -> anyhow::Result<()> {
    let mut config = SimConfig {
        seed: args.seed,
        calls: args.calls,
        ..SimConfig::default()
    };
    if let Some(path) = &args.scenario {
        config.scenario = Some(
            Scenario::from_file(path)
                .with_context(|| format!("reading the scenario {}", path.display()))?,
        );
    }
    if args.no_limits {
        config.limits = Limits::off();
    }
    apply_webhook_args(&args, &mut config)?;
    if let Some(dir) = &args.write_csv {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let paths = DataSet::new(&config)?.write_timeline_csvs(dir)?;
        println!(
            "Timeline CSVs: {}, {}, {}",
            paths.companies.display(),
            paths.persons.display(),
            paths.users.display()
        );
    }
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let addr = listener.local_addr()?;
    println!("Gong simulator listening on http://{addr}");
    println!("  access key:         {}", config.access_key);
    println!("  access key secret:  {}", config.access_secret);
    println!("  OAuth client id:    {}", config.client_id);
    println!(
        "  OAuth client secret:{}",
        format_args!(" {}", config.client_secret)
    );
    println!(
        "  calls: {}, seed: {}, limits: {}",
        if config.scenario.is_some() {
            "from scenario".to_string()
        } else {
            config.calls.to_string()
        },
        config.seed,
        if config.limits.enabled {
            "Gong's (3/s, 10,000/day)"
        } else {
            "off"
        }
    );
    print_webhook_settings(&config, addr);
    println!("Press Ctrl-C to stop.");
    gong_timeline_gong_sim::run(listener, config, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

/// New calls over time and the webhooks announcing them.
fn apply_webhook_args(args: &SimArgs, config: &mut SimConfig) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.new_calls_per_minute.is_finite() && args.new_calls_per_minute >= 0.0,
        "--new-calls-per-minute must be 0 or more"
    );
    config.new_calls_per_minute = args.new_calls_per_minute;
    config.new_calls_max = args.new_calls_max;
    config.webhook_url = args.webhook_url.clone();
    config.webhook_processing_delay = Duration::from_secs(args.webhook_delay_secs);
    if let Some(path) = &args.webhook_key_file {
        config.webhook_key_pem = Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("reading the webhook key {}", path.display()))?,
        );
    }
    Ok(())
}

fn print_webhook_settings(config: &SimConfig, addr: SocketAddr) {
    if config.new_calls_per_minute > 0.0 {
        println!(
            "  new calls: {} per minute{}",
            config.new_calls_per_minute,
            config
                .new_calls_max
                .map(|m| format!(", at most {m}"))
                .unwrap_or_default()
        );
    }
    if let Some(url) = &config.webhook_url {
        println!(
            "  webhooks to:        {url} (key: {})",
            if config.webhook_key_pem.is_some() {
                "--webhook-key-file"
            } else {
                "built-in demo key, public by design"
            }
        );
        println!("  webhook public key: http://{addr}/_sim/webhook-public-key");
    }
}
