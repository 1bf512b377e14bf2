//! One run over the discovered files: locate the storage module, build the
//! `ProjectIndex`, then process every file in parallel (read → prefilter → decode →
//! parse → rules → fix until nothing changes → re-parse → write or diff) and collect
//! one `FileResult` each, in path order.

use std::collections::BTreeMap;
use std::path::PathBuf;

use aho_corasick::AhoCorasick;
use rayon::prelude::*;
use ruff_text_size::TextSize;

use crate::config::{Config, ImportStyle};
use crate::discover::{Candidate, Discovered, FileKind};
use crate::finding::Finding;
use crate::fix::apply::apply_fixes;
use crate::fix::edit::Applicability;
use crate::project_index::{is_module_file, FileBindings, ProjectIndex, StorageModule};
use crate::report::{FileOutcome, FileResult, Mode, Report, ReportedFinding};
use crate::rules::{check_python, check_setup_file, RuleContext, RuleId, SetupContext};
use crate::source::{parse_python, DecodeError, LineIndex, ParseFailure, SourceFile};
use crate::suppress::Suppressions;
use crate::write::write_atomically;

/// Fix passes before a file is declared non-converging.
const MAX_PASSES: usize = 10;

/// One file to process: from disk, or from stdin (`path` is `None`: never written).
#[derive(Clone, Debug)]
pub struct FileInput {
    pub display: String,
    pub kind: FileKind,
    pub path: Option<PathBuf>,
}

/// What every file's processing shares.
pub struct Run<'a> {
    pub config: &'a Config,
    pub index: ProjectIndex,
    pub mode: Mode,
    /// `false` parses every file (the prefilter must never change a result; tests compare).
    pub prefilter: bool,
    triggers: AhoCorasick,
}

