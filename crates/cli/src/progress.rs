//! A progress bar on stderr for work that takes a while (a roster import, verify, export, audit,
//! a distribution's posting): shown only when stderr is a terminal and the work has lasted
//! `DELAY`, so quick commands, pipes and tests print nothing; cleared when the work ends. The
//! ledger reports records walked through a throttled hook (`gufen_ledger::progress`); work with
//! no count shows a spinner and the time taken.

use crate::cli::Lang;
use crate::labels::t;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How long work runs before its bar is shown.
pub const DELAY: Duration = Duration::from_millis(300);

/// Whether a bar is shown: on a terminal, once the work has lasted `DELAY`.
pub fn visible(terminal: bool, elapsed: Duration) -> bool {
    terminal && elapsed >= DELAY
}

/// The bar of one piece of work; dropping it ends the work and clears the bar.
pub struct Progress {
    bar: ProgressBar,
    done: Arc<AtomicBool>,
    shower: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    /// Work described by `zh`/`en`: a spinner until a count arrives.
    pub fn start(lang: Lang, zh: &str, en: &str) -> Self {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                .expect("the template is valid"),
        );
        bar.set_message(t(lang, zh, en).to_string());
        let done = Arc::new(AtomicBool::new(false));
        let shower = std::io::stderr().is_terminal().then(|| {
            let (bar, done) = (bar.clone(), done.clone());
            std::thread::spawn(move || {
                let started = std::time::Instant::now();
                while !visible(true, started.elapsed()) {
                    std::thread::park_timeout(DELAY.saturating_sub(started.elapsed()));
                    if done.load(Ordering::SeqCst) {
                        return;
                    }
                }
                bar.set_draw_target(ProgressDrawTarget::stderr());
                bar.enable_steady_tick(Duration::from_millis(120));
            })
        });
        Progress { bar, done, shower }
    }

    /// The hook the ledger reports (done, total) to.
    pub fn counter(&self) -> impl Fn(u64, u64) + '_ {
        move |done, total| self.count(done, total)
    }

    /// `done` of `total` records.
    pub fn count(&self, done: u64, total: u64) {
        if self.bar.length() != Some(total) {
            self.bar.set_style(
                ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} ({eta})")
                    .expect("the template is valid")
                    .progress_chars("=> "),
            );
            self.bar.set_length(total);
        }
        self.bar.set_position(done);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.done.store(true, Ordering::SeqCst);
        if let Some(shower) = self.shower.take() {
            shower.thread().unpark();
            let _ = shower.join();
        }
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_shows_on_a_terminal_after_the_delay_only() {
        assert!(!visible(true, Duration::ZERO));
        assert!(!visible(true, DELAY - Duration::from_millis(1)));
        assert!(visible(true, DELAY));
        assert!(visible(true, Duration::from_secs(60)));
        assert!(!visible(false, Duration::from_secs(60)));
    }

    /// Work that ends at once, with counts, ends cleanly (the showing thread is stopped).
    #[test]
    fn quick_work_ends_without_waiting_for_the_delay() {
        let started = std::time::Instant::now();
        let progress = Progress::start(Lang::En, "校验", "verifying");
        {
            let counter = progress.counter();
            counter(10, 100);
            counter(100, 100);
        }
        drop(progress);
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
