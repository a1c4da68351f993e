//! Rule violations: why a command was refused, naming the rule (R1…R16, each listed in
//! docs/rules.md with where it is enforced).

use std::fmt;

/// A domain rule (docs/rules.md), or `Input` for input that breaks no domain rule but cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    R1,
    R2,
    R3,
    R4,
    R5,
    R6,
    R7,
    R8,
    R9,
    R10,
    R11,
    R12,
    R13,
    R14,
    R15,
    R16,
    R17,
    Input,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Input => f.write_str("input"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// One refused row of a multi-row command (e.g. a roster import), by its 0-based index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowViolation {
    pub row: usize,
    pub rule: Rule,
    pub message: String,
    /// The other row the violation concerns, by its 0-based index (the row an ID was first
    /// given on), so that a caller can name it as its file does; the message names it as
    /// `row N`, counting the rows from 1.
    pub other_row: Option<usize>,
}

/// Why `decide` refused a command. Nothing is appended after a violation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleViolation {
    #[error("{rule}: {message}")]
    Rule { rule: Rule, message: String },
    #[error("{} row(s) refused; nothing was written", .0.len())]
    Rows(Vec<RowViolation>),
}

impl RuleViolation {
    pub fn new(rule: Rule, message: impl Into<String>) -> Self {
        RuleViolation::Rule {
            rule,
            message: message.into(),
        }
    }

    /// The rule of a single violation (rows report the first row's rule).
    pub fn rule(&self) -> Rule {
        match self {
            RuleViolation::Rule { rule, .. } => *rule,
            RuleViolation::Rows(rows) => rows.first().map_or(Rule::Input, |r| r.rule),
        }
    }

    /// This violation as the refusal of row `row` of a multi-row command.
    pub(crate) fn at_row(self, row: usize) -> RowViolation {
        let (rule, message) = self.first();
        RowViolation {
            row,
            rule,
            message,
            other_row: None,
        }
    }

    /// The rule and message of a single violation, or of the first row (to report it as a row
    /// of a multi-row command).
    pub(crate) fn first(self) -> (Rule, String) {
        match self {
            RuleViolation::Rule { rule, message } => (rule, message),
            RuleViolation::Rows(mut rows) => {
                let first = rows.remove(0);
                (first.rule, first.message)
            }
        }
    }
}

pub(crate) fn reject<T>(rule: Rule, message: impl Into<String>) -> Result<T, RuleViolation> {
    Err(RuleViolation::new(rule, message))
}
