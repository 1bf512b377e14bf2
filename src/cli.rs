//! The command line: clap types for `diff`, `apply`, `check` and `rules`, the run
//! of one command, and the mapping of its outcome to an exit code.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::Config;
use crate::discover::{discover, DiscoverOptions, FileKind};
use crate::rule::Severity;
use crate::pipeline::{FileInput, Run};
use crate::project_index::{is_module_file, StorageModule};
use crate::report::{self, FileOutcome, Format, Mode, Report};
use crate::rule::RuleId;
use crate::source::{parse_python, SourceFile};

/// Exit codes, as black and ruff users expect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// Clean: nothing to change, no error findings.
    Success = 0,
    /// Findings (check, apply) or changes (diff --exit-code).
    Failure = 1,
    /// Usage, configuration or I/O error, or a file that could not be read or parsed.
    Error = 2,
}

const AFTER_HELP: &str = "\
Examples:
  s3-to-supabase diff backend/            review the whole migration as a patch
  s3-to-supabase diff backend/ | git apply   ... and apply it with git
  s3-to-supabase apply backend/           rewrite the files in place
  s3-to-supabase check backend/           CI gate: exit 1 while findings remain
  s3-to-supabase check --format github .  annotations in a GitHub Actions log
  s3-to-supabase rules hardcoded-bucket   what a rule does, with before/after
  cat x.py | s3-to-supabase apply - --stdin-filename backend/x.py

Exit codes: 0 clean; 1 findings (check, apply) or changes (diff --exit-code);
2 usage, configuration or I/O error, or a file that could not be parsed.

Configuration: rules.toml, .s3-to-supabase.toml or [tool.s3-to-supabase] in
pyproject.toml, found upward from the first path; --config names one. Without
one, the built-in rules.toml applies (see `s3-to-supabase rules`).
Suppress a finding with `# s3-to-supabase: ignore[rule-id]` on its line.";

/// Migrate a Python backend from AWS S3 (boto3) to Supabase Storage (supabase-py).
///
/// Hardcoded bucket names become the storage module's constant, boto3 clients and
/// ClientError handling become Supabase's, and setup files gain the Supabase
/// entries. Every rewrite is a byte-range edit on the original text, re-parsed
/// before it is shown or written. With no command, `diff` runs.
#[derive(Debug, Parser)]
#[command(name = "s3-to-supabase", version, after_help = AFTER_HELP, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    diff: DiffArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print a unified diff of every file the migration would change (the default).
    ///
    /// The patch goes to stdout with `a/` and `b/` paths relative to the current
    /// directory, so `git apply` and `patch -p1` take it unchanged. Findings that
    /// need a person go to stderr.
    Diff(DiffArgs),
    /// Rewrite the files in place, atomically; print the findings left for a person.
    ///
    /// Each file is written through a temporary file and a rename, keeping its
    /// permissions, line endings, BOM and encoding. A file changed on disk since it
    /// was read is not overwritten. Exits 1 while error findings remain.
    Apply(CommonArgs),
    /// Report every finding without changing anything: the CI gate.
    ///
    /// Prints `path:line:col: rule-id message` per finding and exits 1 while any
    /// finding of severity error remains.
    Check(CommonArgs),
    /// List the rules, or explain one with a before/after example.
    Rules(RulesArgs),
}

#[derive(Debug, Args)]
struct CommonArgs {
    /// Files or directories to process; `-` reads one file from stdin.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Use this configuration file instead of searching upward from the paths.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// How to print findings.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// When to colour the output (auto: only on a terminal, and never with NO_COLOR set).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// The path to report (and to match the storage module against) for `-`.
    #[arg(long, value_name = "PATH")]
    stdin_filename: Option<String>,
    /// Print no summary line or notes on stderr.
    #[arg(long, short)]
    quiet: bool,
    /// Parse every file, even those without any trigger word (for testing the prefilter).
    #[arg(long, hide = true)]
    no_prefilter: bool,
}

