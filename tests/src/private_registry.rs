//! A private schema registry for a test that makes the registry unavailable, so that the
//! stack's shared one is never touched: the `prism-schema-registry` binary, started as
//! `scripts/lib/registry.sh` starts it but on a free port of its own and keeping its schemas
//! in the test's own database, killed and started again at will.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::process::{Child, Command};

use crate::env::free_port;
use crate::system::eventually;

/// A schema registry process of one test's own.
#[derive(Debug)]
pub struct PrivateRegistry {
    binary: PathBuf,
    port: u16,
    process: Option<Child>,
}

impl PrivateRegistry {
    /// A registry (not started yet) of the binary in `bin_dir`, on a free port.
    #[must_use]
    pub fn new(bin_dir: &Path) -> Self {
        Self { binary: bin_dir.join("prism-schema-registry"), port: free_port(), process: None }
    }

    /// Its base URL, for the systems that use it.
    #[must_use]
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The port it listens on.
    #[must_use]
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Starts it with its schemas in `database_url` and waits until `GET /subjects` answers.
    ///
    /// # Panics
    /// When the binary does not run (build it with `cargo build --bins`) or does not answer
    /// within 30 s.
    pub async fn start(&mut self, database_url: &str) {
        let child = Command::new(&self.binary)
            .env("PRISM_DATABASE_URL", database_url)
            .env("PRISM_REGISTRY_ADDR", format!("127.0.0.1:{}", self.port))
            .env("PRISM_LOG", "warn")
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("prism-schema-registry binary runs (build it with `cargo build --bins`)");
        self.process = Some(child);
        let subjects = format!("{}/subjects", self.url());
        eventually(Duration::from_secs(30), "the private registry to answer", || async {
            let answer = reqwest::get(&subjects).await.ok()?;
            answer.status().is_success().then_some(())
        })
        .await;
    }

    /// Kills it (SIGKILL) and waits until it is gone.
    ///
    /// # Panics
    /// When the process cannot be killed.
    pub async fn kill(&mut self) {
        if let Some(mut child) = self.process.take() {
            crate::replay::kill(&mut child).await;
        }
    }
}
