//! The command line: clap types for `diff`, `apply`, `check` and `rules`, the run
//! of one command, and the mapping of its outcome to an exit code.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::config::Config;
use crate::fix::edit::Applicability;
use crate::interactive::Prompter;
use crate::config_discovery::{discover_grouped, effective_settings, ConfigFinder, FileSelection, Group};
use crate::discover::{io_message, is_deliberate_skip, FileKind, REASON_EXCLUDED};
use crate::rule::Severity;
use crate::pipeline::{FileInput, Run};
use crate::report::{self, FileOutcome, Format, Mode, Report};
use crate::rule::RuleId;

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
  s3-to-supabase apply -i backend/        ... asking y/n/a/q about each fix
  s3-to-supabase check backend/           CI gate: exit 1 while findings remain
  s3-to-supabase --format github check .  annotations in a GitHub Actions log
  s3-to-supabase rules hardcoded-bucket   what a rule does, with before/after
  cat x.py | s3-to-supabase apply - --stdin-filename backend/x.py

Exit codes: 0 clean; 1 findings (check, apply) or changes (diff --exit-code);
2 usage, configuration or I/O error, or a file that could not be parsed.

Configuration: each file takes the nearest .s3-to-supabase.toml, s3-to-supabase.toml,
rules.toml (with this tool's tables) or [tool.s3-to-supabase] in pyproject.toml, up to
the repository root; --config names one, --show-settings shows what applies. Without
one, the built-in rules.toml applies (see `s3-to-supabase rules`).
Suppress a finding with `# s3-to-supabase: ignore[rule-id]` on its line.";

/// Migrate a Python backend from AWS S3 (boto3) to Supabase Storage (supabase-py).
///
/// Hardcoded bucket names become the storage module's constant, boto3 clients and
/// ClientError handling become Supabase's, and setup files gain the Supabase
/// entries. Every rewrite is a byte-range edit on the original text, re-parsed
/// before it is shown or written. With no command, or a path first, `diff` runs.
#[derive(Debug, Parser)]
#[command(name = "s3-to-supabase", version, after_help = AFTER_HELP, subcommand_required = true)]
struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

/// Options that apply to every command; they may stand before or after it.
#[derive(Debug, Args)]
struct GlobalArgs {
    /// Use this configuration file for every path instead of the nearest one.
    #[arg(long, value_name = "FILE", global = true)]
    config: Option<PathBuf>,
    /// How to print findings.
    #[arg(long, value_enum, default_value_t = Format::Text, global = true)]
    format: Format,
    /// Write the findings to FILE instead of the terminal (any format).
    #[arg(long, short = 'o', value_name = "FILE", global = true)]
    output_file: Option<PathBuf>,
    /// When to colour the output (auto: only on a terminal; NO_COLOR turns it off, FORCE_COLOR on).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    color: ColorChoice,
    /// Print no summary line or notes on stderr.
    #[arg(long, short, global = true)]
    quiet: bool,
}

/// The commands. A new one is a variant here and an arm in `run`.
#[derive(Debug, Subcommand)]
enum Command {
    /// Print a unified diff of every file the migration would change (the default).
    ///
    /// The patch goes to stdout with `a/` and `b/` paths relative to the current
    /// directory, so `git apply` and `patch -p1` take it unchanged. Findings that
    /// need a person go to stderr (or to --output-file).
    Diff(DiffArgs),
    /// Rewrite the files in place, atomically; print the findings left for a person.
    ///
    /// Each file is written through a temporary file and a rename, keeping its
    /// permissions, line endings, BOM and encoding. A file changed on disk since it
    /// was read is not overwritten. Exits 1 while error findings remain.
    Apply(ApplyArgs),
    /// Report every finding without changing anything: the CI gate.
    ///
    /// Prints `path:line:col: severity[rule-id] message` per finding and exits 1
    /// while any finding of severity error remains.
    Check(CheckArgs),
    /// List the rules, or explain one with a before/after example.
    Rules(RulesArgs),
    /// Copy the objects of an S3 bucket into Supabase Storage, verified and resumable.
    ///
    /// Source credentials come from the AWS variables and shared config files, the
    /// destination from SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY. A manifest records
    /// every object, so a rerun continues where a run stopped. Exits 1 if any object
    /// failed, did not verify or conflicts; 2 on a usage or credential error.
    MigrateData(crate::migrate::MigrateDataArgs),
    /// Print a shell completion script for this command line.
    ///
    /// For example `s3-to-supabase completions bash > ~/.local/share/bash-completion/completions/s3-to-supabase`,
    /// `... completions zsh > ~/.zfunc/_s3-to-supabase`, or
    /// `... completions fish > ~/.config/fish/completions/s3-to-supabase.fish`.
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
struct CommonArgs {
    /// Files or directories to process; `-` reads one file from stdin.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// The path to report (and to match the storage module against) for `-`.
    #[arg(long, value_name = "PATH")]
    stdin_filename: Option<String>,
    /// Run only these rules (comma-separated ids), as if every other were off.
    #[arg(long, value_name = "RULE", value_delimiter = ',', value_parser = parse_rule)]
    select: Vec<RuleId>,
    /// Do not run these rules (comma-separated ids).
    #[arg(long, value_name = "RULE", value_delimiter = ',', value_parser = parse_rule)]
    ignore: Vec<RuleId>,
    /// Also leave alone the paths matching GLOB, besides `files.exclude` (repeatable).
    #[arg(long, value_name = "GLOB", value_parser = parse_glob)]
    extend_exclude: Vec<globset::Glob>,
    /// Hold the excludes against the paths named on the command line (and
    /// --stdin-filename) too; without it a named path is always processed. For pre-commit.
    #[arg(long)]
    force_exclude: bool,
    /// Also write the fixes marked unsafe (they may change what the code does: review
    /// them); without it only safe fixes are written. Display-only fixes never are.
    #[arg(long)]
    unsafe_fixes: bool,
    /// Exit 0 even when findings remain (errors reading or parsing a file still exit 2).
    #[arg(long)]
    exit_zero: bool,
    /// Print which configuration applies to each path, with every value, and exit.
    #[arg(long)]
    show_settings: bool,
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
struct ApplyArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Write the fixes without printing the findings left, and exit 0 although some
    /// remain (files that cannot be read or parsed are still reported and exit 2).
    #[arg(long)]
    fix_only: bool,
    /// Also rewrite read-only files (mode without any write bit), keeping their mode.
    #[arg(long)]
    force: bool,
    /// Show each fix as a hunk and ask: y apply it, n skip it, a apply it and all the
    /// rest, q stop (the files answered so far are written). Needs a terminal on stdin.
    #[arg(long, short)]
    interactive: bool,
}

#[derive(Debug, Args)]
struct CheckArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Exit 0 or 1 even when a file was skipped unread (an unsupported encoding, a FIFO);
    /// without it such a file makes the gate exit 2. Symbolic links are never followed
    /// and excluded paths are left alone by design: those never count.
    #[arg(long)]
    allow_skipped: bool,
    /// Print how many findings each rule has instead of the findings (text or json).
    #[arg(long)]
    statistics: bool,
}

#[derive(Debug, Args)]
struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
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
    let args = with_default_command(args.into_iter().map(Into::into).collect());
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() { ExitStatus::Error } else { ExitStatus::Success };
        }
    };
    let global = &cli.global;
    match &cli.command {
        Command::Rules(args) => rules_command(args, global.format),
        Command::Diff(args) => migrate(Mode::Diff, global, &args.common, Gate { exit_code: args.exit_code, ..Gate::of(&args.common) }),
        Command::Apply(args) => {
            let gate = Gate {
                fix_only: args.fix_only,
                force: args.force,
                interactive: args.interactive,
                exit_zero: args.common.exit_zero || args.fix_only,
                ..Gate::of(&args.common)
            };
            migrate(Mode::Apply, global, &args.common, gate)
        }
        Command::Check(args) => {
            let gate = Gate { allow_skipped: args.allow_skipped, statistics: args.statistics, ..Gate::of(&args.common) };
            migrate(Mode::Check, global, &args.common, gate)
        }
        Command::MigrateData(args) => migrate_data(global, args),
        Command::Completions(args) => completions(args.shell),
    }
}

