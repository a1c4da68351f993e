//! Helpers the benchmarks share: run the real binary, measure wall time and peak RSS, medians.

#![allow(dead_code)] // each benchmark uses its own subset

use std::process::{Command, Stdio};
use std::time::Instant;

pub fn gufen() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gufen"));
    command.env_remove("GUFEN_DB").env_remove("GUFEN_ORG");
    command
}

/// Runs a command to completion; returns (seconds, peak RSS in MiB).
#[allow(clippy::zombie_processes)] // the child is reaped by wait4, which also reports its peak RSS
pub fn measure(command: &mut Command) -> (f64, f64) {
    let started = Instant::now();
    let child = command
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("gufen starts");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own child, not yet waited for; status and usage are valid for writes.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(waited, pid, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "gufen failed: {command:?}"
    );
    (seconds, usage.ru_maxrss as f64 / 1024.0)
}

pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    values[values.len() / 2]
}

pub fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