#[derive(Debug, Args)]
struct DiffArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Exit 1 when there are changes.
    #[arg(long)]
    exit_code: bool,
}

#[derive(Debug, Args)]
struct RulesArgs {
    /// A rule id to explain; without one, all rules are listed.
    rule: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Run the command line `args` (argv, program name first) and return the exit status.
pub fn run<I, T>(args: I) -> ExitStatus
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() { ExitStatus::Error } else { ExitStatus::Success };
        }
    };
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    match cli.command {
        Some(Command::Rules(args)) => rules_command(&args, &mut stdout, &mut stderr),
        Some(Command::Diff(args)) => migrate(Mode::Diff, &args.common, args.exit_code, &mut stdout, &mut stderr),
        None => migrate(Mode::Diff, &cli.diff.common, cli.diff.exit_code, &mut stdout, &mut stderr),
        Some(Command::Apply(args)) => migrate(Mode::Apply, &args, false, &mut stdout, &mut stderr),
        Some(Command::Check(args)) => migrate(Mode::Check, &args, false, &mut stdout, &mut stderr),
    }
}

fn migrate(mode: Mode, args: &CommonArgs, exit_code: bool, stdout: &mut dyn Write, stderr: &mut dyn Write) -> ExitStatus {
    let config = match Config::load(args.config.as_deref(), &args.paths) {
        Ok(config) => config,
        Err(err) => {
            let _ = writeln!(stderr, "error: {err}");
            return ExitStatus::Error;
        }
    };
    // A large stack: a 10,000-deep nested expression must not overflow the parser.
    let pool = match rayon::ThreadPoolBuilder::new().stack_size(256 << 20).build() {
        Ok(pool) => pool,
        Err(err) => {
            let _ = writeln!(stderr, "error: cannot start worker threads: {err}");
            return ExitStatus::Error;
        }
    };
    let from_stdin = args.paths.iter().any(|path| path.as_os_str() == "-");
    if from_stdin && args.paths.len() > 1 {
        let _ = writeln!(stderr, "error: `-` (stdin) cannot be combined with other paths");
        return ExitStatus::Error;
    }
    let (report, stdin_output) = if from_stdin {
        let mut bytes = Vec::new();
        if let Err(err) = std::io::stdin().read_to_end(&mut bytes) {
            let _ = writeln!(stderr, "error: cannot read stdin: {err}");
            return ExitStatus::Error;
        }
        pool.install(|| run_stdin(&config, mode, args, &bytes))
    } else {
        let options = DiscoverOptions { exclude: config.exclude.clone(), env_example_names: config.env_example.clone() };
        pool.install(|| {
            let discovered = discover(&args.paths, &options);
            let mut notes = Vec::new();
            let run = Run::prepare(&config, &discovered.candidates, mode, !args.no_prefilter, &mut notes);
            let bar = progress_bar(discovered.candidates.len(), args.quiet);
            let report = run.run(&discovered, notes, &|| bar.inc(1));
            bar.finish_and_clear();
            (report, None)
        })
    };
    let color = use_color(args.color, std::io::stdout().is_terminal());
    let color_err = use_color(args.color, std::io::stderr().is_terminal());
    // Broken pipes (`| head`) end the output quietly; the exit code still reports the run.
    let _ = render(&report, mode, args.format, stdin_output.as_deref(), stdout, stderr, color, color_err);
    if !args.quiet {
        let _ = report::summary::render(&report, stderr, color_err);
    }
    exit_status(&report, mode, exit_code)
}

/// Files from which a run counts as long work worth a progress bar.
const PROGRESS_MIN_FILES: usize = 500;

/// A progress bar on stderr for long runs on a terminal; hidden otherwise.
fn progress_bar(files: usize, quiet: bool) -> indicatif::ProgressBar {
    if quiet || files < PROGRESS_MIN_FILES || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(files as u64);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}") {
        bar.set_style(style);
    }
    bar
}

