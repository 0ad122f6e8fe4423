//! The peak memory of `switchboard events export`.

use std::time::Duration;

/// Peak resident memory (kB) of `switchboard events export` with `args`, sampled from /proc.
pub fn export_peak_kb(database_url: &str, args: &[&str]) -> (u64, usize) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(["events", "export"])
        .args(args)
        .env_clear()
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run switchboard");
    let pid = child.id();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        use std::io::Read;
        let mut buffer = vec![0u8; 1 << 16];
        let mut bytes = 0usize;
        loop {
            match stdout.read(&mut buffer) {
                Ok(0) | Err(_) => return bytes,
                Ok(n) => bytes += n,
            }
        }
    });
    let mut peak = 0;
    while child.try_wait().ok().flatten().is_none() {
        if let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
            for line in status.lines() {
                if let Some(kb) = line.strip_prefix("VmHWM:") {
                    let kb: u64 = kb
                        .trim()
                        .trim_end_matches(" kB")
                        .trim()
                        .parse()
                        .unwrap_or(0);
                    peak = peak.max(kb);
                }
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    (peak, reader.join().unwrap())
}
