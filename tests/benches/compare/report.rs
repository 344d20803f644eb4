//! The comparison as a Markdown table and an SVG chart.

use crate::load::Summary;
use std::fmt::Write as _;

/// One scenario's results, one per target in the order of [`Report::targets`].
pub struct ScenarioResult {
    pub name: &'static str,
    pub summaries: Vec<Summary>,
}

/// A target's process figures.
pub struct Process {
    pub first_start_ms: Option<f64>,
    pub startup_ms: f64,
    pub idle_mib: f64,
    pub loaded_mib: f64,
}

pub struct Report {
    pub date: String,
    pub machine: String,
    pub settings: String,
    pub targets: Vec<String>,
    /// The index in `targets` of the reference provider.
    pub reference: usize,
    pub scenarios: Vec<ScenarioResult>,
    pub processes: Vec<Process>,
    pub hashes_per_second: f64,
    /// The index in `scenarios` of the password sign-in.
    pub password_scenario: Option<usize>,
}

fn thousands(value: f64) -> String {
    let whole = value.round() as u64;
    let digits = whole.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

impl Report {
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Run of {}. {}. {}.\n",
            self.date, self.machine, self.settings
        );
        let mut header = String::from("| scenario |");
        let mut rule = String::from("|---|");
        for target in &self.targets {
            let _ = write!(header, " {target} per s | p99 ms |");
            rule.push_str("---:|---:|");
        }
        for (index, target) in self.targets.iter().enumerate() {
            if index != self.reference {
                let _ = write!(header, " {target} ÷ reference |");
                rule.push_str("---:|");
            }
        }
        let _ = writeln!(out, "{header}\n{rule}");
        for scenario in &self.scenarios {
            let mut line = format!("| {} |", scenario.name);
            for summary in &scenario.summaries {
                let flagged = if summary.errors + summary.failures > 0 {
                    format!(" ({} failed)", summary.errors + summary.failures)
                } else {
                    String::new()
                };
                let _ = write!(
                    line,
                    " {}{flagged} | {:.1} |",
                    thousands(summary.per_second()),
                    summary.p99_ms()
                );
            }
            let reference = scenario.summaries[self.reference].per_second();
            for (index, summary) in scenario.summaries.iter().enumerate() {
                if index != self.reference {
                    let _ = write!(line, " {:.1}× |", summary.per_second() / reference);
                }
            }
            let _ = writeln!(out, "{line}");
        }
        let _ = writeln!(
            out,
            "\n| process | start-up to first answer ms | resident MiB idle | resident MiB after load |\n|---|---:|---:|---:|"
        );
        for (target, process) in self.targets.iter().zip(&self.processes) {
            let first = process.first_start_ms.map_or(String::new(), |ms| {
                format!(" (first start on an empty database: {ms:.0})")
            });
            let _ = writeln!(
                out,
                "| {target} | {:.0}{first} | {:.1} | {:.1} |",
                process.startup_ms, process.idle_mib, process.loaded_mib
            );
        }
        if let Some(index) = self.password_scenario {
            let _ = writeln!(
                out,
                "\nargon2id at the configured parameters on this machine's cores: {:.0} hashes per second.",
                self.hashes_per_second
            );
            for (target_index, target) in self.targets.iter().enumerate() {
                if target_index != self.reference {
                    let rate = self.scenarios[index].summaries[target_index].per_second();
                    let _ = writeln!(
                        out,
                        "{target}: password sign-ins at {:.0}% of that rate.",
                        100.0 * rate / self.hashes_per_second
                    );
                }
            }
        }
        out
    }

    /// Two panels side by side, one bar per target and scenario: throughput on a
    /// logarithmic axis (the scenarios span four decades), p99 latency on a linear one.
    pub fn svg(&self) -> String {
        const COLOURS: [&str; 4] = ["#0b5cad", "#6a3d9a", "#b15928", "#33a02c"];
        const BAR: f64 = 11.0;
        const GAP: f64 = 10.0;
        const LABEL_WIDTH: f64 = 210.0;
        const PANEL_WIDTH: f64 = 330.0;
        const TOP: f64 = 60.0;
        let group = BAR * self.targets.len() as f64 + GAP;
        let height = TOP + group * self.scenarios.len() as f64 + 40.0;
        let width = LABEL_WIDTH + 2.0 * PANEL_WIDTH + 60.0;
        let max_rate = self
            .scenarios
            .iter()
            .flat_map(|scenario| scenario.summaries.iter().map(Summary::per_second))
            .fold(10.0, f64::max);
        let max_p99 = self
            .scenarios
            .iter()
            .flat_map(|scenario| scenario.summaries.iter().map(Summary::p99_ms))
            .fold(1.0, f64::max);
        let decades = max_rate.log10().ceil();
        let rate_x = |rate: f64| PANEL_WIDTH * (rate.max(1.0).log10() / decades);
        let p99_x = |ms: f64| PANEL_WIDTH * (ms / max_p99);

        let mut svg = String::new();
        let _ = writeln!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">"#
        );
        let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
        let right = LABEL_WIDTH + PANEL_WIDTH + 40.0;
        let _ = writeln!(
            svg,
            r#"<text x="{LABEL_WIDTH}" y="16" font-weight="bold">operations per second (log scale)</text><text x="{right}" y="16" font-weight="bold">p99 latency, ms</text>"#
        );
        for (index, target) in self.targets.iter().enumerate() {
            let x = LABEL_WIDTH + index as f64 * 160.0;
            let _ = writeln!(
                svg,
                r#"<rect x="{x}" y="26" width="10" height="10" fill="{}"/><text x="{}" y="35">{target}</text>"#,
                COLOURS[index % COLOURS.len()],
                x + 14.0
            );
        }
        for decade in 0..=decades as u32 {
            let x = LABEL_WIDTH + rate_x(10f64.powi(decade as i32));
            let _ = writeln!(
                svg,
                r##"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="#ddd"/><text x="{x}" y="{}" text-anchor="middle">{}</text>"##,
                TOP - 6.0,
                height - 34.0,
                height - 22.0,
                thousands(10f64.powi(decade as i32))
            );
        }
        for step in 0..=4 {
            let ms = max_p99 * f64::from(step) / 4.0;
            let x = right + p99_x(ms);
            let _ = writeln!(
                svg,
                r##"<line x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="#ddd"/><text x="{x}" y="{}" text-anchor="middle">{ms:.1}</text>"##,
                TOP - 6.0,
                height - 34.0,
                height - 22.0
            );
        }
        for (row, scenario) in self.scenarios.iter().enumerate() {
            let y = TOP + row as f64 * group;
            let _ = writeln!(
                svg,
                r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
                LABEL_WIDTH - 8.0,
                y + group / 2.0,
                scenario.name
            );
            for (index, summary) in scenario.summaries.iter().enumerate() {
                let bar_y = y + index as f64 * BAR;
                let colour = COLOURS[index % COLOURS.len()];
                let rate = summary.per_second();
                let _ = writeln!(
                    svg,
                    r#"<rect x="{LABEL_WIDTH}" y="{bar_y}" width="{:.1}" height="{}" fill="{colour}"><title>{}: {} per second</title></rect>"#,
                    rate_x(rate),
                    BAR - 1.0,
                    self.targets[index],
                    thousands(rate)
                );
                let _ = writeln!(
                    svg,
                    r#"<rect x="{right}" y="{bar_y}" width="{:.1}" height="{}" fill="{colour}"><title>{}: p99 {:.1} ms</title></rect>"#,
                    p99_x(summary.p99_ms()),
                    BAR - 1.0,
                    self.targets[index],
                    summary.p99_ms()
                );
            }
        }
        svg.push_str("</svg>\n");
        svg
    }
}
