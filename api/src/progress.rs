//! Progress of long CLI work (doctor over many numbers, replay): an `indicatif` bar on stderr
//! when stderr is a terminal, otherwise a plain line on stderr now and then (every 10 % of a
//! known total but at least every [`PLAIN_EVERY`] items, or every [`PLAIN_EVERY`] items of an
//! unknown total; short tasks print none), so logs stay readable and stdout keeps only the
//! command's own output.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// The fewest items between two plain lines.
pub const PLAIN_EVERY: u64 = 100;

/// One task's progress.
pub struct Progress {
    label: String,
    total: Option<u64>,
    done: u64,
    last_reported: u64,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Progress over `total` items (`None`: unknown), described by `label` (e.g. `checking
    /// webhooks`). Draws a bar only when stderr is a terminal.
    pub fn new(label: impl Into<String>, total: Option<u64>) -> Self {
        let label = label.into();
        let bar = std::io::stderr().is_terminal().then(|| {
            let (bar, template) = match total {
                Some(total) => (
                    ProgressBar::new(total),
                    "{msg} [{bar:30}] {pos}/{len} ({eta})",
                ),
                None => (ProgressBar::new_spinner(), "{spinner} {msg}: {pos}"),
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(label.clone());
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Self {
            label,
            total,
            done: 0,
            last_reported: 0,
            bar,
        }
    }

    /// Marks `n` more items done.
    pub fn inc(&mut self, n: u64) {
        self.set(self.done + n);
    }

    /// Sets how many items are done.
    #[allow(clippy::print_stderr)]
    pub fn set(&mut self, done: u64) {
        self.done = done;
        if let Some(bar) = &self.bar {
            bar.set_position(done);
            return;
        }
        let step = match self.total {
            Some(total) => (total / 10).max(PLAIN_EVERY),
            None => PLAIN_EVERY,
        };
        if done >= self.last_reported + step {
            self.last_reported = done;
            eprintln!("{}", self.line());
        }
    }

    /// Ends the task: clears the bar, or prints the final plain line.
    #[allow(clippy::print_stderr)]
    pub fn finish(self) {
        match &self.bar {
            Some(bar) => bar.finish_and_clear(),
            // A task long enough to have reported says where it ended.
            None if self.last_reported > 0 && self.done != self.last_reported => {
                eprintln!("{}", self.line())
            }
            None => {}
        }
    }

    fn line(&self) -> String {
        match self.total {
            Some(total) => format!("{}: {}/{total}", self.label, self.done),
            None => format!("{}: {}", self.label, self.done),
        }
    }
}
