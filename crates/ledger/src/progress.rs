//! Progress of a long walk over the records (verify, export, audit), reported to a caller's hook
//! as (done, total) at most once every `REPORT_EVERY` records and once at the end, so that a
//! walk of a million records calls it a few hundred times and the loop pays one comparison a
//! record.

/// How many records pass between two reports.
pub const REPORT_EVERY: u64 = 4096;

/// A caller's hook: records done, records in all.
pub type Hook<'h> = &'h dyn Fn(u64, u64);

/// Reports to a hook, throttled.
pub struct Progress<'h> {
    hook: Option<Hook<'h>>,
    total: u64,
    next: u64,
}

impl<'h> Progress<'h> {
    pub fn new(hook: Option<Hook<'h>>, total: u64) -> Self {
        Progress {
            hook,
            total,
            next: REPORT_EVERY,
        }
    }

    /// `done` records are walked: reported when a report is due.
    #[inline]
    pub fn record(&mut self, done: u64) {
        if done >= self.next {
            self.report(done);
        }
    }

    #[cold]
    fn report(&mut self, done: u64) {
        self.next = (done / REPORT_EVERY + 1) * REPORT_EVERY;
        if let Some(hook) = self.hook {
            hook(done.min(self.total), self.total);
        }
    }

    /// The walk is over: the last report, whatever the count.
    pub fn finish(&mut self, done: u64) {
        if let Some(hook) = self.hook {
            hook(done.min(self.total), self.total);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    fn reports(total: u64) -> Vec<(u64, u64)> {
        let seen = RefCell::new(Vec::new());
        let hook = |done, total| seen.borrow_mut().push((done, total));
        let mut progress = Progress::new(Some(&hook), total);
        for done in 1..=total {
            progress.record(done);
        }
        progress.finish(total);
        seen.into_inner()
    }

    #[test]
    fn a_report_every_few_thousand_records_and_one_at_the_end() {
        assert_eq!(reports(10), vec![(10, 10)]);
        let many = reports(3 * REPORT_EVERY + 5);
        assert_eq!(
            many,
            vec![
                (REPORT_EVERY, 3 * REPORT_EVERY + 5),
                (2 * REPORT_EVERY, 3 * REPORT_EVERY + 5),
                (3 * REPORT_EVERY, 3 * REPORT_EVERY + 5),
                (3 * REPORT_EVERY + 5, 3 * REPORT_EVERY + 5),
            ]
        );
        // A million records: a few hundred reports.
        assert_eq!(reports(1_000_000).len(), 1_000_000 / 4096 + 1);
    }

    #[test]
    fn counts_that_jump_are_reported_once_per_step() {
        let seen = RefCell::new(Vec::new());
        let hook = |done, _| seen.borrow_mut().push(done);
        let mut progress = Progress::new(Some(&hook), 100_000);
        for done in [1, 5000, 5001, 9000, 20_000, 20_001] {
            progress.record(done);
        }
        assert_eq!(seen.into_inner(), vec![5000, 9000, 20_000]);
        // No hook: nothing to call.
        let mut silent = Progress::new(None, 10);
        silent.record(REPORT_EVERY);
        silent.finish(10);
    }
}
