//! The real `switchboard` binary as a child process, for tests that kill it (SIGKILL) and start
//! it again on the same database.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Starts `switchboard serve` on port 0 with the test API key and `env` on top (nothing else is
/// inherited); returns the child and its base URL, read from the line it prints once listening.
pub fn start_process<K: AsRef<OsStr>, V: AsRef<OsStr>>(env: &[(K, V)]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .arg("serve")
        .env_clear()
        .envs([
            ("BIND_ADDR", "127.0.0.1:0"),
            ("ADMIN_API_KEY", crate::helpers::API_KEY),
            ("RUST_LOG", "warn"),
        ])
        .envs(env.iter().map(|(key, value)| (key, value)))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start switchboard");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let address = loop {
        let line = lines
            .next()
            .expect("the server printed its address")
            .unwrap();
        if let Some(rest) = line.strip_prefix("Switchboard listening on ") {
            break rest.split_whitespace().next().unwrap().to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    (child, address)
}
