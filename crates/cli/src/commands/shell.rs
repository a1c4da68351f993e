//! `gufen completions SHELL` (a completion script for bash, zsh, fish, PowerShell or elvish) and
//! `gufen man` (the manual page, roff), both built from the command line's own definition in
//! the chosen language; on standard output, or into `-o FILE`.

use crate::app::App;
use crate::cli::Format;
use anyhow::Result;
use clap::{Args, CommandFactory};
use clap_complete::Shell;
use std::io::Write as _;

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    #[arg(value_enum)]
    shell: Shell,
}

#[derive(Args, Debug)]
pub struct ManArgs {}

/// The command line as the user reads it: its help in the chosen language.
fn definition(app: &App) -> clap::Command {
    crate::help::localized(crate::cli::Cli::command(), app.global.lang)
}

pub fn completions(app: &mut App, args: CompletionsArgs) -> Result<()> {
    app.refuse_format_unless(
        "completions",
        ("命令行补全脚本", "a shell script"),
        &[Format::Text],
    )?;
    let mut command = definition(app);
    let mut bytes = Vec::new();
    clap_complete::generate(args.shell, &mut command, "gufen", &mut bytes);
    emit(app, &bytes)
}

pub fn man(app: &mut App, _args: ManArgs) -> Result<()> {
    app.refuse_format_unless(
        "man",
        ("手册页（roff）", "a manual page (roff)"),
        &[Format::Text],
    )?;
    let command = definition(app);
    let mut bytes = Vec::new();
    clap_mangen::Man::new(command).render(&mut bytes)?;
    emit(app, &bytes)
}

fn emit(app: &mut App, bytes: &[u8]) -> Result<()> {
    match app.global.output.clone() {
        Some(path) => crate::app::write_file(&path, bytes),
        None => Ok(app.out.write_all(bytes)?),
    }
}