/// Global options that take a value, so the value is not mistaken for the first path.
const GLOBAL_WITH_VALUE: [&str; 5] = ["--config", "--format", "--output-file", "-o", "--color"];
const GLOBAL_FLAGS: [&str; 2] = ["--quiet", "-q"];

/// `diff` is the default command: insert it when no command is named, that is when the
/// first argument after the global options is absent, a path (`-`, an existing file or
/// directory, or anything with a `/` or `.`), or an option of `diff`. A bare word that is
/// none of these stays, so a typo (`chek`) gets clap's error and its suggestion.
fn with_default_command(mut args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let commands: Vec<String> = {
        let cli = Cli::command();
        cli.get_subcommands()
            .flat_map(|command| std::iter::once(command.get_name().to_owned()).chain(command.get_all_aliases().map(str::to_owned)))
            .chain(["help".to_owned()])
            .collect()
    };
    let mut at = 1;
    while at < args.len() {
        let arg = args[at].to_string_lossy();
        if GLOBAL_FLAGS.contains(&arg.as_ref()) || (arg.starts_with("--") && GLOBAL_WITH_VALUE.iter().any(|name| arg.starts_with(&format!("{name}=")))) {
            at += 1;
        } else if GLOBAL_WITH_VALUE.contains(&arg.as_ref()) {
            at += 2;
        } else {
            break;
        }
    }
    let Some(first) = args.get(at).map(|arg| arg.to_string_lossy().into_owned()) else {
        args.push("diff".into());
        return args;
    };
    let is_command = commands.contains(&first);
    let is_top_level = matches!(first.as_str(), "-h" | "--help" | "-V" | "--version");
    let is_path = first == "-" || first.contains(['/', '.']) || Path::new(&first).exists();
    let is_option = first.starts_with('-') && first != "-";
    if !is_command && !is_top_level && (is_path || is_option) {
        args.insert(at, "diff".into());
    }
    args
}

