//! The doctor's output: one line per finding, `ok <check>: <detail>` or
//! `FAIL <check>: <detail>`, and which checks failed in their latest run.

use std::collections::BTreeSet;
use std::fmt::Display;
use std::io::Write;

/// Where findings go, and which checks currently fail.
pub struct Report<'a> {
    out: &'a mut dyn Write,
    failing: BTreeSet<&'static str>,
}

impl<'a> Report<'a> {
    /// A report written to `out` (the CLI gives stdout).
    pub fn new(out: &'a mut dyn Write) -> Self {
        Self {
            out,
            failing: BTreeSet::new(),
        }
    }

    /// `ok <check>: <detail>`.
    pub fn ok(&mut self, check: &'static str, detail: impl Display) {
        self.line("ok", check, detail);
    }

    /// `FAIL <check>: <detail>`; the check now fails.
    pub fn fail(&mut self, check: &'static str, detail: impl Display) {
        self.failing.insert(check);
        self.line("FAIL", check, detail);
    }

    /// Forgets the failures of `check` before it runs again (after `--fix`): only its latest run
    /// counts.
    pub fn rerun(&mut self, check: &'static str) {
        self.failing.remove(check);
    }

    /// Whether every check passed in its latest run.
    pub fn healthy(&self) -> bool {
        self.failing.is_empty()
    }

    fn line(&mut self, status: &str, check: &str, detail: impl Display) {
        // A closed stdout must not stop the checks; the exit code still tells.
        let _ = writeln!(self.out, "{status} {check}: {detail}");
        let _ = self.out.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_ok_or_fail_and_only_the_latest_run_counts() {
        let mut out = Vec::new();
        let mut report = Report::new(&mut out);
        report.ok("database", "reachable");
        report.fail("webhooks", "+14155550100 SmsUrl");
        assert!(!report.healthy());
        report.rerun("webhooks");
        report.ok("webhooks", "all good");
        assert!(report.healthy());
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "ok database: reachable\nFAIL webhooks: +14155550100 SmsUrl\nok webhooks: all good\n"
        );
    }
}
