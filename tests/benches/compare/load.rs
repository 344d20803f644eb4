//! Driving a provider with `wrk`: one scenario script (with the shared part in front of
//! it), settings in wrk's environment, and the summary line the script prints.

use serde::Deserialize;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// How hard and how long every run pushes.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub threads: usize,
    pub connections: usize,
    pub duration: Duration,
}

/// A scenario's script and settings for one provider.
pub struct Run<'a> {
    /// The script's file name in `wrk/`.
    pub script: &'a str,
    /// The URL wrk connects to (its path is the request's path for fixed requests).
    pub url: String,
    pub settings: Vec<(&'static str, String)>,
}

/// What the script's `done` printed.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Summary {
    pub requests: u64,
    pub duration_us: u64,
    pub p50_us: u64,
    pub p99_us: u64,
    /// Operations the script saw finish (tokens, flows); 0 for fixed requests.
    pub completed: u64,
    /// Answers the script did not expect.
    pub failures: u64,
    /// Socket errors, time-outs and answers outside 2xx/3xx, as wrk counts them.
    pub errors: u64,
}

impl Summary {
    /// Operations per second: completed operations where the script counts them, requests
    /// otherwise.
    pub fn per_second(&self) -> f64 {
        let operations = if self.completed > 0 {
            self.completed
        } else {
            self.requests
        };
        operations as f64 / (self.duration_us as f64 / 1e6)
    }

    pub fn p99_ms(&self) -> f64 {
        self.p99_us as f64 / 1000.0
    }

    pub fn p50_ms(&self) -> f64 {
        self.p50_us as f64 / 1000.0
    }
}

pub fn wrk_is_installed() -> bool {
    Command::new("wrk")
        .arg("--version")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).contains("wrk"))
}

/// Runs wrk once and returns its summary.
pub fn drive(scripts: &Path, work: &Path, load: Load, run: &Run<'_>) -> Summary {
    let common = std::fs::read_to_string(scripts.join("common.lua")).expect("common.lua");
    let scenario = std::fs::read_to_string(scripts.join(run.script)).expect("scenario script");
    let script = work.join(run.script);
    std::fs::write(&script, format!("{common}\n{scenario}")).expect("script");
    let output = Command::new("wrk")
        .arg(format!("--threads={}", load.threads))
        .arg(format!("--connections={}", load.connections))
        .arg(format!("--duration={}s", load.duration.as_secs()))
        .arg("--timeout=5s")
        .arg("--latency")
        .arg(format!("--script={}", script.display()))
        .arg(&run.url)
        .env("BENCH_THREADS", load.threads.to_string())
        .envs(
            run.settings
                .iter()
                .map(|(name, value)| (*name, value.as_str())),
        )
        .output()
        .expect("wrk runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find_map(|line| line.strip_prefix("BENCH "))
        .unwrap_or_else(|| {
            panic!(
                "wrk printed no summary for {}: {stdout}{}",
                run.url,
                String::from_utf8_lossy(&output.stderr)
            )
        });
    serde_json::from_str(line).expect("the summary line is JSON")
}