/// What turns a run's report into its exit status, beyond the mode.
#[derive(Clone, Copy, Debug, Default)]
struct Gate {
    /// `diff --exit-code`: changes exit 1.
    exit_code: bool,
    /// `check --allow-skipped`: files skipped unread do not exit 2.
    allow_skipped: bool,
    /// `--exit-zero`: findings left do not exit 1.
    exit_zero: bool,
    /// `check --statistics`: counts per rule instead of the findings.
    statistics: bool,
    /// `apply --fix-only`: the findings left are not printed.
    fix_only: bool,
    /// `apply --force`: read-only files are rewritten too.
    force: bool,
    /// `apply --interactive`: each fix is asked on the terminal.
    interactive: bool,
}

impl Gate {
    fn of(args: &CommonArgs) -> Gate {
        Gate { exit_zero: args.exit_zero, ..Gate::default() }
    }
}

fn parse_glob(pattern: &str) -> Result<globset::Glob, String> {
    globset::Glob::new(pattern).map_err(|err| err.to_string())
}

/// A rule id on the command line, with a suggestion for a mistyped one.
fn parse_rule(id: &str) -> Result<RuleId, String> {
    RuleId::from_id(id).ok_or_else(|| RuleId::unknown_message(id))
}

fn migrate(mode: Mode, global: &GlobalArgs, args: &CommonArgs, gate: Gate) -> ExitStatus {
    let mut stderr = std::io::stderr();
    let from_stdin = args.paths.iter().any(|path| path.as_os_str() == "-");
    if gate.interactive && (from_stdin || !std::io::stdin().is_terminal()) {
        let _ = writeln!(stderr, "error: --interactive asks its questions on a terminal, and stdin is not one (nor can it be the file `-`)");
        return ExitStatus::Error;
    }
    // A large stack: a 10,000-deep nested expression must not overflow the parser.
    // Interactive: one thread, so the questions come file by file in path order.
    let threads = if gate.interactive { 1 } else { 0 };
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(threads).stack_size(256 << 20).build() {
        Ok(pool) => pool,
        Err(err) => {
            let _ = writeln!(stderr, "error: cannot start worker threads: {err}");
            return ExitStatus::Error;
        }
    };
    if from_stdin && args.paths.len() > 1 {
        let _ = writeln!(stderr, "error: `-` (stdin) cannot be combined with other paths");
        return ExitStatus::Error;
    }
    if gate.statistics && !matches!(global.format, Format::Text | Format::Json) {
        let _ = writeln!(stderr, "error: --statistics prints text or json, not {}", global.format.as_str());
        return ExitStatus::Error;
    }
    // A machine-readable report and the patch cannot share stdout.
    if mode == Mode::Diff && global.format != Format::Text && global.output_file.is_none() {
        let _ = writeln!(
            stderr,
            "error: `diff` prints the patch on stdout; write the {} report to a file with --output-file FILE",
            global.format.as_str()
        );
        return ExitStatus::Error;
    }
    let mut report_file = match &global.output_file {
        None => None,
        Some(path) => match std::fs::File::create(path) {
            Ok(file) => Some(std::io::BufWriter::new(file)),
            Err(err) => {
                let _ = writeln!(stderr, "error: cannot create {}: {}", path.display(), io_message(&err));
                return ExitStatus::Error;
            }
        },
    };
    let mut finder = ConfigFinder::default();
    let selection = FileSelection { extend_exclude: args.extend_exclude.clone(), force_exclude: args.force_exclude };
    if args.show_settings {
        return show_settings(args, global.config.as_deref(), &mut finder, &selection);
    }
    let (mut report, stdin_output) = if from_stdin {
        // The configuration of the file stdin stands for, as for a file on disk.
        let stands_for = args.stdin_filename.as_deref().map_or(Path::new("."), Path::new);
        let path = global.config.clone().or_else(|| finder.nearest(stands_for));
        let mut config = match selection.load(path.as_deref()) {
            Ok(config) => config,
            Err(err) => {
                let _ = writeln!(stderr, "error: {err}");
                return ExitStatus::Error;
            }
        };
        let mut bytes = Vec::new();
        if let Err(err) = std::io::stdin().read_to_end(&mut bytes) {
            let _ = writeln!(stderr, "error: cannot read stdin: {err}");
            return ExitStatus::Error;
        }
        config.restrict_rules(&args.select, &args.ignore);
        pool.install(|| run_stdin(&config, mode, args, &bytes))
    } else {
        let mut groups = match pool.install(|| discover_grouped(&args.paths, global.config.as_deref(), &mut finder, &selection)) {
            Ok(groups) => groups,
            Err(err) => {
                let _ = writeln!(stderr, "error: {err}");
                return ExitStatus::Error;
            }
        };
        for group in &mut groups {
            group.config.restrict_rules(&args.select, &args.ignore);
        }
        pool.install(|| {
            let files = groups.iter().map(|group| group.discovered.candidates.len()).sum();
            // Nothing may hold the stderr lock while the bar draws from the worker threads.
            let bar = progress_bar(files, global.quiet || gate.interactive);
            let prompter = gate.interactive.then(|| Prompter::new(Box::new(std::io::BufReader::new(std::io::stdin())), Box::new(std::io::stderr())));
            let report = run_groups(&groups, mode, args, RunOptions { force: gate.force, chooser: prompter.as_ref() }, &|| bar.inc(1));
            bar.finish_and_clear();
            (report, None)
        })
    };
    report.notes.extend(finder.notes);
    if mode == Mode::Diff {
        refuse_unappliable_paths(&mut report);
    }
    // Only now, with every worker done, are the streams locked for the output.
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let mut stderr = stderr.lock();
    let color = use_color(global.color, std::io::stdout().is_terminal());
    let color_err = use_color(global.color, std::io::stderr().is_terminal());
    let outputs = Outputs { stdout: &mut stdout, stderr: &mut stderr, report_file: report_file.as_mut().map(|file| file as &mut dyn Write), color, color_err };
    // Broken pipes (`| head`) end the output quietly; the exit code still reports the run.
    let rendered = if gate.fix_only {
        without_findings(&mut report, |report| render(report, mode, global.format, stdin_output.as_deref(), outputs, false))
    } else {
        render(&report, mode, global.format, stdin_output.as_deref(), outputs, gate.statistics)
    };
    let _ = stdout.flush();
    if let (Err(err), Some(path)) = (&rendered, &global.output_file) {
        if err.kind() != std::io::ErrorKind::BrokenPipe {
            let _ = writeln!(stderr, "error: cannot write {}: {}", path.display(), io_message(err));
            return ExitStatus::Error;
        }
    }
    if !global.quiet {
        let _ = report::summary::render(&report, &mut stderr, color_err);
    }
    exit_status(&report, mode, gate)
}