impl<'a> Run<'a> {
    /// Locate the storage module among `candidates` and count the import styles in use.
    pub fn prepare(config: &'a Config, candidates: &[Candidate], mode: Mode, prefilter: bool, notes: &mut Vec<String>) -> Run<'a> {
        let storage_files: Vec<&Candidate> = candidates
            .iter()
            .filter(|candidate| candidate.kind == FileKind::Python && is_module_file(&candidate.display, &config.storage.module))
            .collect();
        match storage_files.as_slice() {
            [] => notes.push(format!(
                "the storage module `{}` is not among the paths; the rewritten files expect it to define `{}`",
                config.storage.module, config.storage.constant
            )),
            [_] => {}
            [first, ..] => notes.push(format!(
                "several files could be the storage module `{}`; using {}",
                config.storage.module, first.display
            )),
        }
        let storage = storage_files.first().copied();
        let mut patterns: Vec<&str> = config.buckets.iter().map(String::as_str).collect();
        patterns.extend(config.storage.legacy_constants.iter().map(String::as_str));
        patterns.extend([config.storage.module_name(), config.storage.constant.as_str()]);
        // Rule triggers: bucket keywords ("Bucket=", "bucket_name="), boto3/botocore, ClientError,
        // modeled exceptions (`client.exceptions.NoSuchKey`), and the replacement exception
        // (a half-migrated handler may still read `e.response`).
        let exception = config.errors.exception.rsplit('.').next().unwrap_or_default();
        patterns.extend(["ucket", "boto", "ClientError", ".exceptions.", exception]);
        let triggers = AhoCorasick::new(patterns).expect("literal patterns build");

        let storage_display = storage.map(|candidate| candidate.display.as_str());
        let module_name = config.storage.module_name().to_owned();
        let scanned: Vec<(Option<ImportStyle>, Option<StorageModule>)> = candidates
            .par_iter()
            .filter(|candidate| candidate.kind == FileKind::Python)
            .filter_map(|candidate| {
                let bytes = std::fs::read(&candidate.path).ok()?;
                let is_storage = Some(candidate.display.as_str()) == storage_display;
                if !is_storage && memchr::memmem::find(&bytes, module_name.as_bytes()).is_none() {
                    return None;
                }
                let source = SourceFile::decode(candidate.display.clone(), candidate.kind, &bytes).ok()?;
                let parsed = parse_python(&source.text).ok()?;
                let bindings = FileBindings::of(parsed.syntax(), &candidate.display, config, storage_display);
                let storage = is_storage.then(|| StorageModule::from_parsed(&candidate.display, parsed.syntax()));
                Some((bindings.style, storage))
            })
            .collect();
        let styles: Vec<ImportStyle> = scanned.iter().filter_map(|(style, _)| *style).collect();
        // A storage module that does not parse still counts as present (it is reported itself).
        let storage_module = scanned.into_iter().find_map(|(_, storage)| storage).or_else(|| {
            storage.map(|candidate| StorageModule { display: candidate.display.clone(), ..StorageModule::default() })
        });
        let index = ProjectIndex::build(config, storage_module, &styles);
        Run { config, index, mode, prefilter, triggers }
    }

    /// Process every discovered file, in parallel, results in path order;
    /// `on_file` is called as each file is done (a progress bar).
    pub fn run(&self, discovered: &Discovered, mut notes: Vec<String>, on_file: &(dyn Fn() + Sync)) -> Report {
        let mut files: Vec<FileResult> = discovered
            .candidates
            .par_iter()
            .map(|candidate| {
                let input = FileInput {
                    display: candidate.display.clone(),
                    kind: candidate.kind,
                    path: Some(candidate.path.clone()),
                };
                let result = match std::fs::read(&candidate.path) {
                    Ok(bytes) => self.process(&input, &bytes),
                    Err(err) => failed(&input.display, None, format!("cannot read file: {}", io_message(&err))),
                };
                on_file();
                result
            })
            .collect();
        for skip in &discovered.skipped {
            files.push(FileResult {
                path: skip.display.clone(),
                outcome: FileOutcome::Skipped { reason: skip.reason.clone() },
                findings: Vec::new(),
            });
        }
        for error in &discovered.errors {
            files.push(failed(&error.display, None, error.message.clone()));
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        notes.dedup();
        Report { mode: self.mode, files, notes }
    }

    /// Process one file's bytes.
    pub fn process(&self, input: &FileInput, bytes: &[u8]) -> FileResult {
        let is_storage = self.index.is_storage_module(&input.display);
        if self.prefilter && input.kind == FileKind::Python && !is_storage && !self.triggers.is_match(bytes) {
            return unchanged(&input.display);
        }
        let source = match SourceFile::decode(input.display.clone(), input.kind, bytes) {
            Ok(source) => source,
            Err(DecodeError::Invalid { position, message }) => return failed(&input.display, Some(position), message),
            Err(DecodeError::Unsupported { codec }) => {
                return FileResult {
                    path: input.display.clone(),
                    outcome: FileOutcome::Skipped {
                        reason: format!("declared encoding `{codec}` is not supported (UTF-8 and latin-1 are); convert it to UTF-8 to migrate it"),
                    },
                    findings: Vec::new(),
                }
            }
        };
        match input.kind {
            FileKind::Python => self.process_python(input, bytes, source, is_storage),
            FileKind::Requirements | FileKind::EnvExample | FileKind::Pyproject => {
                self.process_setup(input, bytes, source)
            }
        }
    }

    fn process_python(&self, input: &FileInput, original: &[u8], source: SourceFile, is_storage: bool) -> FileResult {
        let storage_display = self.index.storage.as_ref().map(|storage| storage.display.as_str());
        self.fix_loop(input, original, source, |current| {
            let parsed = parse_python(&current.text)?;
            let lines = current.line_index();
            let bindings = FileBindings::of(parsed.syntax(), &input.display, self.config, storage_display);
            let ctx = RuleContext {
                config: self.config,
                index: &self.index,
                file: current,
                module: parsed.syntax(),
                tokens: parsed.tokens(),
                bindings: &bindings,
                is_storage_module: is_storage,
            };
            let suppressions = Suppressions::from_python(&current.text, parsed.tokens(), &lines);
            Ok(self.configured(check_python(&ctx), &suppressions, &lines))
        })
    }

    /// requirements*.txt, .env.example, pyproject.toml: the same loop; a pyproject
    /// output must still be valid TOML.
    fn process_setup(&self, input: &FileInput, original: &[u8], source: SourceFile) -> FileResult {
        self.fix_loop(input, original, source, |current| {
            if input.kind == FileKind::Pyproject {
                if let Err(err) = current.text.parse::<toml::Table>() {
                    let offset = err.span().map_or(0, |span| span.start);
                    return Err(ParseFailure {
                        offset: TextSize::try_from(offset).unwrap_or_default(),
                        message: err.message().trim().replace('\n', "; "),
                    });
                }
            }
            let lines = current.line_index();
            let ctx = SetupContext { config: self.config, file: current };
            Ok(self.configured(check_setup_file(&ctx), &Suppressions::from_lines(&current.text), &lines))
        })
    }

    /// Analyze, apply the safe fixes, and again, until nothing applies. `analyze` fails
    /// when the text does not parse: an input error on the first pass, a bug after.
    fn fix_loop(
        &self,
        input: &FileInput,
        original: &[u8],
        source: SourceFile,
        analyze: impl Fn(&SourceFile) -> Result<Vec<Finding>, ParseFailure>,
    ) -> FileResult {
        let display = &input.display;
        let encoding = source.encoding;
        let mut current = source;
        let mut fixed: BTreeMap<RuleId, usize> = BTreeMap::new();
        let mut first_findings: Option<Vec<ReportedFinding>> = None;
        for pass in 0..MAX_PASSES {
            let findings = match analyze(&current) {
                Ok(findings) => findings,
                Err(err) => {
                    let position = current.line_index().position(&current.text, err.offset);
                    let message = if pass == 0 {
                        format!("syntax error: {}", err.message)
                    } else {
                        format!(
                            "internal error: the rewrite by {} does not parse ({}); file left untouched, please report it",
                            rule_list(&fixed),
                            err.message
                        )
                    };
                    return failed(display, Some(position), message);
                }
            };
            let lines = current.line_index();
            if first_findings.is_none() {
                first_findings = Some(self.place(display, &current.text, &lines, &findings));
            }
            let applied = apply_fixes(&current.text, &findings, Applicability::Safe);
            if self.mode == Mode::Check || applied.fixed.is_empty() {
                let left = match self.mode {
                    Mode::Check => first_findings.unwrap_or_default(),
                    // Nothing applied in this pass: every finding left needs a person.
                    Mode::Diff | Mode::Apply => self.place(display, &current.text, &lines, &findings),
                };
                return self.finish(input, original, &current, left);
            }
            for (rule, count) in applied.fixed {
                *fixed.entry(rule).or_insert(0) += count;
            }
            current = SourceFile { text: applied.text, encoding, ..current };
        }
        failed(
            display,
            None,
            format!("internal error: fixes by {} did not settle after {MAX_PASSES} passes; file left untouched", rule_list(&fixed)),
        )
    }

    /// Encode the final text, then diff or write it.
    fn finish(&self, input: &FileInput, original: &[u8], current: &SourceFile, findings: Vec<ReportedFinding>) -> FileResult {
        let new = match current.encoding.encode(&current.text) {
            Ok(new) => new,
            Err(message) => return failed(&input.display, None, format!("internal error: {message}; file left untouched")),
        };
        let outcome = if new == original {
            FileOutcome::Unchanged
        } else {
            match (self.mode, &input.path) {
                // After Ctrl-C, nothing more is written: each file stays old or new.
                (Mode::Apply, Some(_)) if !crate::interrupt::begin_write() => {
                    let reason = crate::interrupt::INTERRUPTED_REASON.to_owned();
                    return FileResult { path: input.display.clone(), outcome: FileOutcome::Skipped { reason }, findings };
                }
                (Mode::Apply, Some(path)) => match write_atomically(path, original, &new) {
                    // The bytes are not needed once written; keep memory to files in flight.
                    Ok(()) => FileOutcome::Changed { old: Vec::new(), new: Vec::new(), written: true },
                    Err(err) => return FileResult { findings, ..failed(&input.display, None, err.to_string()) },
                },
                _ => FileOutcome::Changed { old: original.to_vec(), new, written: false },
            }
        };
        FileResult { path: input.display.clone(), outcome, findings }
    }

    /// Drop findings of rules turned off or suppressed on their line; apply configured severities.
    fn configured(&self, findings: Vec<Finding>, suppressions: &Suppressions, lines: &LineIndex) -> Vec<Finding> {
        findings
            .into_iter()
            .filter_map(|mut finding| {
                finding.severity = self.config.severity(finding.rule)?;
                let line = lines.line_of(finding.range.start());
                (!suppressions.is_suppressed(finding.rule, line)).then_some(finding)
            })
            .collect()
    }

    fn place(&self, display: &str, text: &str, lines: &LineIndex, findings: &[Finding]) -> Vec<ReportedFinding> {
        let mut placed: Vec<ReportedFinding> = findings
            .iter()
            .map(|finding| ReportedFinding {
                rule: finding.rule,
                severity: finding.severity,
                path: display.to_owned(),
                range: finding.range,
                start: lines.position(text, finding.range.start()),
                end: lines.position(text, finding.range.end()),
                message: finding.message.clone(),
                fix: finding.fix.clone(),
            })
            .collect();
        placed.sort_by_key(|finding| (finding.range.start(), finding.range.end(), finding.rule));
        placed
    }
}

fn rule_list(fixed: &BTreeMap<RuleId, usize>) -> String {
    fixed.keys().map(|rule| rule.as_str()).collect::<Vec<_>>().join(", ")
}


fn unchanged(display: &str) -> FileResult {
    FileResult { path: display.to_owned(), outcome: FileOutcome::Unchanged, findings: Vec::new() }
}

fn failed(display: &str, position: Option<crate::report::Position>, message: String) -> FileResult {
    FileResult { path: display.to_owned(), outcome: FileOutcome::Failed { position, message }, findings: Vec::new() }
}

/// An OS error's message without the `(os error N)` suffix.
pub fn io_message(err: &std::io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}
