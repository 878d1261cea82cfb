//! Running the `prism-audit` binary the workspace built against a test system's database, and
//! reading its JSON answer.

use std::process::Output;

use serde_json::Value;

use crate::system::System;

/// Runs `prism-audit --format json <args>` on `system`'s database.
///
/// # Panics
/// When the binary cannot be started (build it with `cargo build --bins`).
pub async fn prism_audit(system: &System, args: &[&str]) -> Output {
    tokio::process::Command::new(system.env.bin_dir.join("prism-audit"))
        .args(["--format", "json"])
        .args(args)
        .env("PRISM_DATABASE_URL", &system.database_url)
        .output()
        .await
        .expect("prism-audit binary runs (build it with `cargo build --bins`)")
}

/// The JSON answer on stdout of a run that exited with `code`.
///
/// # Panics
/// When it exited otherwise or stdout is not JSON (with stderr in the message).
#[must_use]
pub fn json_answer(output: &Output, code: i32) -> Value {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "stderr: {stderr}");
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("JSON on stdout ({e}); stderr: {stderr}"))
}