/// `--show-settings`: for each path, the configuration file that applies and every value,
/// then the command line's own (`[command-line]`; `[rules]` shows --select/--ignore applied).
fn show_settings(args: &CommonArgs, explicit: Option<&Path>, finder: &mut ConfigFinder, selection: &FileSelection) -> ExitStatus {
    let mut stdout = std::io::stdout().lock();
    let strings = |values: Vec<String>| toml::Value::Array(values.into_iter().map(toml::Value::String).collect());
    let ids = |rules: &[RuleId]| strings(rules.iter().map(|rule| rule.as_str().to_owned()).collect());
    let command_line: toml::Table = [
        ("extend-exclude", strings(args.extend_exclude.iter().map(|glob| glob.glob().to_owned()).collect())),
        ("force-exclude", toml::Value::Boolean(args.force_exclude)),
        ("select", ids(&args.select)),
        ("ignore", ids(&args.ignore)),
        ("unsafe-fixes", toml::Value::Boolean(args.unsafe_fixes)),
    ]
    .into_iter()
    .map(|(key, value)| (key.to_owned(), value))
    .collect();
    for path in &args.paths {
        let found = explicit.map(Path::to_path_buf).or_else(|| finder.nearest(path));
        let mut config = match selection.load(found.as_deref()) {
            Ok(config) => config,
            Err(err) => {
                let _ = writeln!(std::io::stderr(), "error: {err}");
                return ExitStatus::Error;
            }
        };
        config.restrict_rules(&args.select, &args.ignore);
        let mut settings = effective_settings(found.as_deref(), &config);
        settings.insert("command-line".to_owned(), toml::Value::Table(command_line.clone()));
        let origin = found.as_deref().map_or_else(|| "built-in defaults".to_owned(), |file| file.display().to_string());
        let _ = writeln!(stdout, "# settings for {}
# from {origin}
{}", path.display(), toml::to_string(&settings).unwrap_or_default());
    }
    for note in &finder.notes {
        let _ = writeln!(std::io::stderr(), "note: {note}");
    }
    ExitStatus::Success
}

/// What `apply` adds to a run: `--force`, and the questions of `--interactive`.
#[derive(Clone, Copy)]
struct RunOptions<'a> {
    force: bool,
    chooser: Option<&'a Prompter>,
}