/// `-`: one file from stdin; its result (diff, new text or findings) goes to stdout.
fn run_stdin(config: &Config, mode: Mode, args: &CommonArgs, bytes: &[u8]) -> (Report, Option<Vec<u8>>) {
    let display = args.stdin_filename.clone().unwrap_or_else(|| "-".to_owned());
    let mut notes = Vec::new();
    let mut run = Run::prepare(config, &[], mode, !args.no_prefilter, &mut notes);
    if is_module_file(&display, &config.storage.module) {
        notes.clear();
        let parsed = SourceFile::decode(display.clone(), FileKind::Python, bytes)
            .ok()
            .and_then(|source| parse_python(&source.text).ok());
        run.index.storage = Some(match parsed {
            Some(parsed) => StorageModule::from_parsed(&display, parsed.syntax()),
            None => StorageModule { display: display.clone(), ..StorageModule::default() },
        });
    }
    // Never written to disk: `apply -` prints the new text instead.
    let input = FileInput { display, kind: FileKind::Python, path: None };
    let result = run.process(&input, bytes);
    let output = match (&result.outcome, mode) {
        (FileOutcome::Changed { new, .. }, Mode::Apply) => Some(new.clone()),
        (FileOutcome::Unchanged, Mode::Apply) => Some(bytes.to_vec()),
        _ => None,
    };
    (Report { mode, files: vec![result], notes }, output)
}

#[allow(clippy::too_many_arguments)]
fn render(
    report: &Report,
    mode: Mode,
    format: Format,
    stdin_output: Option<&[u8]>,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    color: bool,
    color_err: bool,
) -> std::io::Result<()> {
    if let Some(new_text) = stdin_output {
        stdout.write_all(new_text)?;
    }
    // In `diff` the patch is the product on stdout, so the findings go to stderr.
    let (findings_out, findings_color): (&mut dyn Write, bool) = match mode {
        Mode::Diff => {
            report::diff::render(report, stdout, color)?;
            (stderr, color_err)
        }
        Mode::Apply if stdin_output.is_some() => (stderr, color_err),
        Mode::Apply | Mode::Check => (stdout, color),
    };
    match format {
        Format::Text => report::text::render(report, findings_out, findings_color),
        Format::Json => report::json::render(report, findings_out),
        Format::Github => report::github::render(report, findings_out),
        Format::Sarif => report::sarif::render(report, findings_out),
    }?;
    findings_out.flush()
}

fn use_color(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => is_terminal && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty()),
    }
}

fn exit_status(report: &Report, mode: Mode, exit_code: bool) -> ExitStatus {
    let summary = report.summary();
    let errors_left = report.findings().any(|finding| finding.severity == Severity::Error);
    if summary.failed > 0 {
        ExitStatus::Error
    } else if match mode {
        Mode::Diff => exit_code && summary.changed > 0,
        Mode::Apply | Mode::Check => errors_left,
    } {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}

fn rules_command(args: &RulesArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> ExitStatus {
    let written = match &args.rule {
        None => list_rules(stdout),
        Some(id) => match RuleId::from_id(id) {
            Some(rule) => writeln!(
                stdout,
                "{id}  (default severity: {}, fix: {})\n\n{}",
                rule.default_severity().as_str(),
                rule.fix_availability().as_str(),
                rule.docs()
            ),
            None => {
                let _ = writeln!(stderr, "error: unknown rule `{id}`; `s3-to-supabase rules` lists them");
                return ExitStatus::Error;
            }
        },
    };
    let _ = written;
    ExitStatus::Success
}

fn list_rules(out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "{:<22} {:<8} {:<10} summary", "rule", "severity", "fix")?;
    for &rule in RuleId::ALL {
        writeln!(
            out,
            "{:<22} {:<8} {:<10} {}",
            rule.as_str(),
            rule.default_severity().as_str(),
            rule.fix_availability().as_str(),
            rule.summary()
        )?;
    }
    Ok(())
}
