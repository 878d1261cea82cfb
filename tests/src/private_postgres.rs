//! A private Postgres cluster for a test that stops and starts its database, so that the
//! stack's shared Postgres is never touched: `initdb` into a folder of its own under
//! `target/private-postgres/`, served on a free port with the binaries and settings
//! `scripts/lib/postgres.sh` gives the stack's cluster (major version 15 when installed,
//! superuser `prism`/`prism` with scram-sha-256, run as the `postgres` OS user when the test
//! runs as root). Dropping it stops the server at once and deletes the folder.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use tokio::process::Command;

use crate::env::{free_port, unique_suffix};

/// Seconds `pg_ctl` waits for the server to start or stop.
const PG_CTL_WAIT_SECS: &str = "60";

/// A Postgres cluster of one test's own.
#[derive(Debug)]
pub struct PrivatePostgres {
    /// Holds the data folder, the log, the socket and the password file.
    home: PathBuf,
    bin_dir: PathBuf,
    port: u16,
}

impl PrivatePostgres {
    /// Creates a cluster under `repo_root`'s `target/` and starts it.
    ///
    /// # Panics
    /// When the cluster cannot be created or does not start (the test fails).
    pub async fn start_new(repo_root: &Path) -> Self {
        let home = repo_root.join("target/private-postgres").join(format!("pg-{}", unique_suffix()));
        std::fs::create_dir_all(&home).expect("private Postgres folder created");
        let home = home.canonicalize().expect("private Postgres folder resolves");
        let password_file = home.join("password");
        std::fs::write(&password_file, "prism\n").expect("password file written");
        if running_as_root() {
            let chown = Command::new("chown").arg("-R").arg("postgres:postgres").arg(&home).output().await;
            succeeded("chown", &chown.expect("chown runs"));
        }
        let cluster = Self { home, bin_dir: pg_bin_dir(), port: free_port() };
        let initdb = cluster
            .as_server_user("initdb")
            .arg("-D")
            .arg(cluster.data_dir())
            .args(["-U", "prism", "--auth=scram-sha-256", "--encoding=UTF8", "--no-locale"])
            .arg(format!("--pwfile={}", password_file.display()))
            .output()
            .await;
        succeeded("initdb", &initdb.expect("initdb runs"));
        cluster.start().await;
        cluster
    }

    /// URL of database `name` on this cluster (`postgres` always exists).
    #[must_use]
    pub fn url(&self, name: &str) -> String {
        format!("postgres://prism:prism@127.0.0.1:{}/{name}", self.port)
    }

    /// Starts the server and waits until it accepts connections.
    ///
    /// # Panics
    /// When it does not start (with the end of its log).
    pub async fn start(&self) {
        let options =
            format!("-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=300", self.port, self.home.display());
        let started = self
            .as_server_user("pg_ctl")
            .arg("-D")
            .arg(self.data_dir())
            .arg("-l")
            .arg(self.home.join("postgres.log"))
            .args(["-o", &options, "-w", "-t", PG_CTL_WAIT_SECS, "start"])
            .output()
            .await
            .expect("pg_ctl runs");
        if !started.status.success() {
            let log = std::fs::read_to_string(self.home.join("postgres.log")).unwrap_or_default();
            panic!("the private Postgres did not start: {}\n{log}", String::from_utf8_lossy(&started.stderr));
        }
    }

    /// Stops the server with a fast shutdown (open transactions are rolled back, clients
    /// disconnected) and waits until it is down.
    ///
    /// # Panics
    /// When `pg_ctl` fails.
    pub async fn stop(&self) {
        let stopped = self.pg_ctl_stop("fast").output().await;
        succeeded("pg_ctl stop", &stopped.expect("pg_ctl runs"));
    }

    fn data_dir(&self) -> PathBuf {
        self.home.join("data")
    }

    fn pg_ctl_stop(&self, mode: &str) -> Command {
        let mut command = self.as_server_user("pg_ctl");
        command.arg("-D").arg(self.data_dir()).args(["-m", mode, "-w", "-t", PG_CTL_WAIT_SECS, "stop"]);
        command
    }

    /// A command running server binary `program` as the server's OS user, from `/` (the
    /// `postgres` user may not read the current folder).
    fn as_server_user(&self, program: &str) -> Command {
        let binary = self.bin_dir.join(program);
        let mut command = if running_as_root() {
            let mut runuser = Command::new("runuser");
            runuser.args(["-u", "postgres", "--"]).arg(binary);
            runuser
        } else {
            Command::new(binary)
        };
        command.current_dir("/");
        command
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        // An immediate stop: nothing of this cluster is kept.
        let _ = self.pg_ctl_stop("immediate").as_std_mut().output();
        let _ = std::fs::remove_dir_all(&self.home);
    }
}

/// The folder of the server binaries: major version 15 when installed, else the newest (as
/// `pg_bin_dir` in `scripts/lib/postgres.sh`).
fn pg_bin_dir() -> PathBuf {
    let installed = Path::new("/usr/lib/postgresql");
    if installed.join("15/bin/pg_ctl").exists() {
        return installed.join("15/bin");
    }
    let newest = std::fs::read_dir(installed)
        .expect("PostgreSQL is installed (scripts/prism install)")
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .max()
        .expect("a PostgreSQL major version is installed");
    installed.join(newest.to_string()).join("bin")
}

/// Whether this process runs as root (Postgres refuses to, so its binaries run as `postgres`).
fn running_as_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|process| process.uid() == 0)
}

/// Panics with `what`'s output unless it exited successfully.
fn succeeded(what: &str, output: &Output) {
    assert!(
        output.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