/// Each group of files under one configuration is its own project (its storage module,
/// its import style); the reports merge in path order.
fn run_groups(groups: &[Group], mode: Mode, args: &CommonArgs, options: RunOptions<'_>, on_file: &(dyn Fn() + Sync)) -> Report {
    let mut merged = Report { mode, files: Vec::new(), notes: Vec::new() };
    for group in groups {
        let mut notes = Vec::new();
        let mut run = Run::prepare(&group.config, &group.discovered.candidates, mode, !args.no_prefilter, &mut notes);
        run.fix_level = fix_level(args);
        run.force = options.force;
        run.chooser = options.chooser;
        let report = run.run(&group.discovered, notes, on_file);
        merged.files.extend(report.files);
        merged.notes.extend(report.notes);
    }
    merged.files.sort_by(|a, b| a.path.cmp(&b.path));
    merged.notes.dedup();
    merged
}

fn fix_level(args: &CommonArgs) -> Applicability {
    if args.unsafe_fixes {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    }
}

/// A patch header `a/../x.py` or `a//abs/x.py` is rejected by `git apply` and `patch -p1`,
/// so a changed file outside the current directory becomes an error for that file
/// (the others' patch still prints) instead of a patch that cannot apply.
fn refuse_unappliable_paths(report: &mut Report) {
    for file in &mut report.files {
        let outside = file.path.starts_with('/') || file.path.split('/').any(|segment| segment == "..");
        if outside && matches!(file.outcome, FileOutcome::Changed { .. }) {
            file.outcome = FileOutcome::Failed {
                position: None,
                message: "outside the current directory, so no patch for it could be applied with `git apply` or `patch -p1`; run `diff` from a directory that contains it".to_owned(),
            };
        }
    }
}

