//! `sim`: the Gong API simulator alone, until Ctrl-C.

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
    println!("Press Ctrl-C to stop.");
    gong_timeline_gong_sim::run(listener, config, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
