//! Placeholder for `gufen audit statement`, implemented elsewhere.

use crate::app::App;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct AuditStatementArgs {
    /// The member statement to check.
    pub file: PathBuf,
    /// The ledger's log key.
    #[arg(long)]
    pub trust: String,
    /// A witness that must have cosigned.
    #[arg(long)]
    pub witness: Vec<String>,
}

pub fn audit_statement(_app: &mut App, _args: AuditStatementArgs) -> anyhow::Result<()> {
    anyhow::bail!("not yet")
}