/// `apply --fix-only`: `show` sees the report without its findings (failed files stay);
/// they are put back after, for the summary line.
fn without_findings<R>(report: &mut Report, show: impl FnOnce(&Report) -> R) -> R {
    let findings: Vec<_> = report.files.iter_mut().map(|file| std::mem::take(&mut file.findings)).collect();
    let shown = show(report);
    for (file, findings) in report.files.iter_mut().zip(findings) {
        file.findings = findings;
    }
    shown
}

/// Where the output of a run goes.
struct Outputs<'a> {
    stdout: &'a mut dyn Write,
    stderr: &'a mut dyn Write,
    /// `--output-file`: every finding goes there, in the chosen format.
    report_file: Option<&'a mut dyn Write>,
    color: bool,
    color_err: bool,
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
    let mut run = Run::prepare_stdin(config, &display, bytes, mode, !args.no_prefilter);
    run.fix_level = fix_level(args);
    // `--force-exclude`: an excluded file from stdin passes through unchanged, as ruff does.
    if args.force_exclude && args.stdin_filename.is_some() && config.exclude.is_match(&display) {
        let skipped = report::FileResult { path: display, outcome: FileOutcome::Skipped { reason: REASON_EXCLUDED.to_owned() }, findings: Vec::new() };
        return (Report { mode, files: vec![skipped], notes }, (mode == Mode::Apply).then(|| bytes.to_vec()));
    }
    // Never written to disk: `apply -` prints the new text instead.
    let input = FileInput { display, kind: FileKind::Python, path: None };
    let result = run.process(&input, bytes);
    let output = match (&result.outcome, mode) {
        (FileOutcome::Changed { new, .. }, Mode::Apply) => Some(new.clone()),
        (FileOutcome::Unchanged, Mode::Apply) => Some(bytes.to_vec()),
        _ => None,
    };
    notes.extend(run.storage_note());
    (Report { mode, files: vec![result], notes }, output)
}

fn render(report: &Report, mode: Mode, format: Format, stdin_output: Option<&[u8]>, outputs: Outputs<'_>, statistics: bool) -> std::io::Result<()> {
    let Outputs { stdout, stderr, report_file, color, color_err } = outputs;
    if let Some(new_text) = stdin_output {
        stdout.write_all(new_text)?;
    }
    if mode == Mode::Diff {
        report::diff::render(report, stdout, color)?;
    }
    // The findings go to the report file when there is one; else to stdout, unless
    // stdout already carries the product (the patch, or the text from stdin).
    let (findings_out, findings_color): (&mut dyn Write, bool) = match (report_file, mode) {
        (Some(file), _) => (file, false),
        (None, Mode::Diff) => (stderr, color_err),
        (None, Mode::Apply) if stdin_output.is_some() => (stderr, color_err),
        (None, Mode::Apply | Mode::Check) => (stdout, color),
    };
    match format {
        Format::Text if statistics => report::statistics::render_text(report, findings_out),
        Format::Json if statistics => report::statistics::render_json(report, findings_out),
        Format::Text => report::text::render(report, findings_out, findings_color),
        Format::Json => report::json::render(report, findings_out),
        Format::Github => report::github::render(report, findings_out),
        Format::Sarif => report::sarif::render(report, findings_out),
        Format::Jsonl => report::jsonl::render(report, findings_out),
        Format::Gitlab => report::gitlab::render(report, findings_out),
        Format::Junit => report::junit::render(report, findings_out),
    }?;
    findings_out.flush()
}

fn use_color(choice: ColorChoice, is_terminal: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|value| !value.is_empty());
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if set("NO_COLOR") => false,
        ColorChoice::Auto => is_terminal || set("FORCE_COLOR"),
    }
}

fn exit_status(report: &Report, mode: Mode, gate: Gate) -> ExitStatus {
    let summary = report.summary();
    let errors_left = report.findings().any(|finding| finding.severity == Severity::Error);
    // The gate must not pass a file it never looked at (links and excludes are by design).
    let unread = report
        .files
        .iter()
        .any(|file| matches!(&file.outcome, FileOutcome::Skipped { reason } if !is_deliberate_skip(reason)));
    if summary.failed > 0 || (mode == Mode::Check && unread && !gate.allow_skipped) {
        ExitStatus::Error
    } else if match mode {
        Mode::Diff => gate.exit_code && summary.changed > 0,
        Mode::Apply | Mode::Check => errors_left && !gate.exit_zero,
    } {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}

fn migrate_data(global: &GlobalArgs, args: &crate::migrate::MigrateDataArgs) -> ExitStatus {
    let (mut stdout, mut stderr) = (std::io::stdout(), std::io::stderr());
    match crate::migrate::run(args, global.config.as_deref(), &mut stdout, &mut stderr) {
        Ok(crate::migrate::RunOutcome::Complete) => ExitStatus::Success,
        Ok(crate::migrate::RunOutcome::Incomplete) => ExitStatus::Failure,
        Err(message) => {
            let _ = writeln!(stderr, "error: {message}");
            ExitStatus::Error
        }
    }
}

fn completions(shell: clap_complete::Shell) -> ExitStatus {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "s3-to-supabase", &mut script);
    if shell == clap_complete::Shell::Bash {
        // clap_complete 4.6 spells a hyphenated binary's name two ways in bash: the
        // subcommand it tracks as `s3__to__supabase__subcmd__check`, the `case` labels that
        // complete it as `s3__subcmd__to__subcmd__supabase__subcmd__check`, so no option or
        // value after a subcommand would complete. One spelling makes them meet.
        script = String::from_utf8_lossy(&script).replace("s3__subcmd__to__subcmd__supabase", "s3__to__supabase").into_bytes();
    }
    // Broken pipes (`| head`) end the output quietly.
    let _ = std::io::stdout().lock().write_all(&script);
    ExitStatus::Success
}

fn rules_command(args: &RulesArgs, format: Format) -> ExitStatus {
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    if !matches!(format, Format::Text | Format::Json) {
        let _ = writeln!(stderr, "error: `rules` prints text or json, not {}", format.as_str());
        return ExitStatus::Error;
    }
    let rules: Vec<RuleId> = match &args.rule {
        None => RuleId::ALL.to_vec(),
        Some(id) => match RuleId::from_id(id) {
            Some(rule) => vec![rule],
            None => {
                let _ = writeln!(stderr, "error: {}", RuleId::unknown_message(id));
                return ExitStatus::Error;
            }
        },
    };
    if format == Format::Json {
        let _ = report::rules::render_json(&rules, &mut stdout);
        return ExitStatus::Success;
    }
    // Broken pipes (`| head`) end the output quietly.
    let _ = match rules.as_slice() {
        [rule] if args.rule.is_some() => writeln!(
            stdout,
            "{rule}  (default severity: {}, fix: {})\n\n{}",
            rule.default_severity().as_str(),
            rule.fix_availability().as_str(),
            rule.docs()
        ),
        _ => list_rules(&mut stdout),
    };
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
