//! One run over the discovered files: locate the storage module, build the
//! `ProjectIndex`, then process every file in parallel (read → prefilter → decode →
//! parse → rules → fix until nothing changes → re-parse → write or diff) and collect
//! one `FileResult` each, in path order.

mod waves;

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rayon::prelude::*;
use ruff_text_size::TextSize;

use crate::config::{Config, ImportStyle};
use crate::discover::{Candidate, Discovered, FileKind};
use crate::finding::Finding;
use crate::fix::apply::apply_fixes;
use crate::fix::edit::{Applicability, Edit, Fix};
use crate::interactive::{Choice, Declined, Prompter, STOPPED_REASON};
use crate::model::{BucketMatcher, FileModel, Imported, ModelInput, ModuleExports, ModuleRef, SiteKind, StorageBindingKind};
use crate::prefilter::{import_statements, Triggers, Words};
use crate::project_index::modules::ModuleMap;
use crate::project_index::{export_table, is_module_file, predominant, Importer, Importers, ProjectIndex, StorageDemand, StorageModule};
use crate::rules::s3_calls::Helper;
use crate::report::{FileBytes, FileOutcome, FileResult, Mode, Report, ReportedFinding};
use crate::rule::RuleId;
use crate::rules::{check_python, check_setup_file, RuleContext, SetupContext};
use crate::source::{parse_python, Codec, LineIndex, ParseFailure, SourceFile};
use crate::suppress::Suppressions;
use crate::write::{write_atomically, WriteError, WriteOptions};

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
    /// `apply --force`: also rewrite read-only files.
    pub force: bool,
    triggers: Triggers,
    /// The least sure fixes `diff`/`apply` write: `Safe`, or `Unsafe` with `--unsafe-fixes`.
    /// A display-only fix is never written.
    pub fix_level: Applicability,
    /// Every configured bucket name, one automaton.
    matcher: Arc<BucketMatcher>,
    /// Set once a rule left something unrewritten because the storage module is not
    /// among the paths.
    storage_needed: Arc<AtomicBool>,
    /// `apply --interactive`: which fixes of each pass the person accepts.
    pub chooser: Option<&'a Prompter>,
}

impl<'a> Run<'a> {
    /// Locate the storage module among `candidates`, read what it exports and what it
    /// imports, and build the trigger words.
    pub fn prepare(config: &'a Config, candidates: &[Candidate], mode: Mode, prefilter: bool, notes: &mut Vec<String>) -> Run<'a> {
        let storage_files: Vec<&Candidate> = candidates
            .iter()
            .filter(|candidate| candidate.kind == FileKind::Python && is_module_file(&candidate.display, &config.storage.module))
            .collect();
        match storage_files.as_slice() {
            [] | [_] => {}
            [first, ..] => notes.push(format!(
                "several files could be the storage module `{}`; using {}",
                config.storage.module, first.display
            )),
        }
        let storage = storage_files.first().copied();
        let matcher = BucketMatcher::new(&config.buckets);
        let python = candidates.iter().filter(|candidate| candidate.kind == FileKind::Python);
        let modules = ModuleMap::new(python.clone().map(|candidate| candidate.display.as_str()), storage.map(|candidate| candidate.display.as_str()));
        // Only the storage module and the files it imports are read here; every other
        // file is parsed once, when it is processed.
        let paths: BTreeMap<&str, &PathBuf> = python.map(|candidate| (candidate.display.as_str(), &candidate.path)).collect();
        let read = |display: &str| {
            let path = paths.get(display)?;
            let bytes = crate::nofollow::read(path).ok()?;
            SourceFile::decode(display.to_owned(), FileKind::Python, &bytes).ok().map(|source| source.text)
        };
        let storage_module = storage.map(|candidate| StorageModule::read(config, &candidate.display, read(&candidate.display).as_deref(), &modules, &matcher));
        let index = ProjectIndex::new(config, modules, storage_module, read);
        Run::with_index(config, index, matcher, mode, prefilter)
    }

    /// A run on one file read from stdin as `display` (the storage module when it is one).
    pub fn prepare_stdin(config: &'a Config, display: &str, bytes: &[u8], mode: Mode, prefilter: bool) -> Run<'a> {
        let matcher = BucketMatcher::new(&config.buckets);
        let is_storage = is_module_file(display, &config.storage.module);
        let modules = ModuleMap::new([display], is_storage.then_some(display));
        let storage = is_storage.then(|| {
            let text = SourceFile::decode(display.to_owned(), FileKind::Python, bytes).ok().map(|source| source.text);
            StorageModule::read(config, display, text.as_deref(), &modules, &matcher)
        });
        let index = ProjectIndex::new(config, modules, storage, |_| None);
        Run::with_index(config, index, matcher, mode, prefilter)
    }

    /// A run over files given as `(display path, text)` (tests, and the library's users
    /// without a tree on disk): the storage module, its imports and the module map come
    /// from them; process each with [`Run::process`].
    pub fn in_memory(config: &'a Config, files: &[(&str, &str)], mode: Mode, prefilter: bool) -> Run<'a> {
        let matcher = BucketMatcher::new(&config.buckets);
        let storage = files.iter().find(|(display, _)| is_module_file(display, &config.storage.module));
        let modules = ModuleMap::new(files.iter().map(|(display, _)| *display), storage.map(|(display, _)| *display));
        let read = |display: &str| files.iter().find(|(name, _)| *name == display).map(|(_, text)| (*text).to_owned());
        let storage = storage.map(|(display, text)| StorageModule::read(config, display, Some(text), &modules, &matcher));
        let index = ProjectIndex::new(config, modules, storage, read);
        Run::with_index(config, index, matcher, mode, prefilter)
    }

    fn with_index(config: &'a Config, index: ProjectIndex, matcher: BucketMatcher, mode: Mode, prefilter: bool) -> Run<'a> {
        let triggers = Triggers::new(config);
        Run { config, index, mode, prefilter, force: false, triggers, fix_level: Applicability::Safe, matcher: Arc::new(matcher), storage_needed: Arc::default(), chooser: None }
    }

    /// The note for a run whose rewrites refer to a storage module that is not among the
    /// paths; `None` when it is there or nothing depends on it.
    pub fn storage_note(&self) -> Option<String> {
        (self.index.storage.is_none() && self.storage_needed.load(Ordering::Relaxed)).then(|| {
            format!(
                "the storage module `{}` is not among the paths, so nothing that refers to it was rewritten; include its file in the paths, or set `storage.module` to its dotted path",
                self.config.storage.module
            )
        })
    }

    /// Process every discovered file, in parallel, results in path order;
    /// `on_file` is called as each file is done (a progress bar).
    ///
    /// A file whose first pass needed what only every file together tells (the import
    /// style, other files' exports, which files import its names) took "none" for an
    /// answer (and `from package import module`); its write waits until every file has
    /// been seen, and only if an answer turns out otherwise is it processed again.
    pub fn run(&self, discovered: &Discovered, mut notes: Vec<String>, on_file: &(dyn Fn() + Sync)) -> Report {
        if self.index.storage.as_ref().is_some_and(|storage| storage.raises.is_none()) {
            return self.with_storage_decided(discovered).run(discovered, notes, on_file);
        }
        // Interactive: the questions come file by file in path order, so the import style
        // and the files' exports are counted first, without asking (each file is read
        // twice, at a person's pace).
        if self.chooser.is_some() && !self.index.exports_final {
            let counting = Run { mode: Mode::Check, chooser: None, storage_needed: Arc::default(), ..self.copy() };
            let others: Vec<&Candidate> = discovered.candidates.iter().filter(|candidate| !self.index.is_storage_module(&candidate.display)).collect();
            let mut counted: Vec<(Processed, &Candidate)> = others.into_par_iter().map(|candidate| (counting.process_candidate(candidate), candidate)).collect();
            let passed = self.with_passes_of(&counted, discovered);
            let raises_changed = passed.raises_differ(self);
            let settled = passed.settled_by(&mut counted);
            // The storage module is asked first, so it gets what every file would need with
            // all its fixes (the files that waited for the style or the exports counted
            // again, settled), and keeps every object a file uses before them.
            let recount = Run { mode: Mode::Check, chooser: None, storage_needed: Arc::default(), ..settled.copy() };
            let demands: Vec<StorageDemand> = counted
                .into_par_iter()
                .map(|(processed, candidate)| {
                    if processed.asked.answered_otherwise(&candidate.display, &settled.index, raises_changed) {
                        recount.process_candidate(candidate).demand
                    } else {
                        processed.demand
                    }
                })
                .collect();
            let mut demand = StorageDemand::default();
            for wants in demands {
                demand.helpers.extend(wants.helpers);
                demand.reached.extend(wants.reached);
            }
            return settled.with_storage_demand(demand).run(discovered, notes, on_file);
        }
        // The storage module goes last: it gets what the other files' rewrites need from it;
        // asked interactively, it goes first (see `ask_storage_first`).
        let (storage, others): (Vec<&Candidate>, Vec<&Candidate>) =
            discovered.candidates.iter().partition(|candidate| self.index.is_storage_module(&candidate.display));
        let (mut asked_first, mut this) = (Vec::new(), self.copy());
        if let Some(chooser) = self.chooser {
            for candidate in &storage {
                let (result, as_written) = this.ask_storage_first(candidate, chooser);
                asked_first.push(result);
                this = as_written;
            }
        }
        let mut first = this.first_pass(others, on_file);
        let passed = this.with_passes_of(&first, discovered);
        let raises_changed = passed.raises_differ(&this);
        let second = passed.settled_by(&mut first);
        let done: Vec<(FileResult, StorageDemand)> = first
            .into_par_iter()
            .map(|(processed, candidate)| {
                if !processed.asked.any() {
                    return (processed.result, processed.demand);
                }
                let finished = if processed.asked.answered_otherwise(&candidate.display, &second.index, raises_changed) {
                    let again = second.process_candidate(candidate);
                    (again.result, again.demand)
                } else {
                    (second.commit(&input_of(candidate), processed.result), processed.demand)
                };
                on_file();
                finished
            })
            .collect();
        let mut demand = StorageDemand::default();
        let mut files: Vec<FileResult> = Vec::with_capacity(done.len() + storage.len());
        for (result, wants) in done {
            demand.helpers.extend(wants.helpers);
            demand.reached.extend(wants.reached);
            files.push(result);
        }
        let last = second.with_storage_demand(demand);
        files.extend(asked_first);
        for candidate in storage.into_iter().filter(|_| self.chooser.is_none()) {
            let result = last.process_candidate(candidate).result;
            on_file();
            files.push(result);
        }
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
        notes.extend(self.storage_note());
        notes.extend(crate::write::tidy_temp_files(&discovered.temp_files, discovered.started, self.mode == Mode::Apply));
        notes.dedup();
        Report { mode: self.mode, files, notes }
    }

    /// Every file but the storage module, once, in waves: each after the files it
    /// imports from, whose exports are settled for it (see `waves`).
    fn first_pass<'c>(&self, files: Vec<&'c Candidate>, on_file: &(dyn Fn() + Sync)) -> Vec<(Processed, &'c Candidate)> {
        let (mut done, bytes): (Vec<Option<Processed>>, Vec<Option<Vec<u8>>>) = files
            .par_iter()
            .map(|candidate| match self.read_candidate(candidate) {
                Ok(bytes) if self.passes_over(&input_of(candidate), &bytes) => (Some(Self::passed_over(&candidate.display)), None),
                Ok(bytes) => (None, Some(bytes)),
                Err(result) => (Some(Processed::done(result)), None),
            })
            .unzip();
        (0..done.iter().flatten().count()).for_each(|_| on_file());
        let python: Vec<usize> = (0..files.len()).filter(|&at| bytes[at].is_some() && files[at].kind == FileKind::Python).collect();
        let python_waves = waves::waves(&python.iter().map(|&at| (files[at].display.as_str(), bytes[at].as_deref().unwrap_or_default())).collect::<Vec<_>>());
        let mut wave_of: Vec<Option<usize>> = bytes.iter().map(|bytes| bytes.as_ref().map(|_| 0)).collect();
        for (&at, &wave) in python.iter().zip(&python_waves) {
            wave_of[at] = Some(wave);
        }
        let (mut exports, mut settled) = (crate::model::ExportTable::new(), BTreeSet::new());
        for wave in 0..=python_waves.iter().copied().max().unwrap_or(0) {
            let run = Run { index: self.index.with_exports_of(exports.clone(), settled.clone()), ..self.copy() };
            let in_wave: Vec<usize> = (0..files.len()).filter(|&at| wave_of[at] == Some(wave)).collect();
            let processed: Vec<(usize, Processed)> = in_wave
                .into_par_iter()
                .map(|at| {
                    let processed = run.process_read(&input_of(files[at]), bytes[at].as_deref().unwrap_or_default());
                    if !processed.asked.any() {
                        on_file();
                    }
                    (at, processed)
                })
                .collect();
            for (at, processed) in processed {
                let display = &files[at].display;
                exports.extend(export_table(processed.exports.clone().map(|exports| (display.clone(), exports))));
                settled.insert(display.clone());
                done[at] = Some(processed);
            }
        }
        done.into_iter().map(|processed| processed.expect("every file is processed in its wave")).zip(files).collect()
    }

    /// This run knowing what each storage-module function raises once the module is
    /// processed (last): the module's own processing, done first without writing, says
    /// which functions keep boto3 calls. The other files' handlers around those calls
    /// change in the same run only where it translates the function completely.
    fn with_storage_decided(&self, discovered: &Discovered) -> Run<'a> {
        let mut run = self.copy();
        let Some(storage) = run.index.storage.as_mut() else { return run };
        let candidate = discovered.candidates.iter().find(|candidate| candidate.display == storage.display);
        let original = candidate.and_then(|candidate| crate::nofollow::read(&candidate.path).ok());
        let Some((candidate, original)) = candidate.zip(original) else {
            storage.raises = Some(BTreeMap::new());
            return run;
        };
        let input = input_of(candidate);
        let dry = Run { mode: Mode::Diff, chooser: None, storage_needed: Arc::default(), ..self.copy() };
        let processed = dry.process_bytes(&input, &original);
        let text = match processed.result.outcome {
            FileOutcome::Changed { new, .. } => SourceFile::decode(input.display.clone(), input.kind, &new).map(|source| source.text).ok(),
            _ => SourceFile::decode(input.display.clone(), input.kind, &original).map(|source| source.text).ok(),
        };
        storage.decide(self.config, text.as_deref().unwrap_or_default(), &self.index.modules, &self.matcher, &processed.translated);
        run
    }

    /// This run with the storage-module functions the files of `first` pass a bucket
    /// `buckets.names` leaves out (the first such pass of each, in path order): those stay
    /// on S3, so what they raise is decided again, with them held back.
    fn with_passes_of(&self, first: &[(Processed, &Candidate)], discovered: &Discovered) -> Run<'a> {
        let mut run = self.copy();
        let Some(storage) = run.index.storage.as_mut() else { return run };
        let known = storage.passed_unlisted.len();
        for (function, pass) in first.iter().flat_map(|(processed, _)| &processed.passes) {
            storage.passed_unlisted.entry(function.clone()).or_insert_with(|| pass.clone());
        }
        if storage.passed_unlisted.len() == known {
            return run;
        }
        storage.raises = None;
        run.with_storage_decided(discovered)
    }

    fn raises_differ(&self, other: &Run) -> bool {
        self.index.storage.as_ref().map(|storage| &storage.raises) != other.index.storage.as_ref().map(|storage| &storage.raises)
    }

    /// `apply --interactive`: the storage module's questions, before any other file's.
    /// The fixes elsewhere that need a name only its declined fixes define are then not
    /// asked (so no answer leaves a file using what the module lacks, also after `q`),
    /// and the run that asks them knows what its functions raise as it was written (a
    /// declined translation keeps boto3's errors for the handlers around it).
    fn ask_storage_first(&self, candidate: &Candidate, chooser: &Prompter) -> (FileResult, Run<'a>) {
        let input = input_of(candidate);
        let text_of = |bytes: &[u8]| SourceFile::decode(input.display.clone(), input.kind, bytes).map(|source| source.text).unwrap_or_default();
        let original = crate::nofollow::read(&candidate.path).unwrap_or_default();
        // What the module would be with every fix (a diff, nothing asked or written).
        let full = match (Run { mode: Mode::Diff, chooser: None, ..self.copy() }).process(&input, &original).outcome {
            FileOutcome::Changed { new, .. } => text_of(&new),
            _ => text_of(&original),
        };
        chooser.storage_first(&input.display);
        let processed = self.process_candidate(candidate);
        let written = crate::nofollow::read(&candidate.path).map(|bytes| text_of(&bytes)).unwrap_or_default();
        chooser.withhold(crate::interactive::withheld_names(&full, &written));
        let mut as_written = self.copy();
        if let Some(storage) = as_written.index.storage.as_mut() {
            storage.decide(self.config, &written, &self.index.modules, &self.matcher, &processed.translated);
        }
        (processed.result, as_written)
    }

    /// This run settled by what the first pass over every file but the storage module
    /// showed: their exports, who imports what from whom, the predominant import style.
    fn settled_by(&self, first: &mut [(Processed, &Candidate)]) -> Run<'a> {
        self.read_passed_over_imports(first);
        let styles: Vec<ImportStyle> = first.iter().filter_map(|(processed, _)| processed.style).collect();
        let exports = export_table(first.iter().filter_map(|(processed, candidate)| Some((candidate.display.clone(), processed.exports.clone()?))));
        let importers = importers(first.iter().map(|(processed, candidate)| (candidate.display.as_str(), processed)));
        self.settled(exports, importers, predominant(&styles))
    }

    /// The prefilter passes over a file without a trigger, and so over its imports: where
    /// a first pass asked who imports one of its names (`from app.aws import
    /// TransferConfig` names nothing the prefilter looks for), each file passed over that
    /// holds one of those names and the asking module's name as words is read for its
    /// imports (as `check` without the prefilter reads it; nothing written).
    fn read_passed_over_imports(&self, first: &mut [(Processed, &Candidate)]) {
        // (the asking module's name, a name asked), each a word to look for.
        let mut asked: Vec<(&str, &str)> = Vec::new();
        for (processed, candidate) in first.iter() {
            let module = module_name(&candidate.display);
            let names = processed.asked.importers.iter().map(|name| name.split('.').next().unwrap_or(name));
            // A file holding `boto3` or `ClientError` holds a trigger: it was read.
            asked.extend(names.filter(|name| !self.triggers.found_in(name.as_bytes())).map(|name| (module, name)));
        }
        if asked.is_empty() || !self.prefilter {
            return;
        }
        let (modules, names) = (sorted_words(asked.iter().map(|&(module, _)| module)), sorted_words(asked.iter().map(|&(_, name)| name)));
        let place = |words: &[&str], word: &str| words.binary_search(&word).expect("each word is in its list");
        let asked: Vec<(usize, usize)> = asked.iter().map(|&(module, name)| (place(&modules, module), place(&names, name))).collect();
        let (module_words, name_words) = (Words::new(&modules), Words::new(&names));
        let reading = Run { mode: Mode::Check, prefilter: false, chooser: None, storage_needed: Arc::default(), ..self.copy() };
        let found: Vec<(usize, Vec<(String, String, usize)>)> = first
            .par_iter()
            .enumerate()
            .filter(|(_, (processed, _))| processed.passed_over)
            .filter_map(|(at, (_, candidate))| {
                let bytes = crate::nofollow::read(&candidate.path).ok()?;
                // A file importing from a module names it in an import statement.
                let mut held_modules = vec![false; modules.len()];
                for statement in import_statements(&bytes) {
                    module_words.mark_held(statement, &mut held_modules);
                }
                if !held_modules.contains(&true) {
                    return None;
                }
                let mut held_names = vec![false; names.len()];
                name_words.mark_held(&bytes, &mut held_names);
                let imports = asked.iter().any(|&(module, name)| held_modules[module] && held_names[name]);
                imports.then(|| (at, reading.process_bytes(&input_of(candidate), &bytes).imports))
            })
            .collect();
        for (at, imports) in found {
            first[at].0.imports = imports;
        }
    }

    /// This run with every file's exports and the import style settled: the second
    /// pass, for the files whose first pass it answers otherwise.
    fn settled(&self, exports: crate::model::ExportTable, importers: Importers, style: ImportStyle) -> Run<'a> {
        Run { index: self.index.settled(exports, importers, style), ..self.copy() }
    }

    fn copy(&self) -> Run<'a> {
        Run {
            config: self.config,
            index: self.index.clone(),
            mode: self.mode,
            prefilter: self.prefilter,
            force: self.force,
            triggers: self.triggers.clone(),
            fix_level: self.fix_level,
            matcher: Arc::clone(&self.matcher),
            storage_needed: Arc::clone(&self.storage_needed),
            chooser: self.chooser,
        }
    }

    /// The findings of `bytes` before any fix: for a file `apply` could not write.
    fn findings_as_read(&self, input: &FileInput, bytes: &[u8]) -> Vec<ReportedFinding> {
        let check = Run { mode: Mode::Check, ..self.settled(self.index.exports.clone(), self.index.importers.clone(), ImportStyle::FromPackage) };
        check.process(input, bytes).findings
    }

    /// This run with what the other files need from the storage module.
    fn with_storage_demand(mut self, demand: StorageDemand) -> Run<'a> {
        if let Some(storage) = self.index.storage.as_mut() {
            storage.demand = demand;
        }
        self
    }

    fn process_candidate(&self, candidate: &Candidate) -> Processed {
        let input = input_of(candidate);
        match self.read_candidate(candidate) {
            Ok(bytes) => self.process_bytes(&input, &bytes),
            Err(result) => Processed::done(result),
        }
    }

    /// A candidate's bytes, or what it is when they cannot be read (or, after Ctrl-C in
    /// `apply`, are not read).
    fn read_candidate(&self, candidate: &Candidate) -> Result<Vec<u8>, FileResult> {
        let display = &candidate.display;
        if self.mode == Mode::Apply && crate::interrupt::interrupted() {
            let reason = crate::interrupt::INTERRUPTED_REASON.to_owned();
            return Err(FileResult { path: display.clone(), outcome: FileOutcome::Skipped { reason }, findings: Vec::new() });
        }
        crate::nofollow::read(&candidate.path).map_err(|err| failed(display, None, format!("cannot read file: {err}")))
    }

    /// Process one file's bytes (stdin, tests): a file that needs the repository's import
    /// style before it is known uses its own, or `from package import module`.
    pub fn process(&self, input: &FileInput, bytes: &[u8]) -> FileResult {
        let processed = self.process_bytes(input, bytes);
        if !processed.asked.any() {
            return processed.result;
        }
        let settled = self.settled(crate::model::ExportTable::new(), Importers::new(), processed.style.unwrap_or(ImportStyle::FromPackage));
        if processed.asked.answered_otherwise(&input.display, &settled.index, false) {
            settled.process(input, bytes)
        } else {
            settled.commit(input, processed.result)
        }
    }

    fn process_bytes(&self, input: &FileInput, bytes: &[u8]) -> Processed {
        if self.passes_over(input, bytes) {
            return Self::passed_over(&input.display);
        }
        self.process_read(input, bytes)
    }

    /// The prefilter: a Python file in which no trigger word is visible cannot hold
    /// anything to find (the storage module is always read).
    fn passes_over(&self, input: &FileInput, bytes: &[u8]) -> bool {
        let prefiltered = self.prefilter && input.kind == FileKind::Python && !self.index.is_storage_module(&input.display);
        prefiltered && !self.triggers.found_in(bytes) && crate::source::words_visible_in_bytes(bytes)
    }

    fn passed_over(display: &str) -> Processed {
        Processed { passed_over: true, ..Processed::done(unchanged(display)) }
    }

    /// A file the prefilter let through.
    fn process_read(&self, input: &FileInput, bytes: &[u8]) -> Processed {
        let is_storage = self.index.is_storage_module(&input.display);
        let source = match SourceFile::decode(input.display.clone(), input.kind, bytes) {
            Ok(source) => source,
            Err(err) => return Processed::done(failed(&input.display, Some(err.position()), err.to_string())),
        };
        match input.kind {
            FileKind::Python => self.process_python(input, bytes, source, is_storage),
            FileKind::Requirements | FileKind::EnvExample | FileKind::Pyproject => {
                Processed::done(self.process_setup(input, bytes, source))
            }
        }
    }

    fn process_python(&self, input: &FileInput, original: &[u8], source: SourceFile, is_storage: bool) -> Processed {
        let style: Cell<Option<Option<ImportStyle>>> = Cell::new(None);
        let exports: Cell<Option<ModuleExports>> = Cell::new(None);
        let style_wanted = Cell::new(false);
        let exports_asked: RefCell<Vec<(String, String)>> = RefCell::new(Vec::new());
        let imports: Cell<Vec<(String, String, usize)>> = Cell::new(Vec::new());
        let passes: Cell<Vec<(String, (String, String))>> = Cell::new(Vec::new());
        let reads_raises = Cell::new(false);
        let importers_asked: RefCell<Vec<String>> = RefCell::new(Vec::new());
        let storage_missing = Cell::new(false);
        let translated = RefCell::new(Vec::new());
        let outcome = self.fix_loop(input, source, |current, left| {
            let parsed = parse_python(&current.text)?;
            let lines = current.line_index();
            let model_input = ModelInput {
                config: self.config,
                display: &input.display,
                text: &current.text,
                modules: &self.index.modules,
                storage: self.index.storage.as_ref().map(|storage| &storage.exports),
                exports: &self.index.exports,
                buckets: &self.matcher,
                is_storage_module: is_storage,
                exports_final: self.index.exports_final,
            };
            let model = FileModel::build(parsed.syntax(), &model_input);
            let suppressions = Suppressions::from_python(&current.text, parsed.tokens(), &lines);
            let wanted = Cell::new(false);
            let ctx = RuleContext {
                config: self.config,
                index: &self.index,
                model: &model,
                file: current,
                module: parsed.syntax(),
                tokens: parsed.tokens(),
                matcher: &self.matcher,
                is_storage_module: is_storage,
                lines: &lines,
                suppressions: &suppressions,
                import_style_wanted: &wanted,
                importers_asked: &importers_asked,
                storage_missing: &storage_missing,
                translated: &translated,
            };
            let mut findings = check_python(&ctx);
            findings.extend(left.iter().cloned());
            let findings = self.configured(findings, &suppressions, &lines);
            // The style counted and the exports kept are those of the file before any rewrite.
            if style.get().is_none() {
                style.set(Some(import_style(&model)));
                exports.set(Some(model.exports.clone()));
                imports.set(project_imports(&model, &lines));
                if !is_storage {
                    let passed = crate::rules::s3_calls::unlisted_passes(&ctx).into_iter();
                    passes.set(passed.map(|(function, bucket, at)| (function.to_owned(), (bucket.to_owned(), format!("{}:{}:{}", input.display, at.line, at.column)))).collect());
                    // Its handlers around storage-module functions, and a listing that goes
                    // through the module's key lister, follow what those functions raise.
                    let lists = model.calls.iter().any(|call| call.operation == "list_objects_v2");
                    reads_raises.set(lists || model.tries.iter().any(|block| !block.storage_calls.is_empty()));
                }
            }
            // A rewrite can read other exports than the original did.
            let mut asked = exports_asked.borrow_mut();
            for question in &model.asked_exports {
                if !asked.contains(question) {
                    asked.push(question.clone());
                }
            }
            style_wanted.set(style_wanted.get() || wanted.get());
            Ok((findings, lines))
        });
        if storage_missing.get() {
            self.storage_needed.store(true, Ordering::Relaxed);
        }
        let style = style.get().flatten();
        let exports = exports.take();
        let imports = imports.take();
        let asked = Asked {
            style: style_wanted.get() && self.index.preferred_import.is_none(),
            exports: exports_asked.take().into_iter().filter(|(module, _)| !self.index.exports_settled.contains(module)).collect(),
            importers: importers_asked.take(),
            raises: reads_raises.get() && !self.index.exports_final,
        };
        let (result, demand) = match outcome {
            Ok((current, findings)) => {
                let demand = if is_storage { StorageDemand::default() } else { self.demand_of(&current.text, &findings) };
                // Written only once the settled run confirms what it took for granted.
                (self.finish(input, original, &current, findings, !asked.any()), demand)
            }
            // A file that failed stays as it was: it may reach anything the module has.
            Err(result) => (result, if is_storage { StorageDemand::default() } else { self.demand_of(&String::from_utf8_lossy(original), &[]) }),
        };
        Processed { result, style, exports, imports, demand, asked, passed_over: false, translated: translated.take(), passes: passes.take() }
    }

    /// What `text` (a file's final text; in `check` its text and the fixes offered) needs
    /// from the storage module: the helpers it names and the module's S3 objects it may
    /// use. Read from the text, so a mention in a comment keeps an S3 object too.
    fn demand_of(&self, text: &str, findings: &[ReportedFinding]) -> StorageDemand {
        let mut demand = StorageDemand::default();
        let Some(storage) = &self.index.storage else { return demand };
        if !text.contains(self.config.storage.module_name()) {
            return demand;
        }
        let offered: Vec<&str> = match self.mode {
            Mode::Check => findings.iter().filter_map(|finding| finding.fix.as_ref()).flat_map(|fix| fix.edits.iter().map(|edit| edit.content.as_str())).collect(),
            _ => Vec::new(),
        };
        let named = |name: &str| text.contains(name) || offered.iter().any(|content| content.contains(name));
        demand.helpers = Helper::ALL.iter().map(|helper| helper.name()).filter(|name| named(name)).map(str::to_owned).collect();
        demand.reached = storage.objects().filter(|name| text.contains(name)).map(str::to_owned).collect();
        demand
    }

    /// requirements*.txt, .env.example, pyproject.toml: the same loop; a pyproject
    /// output must still be valid TOML.
    fn process_setup(&self, input: &FileInput, original: &[u8], source: SourceFile) -> FileResult {
        let outcome = self.fix_loop(input, source, |current, _| {
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
            let findings = self.configured(check_setup_file(&ctx), &Suppressions::from_lines(&current.text), &lines);
            Ok((findings, lines))
        });
        match outcome {
            Ok((current, findings)) => self.finish(input, original, &current, findings, true),
            Err(result) => result,
        }
    }

    /// Analyze, apply the safe fixes, and again, until nothing applies; the final text
    /// and the findings to report, or the file's failure. `analyze` fails when the text
    /// does not parse: an input error on the first pass, a bug after. It gets what the
    /// fixes applied so far left (at their places in the text), to report with its own
    /// findings, suppressible like them.
    fn fix_loop(
        &self,
        input: &FileInput,
        source: SourceFile,
        analyze: impl Fn(&SourceFile, &[Finding]) -> Result<(Vec<Finding>, LineIndex), ParseFailure>,
    ) -> Result<(SourceFile, Vec<ReportedFinding>), FileResult> {
        let display = &input.display;
        let encoding = source.encoding;
        let mut current = source;
        let mut fixed: BTreeMap<RuleId, usize> = BTreeMap::new();
        let mut first_findings: Option<Vec<ReportedFinding>> = None;
        // What the applied fixes leave (a translation's remaining differences), kept at
        // their place through the later passes.
        let mut left_by_fixes: Vec<Finding> = Vec::new();
        let mut declined = Declined::new();
        for pass in 0..MAX_PASSES {
            let (findings, lines) = match analyze(&current, &left_by_fixes) {
                Ok(analyzed) => analyzed,
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
                    return Err(failed(display, Some(position), message));
                }
            };
            if first_findings.is_none() {
                first_findings = Some(self.place(display, &current, &lines, &findings));
            }
            if self.mode == Mode::Check {
                return Ok((current, first_findings.unwrap_or_default()));
            }
            let applied = match self.chooser.map(|chooser| chooser.choose(display, input.kind == FileKind::Python, &current.text, &findings, self.fix_level, &mut declined)) {
                None => apply_fixes(&current.text, &findings, self.fix_level),
                Some(Choice::Apply(accepted)) => apply_fixes(&current.text, &accepted, self.fix_level),
                Some(Choice::Stop) => {
                    let outcome = FileOutcome::Skipped { reason: STOPPED_REASON.to_owned() };
                    return Err(FileResult { path: display.clone(), outcome, findings: first_findings.unwrap_or_default() });
                }
            };
            if applied.fixed.is_empty() {
                // Nothing applied in this pass: every finding left needs a person.
                let left = self.place(display, &current, &lines, &findings);
                return Ok((current, left));
            }
            // Reported by the next pass; the left findings it was given came back in
            // `findings` (without a fix, so none of them is applied twice).
            for finding in &mut left_by_fixes {
                finding.range = applied.moved(finding.range);
            }
            for (_, range) in &mut declined {
                *range = applied.moved(*range);
            }
            left_by_fixes.extend(applied.left);
            for (rule, count) in applied.fixed {
                *fixed.entry(rule).or_insert(0) += count;
            }
            current = SourceFile { text: applied.text, encoding, ..current };
        }
        Err(failed(
            display,
            None,
            format!("internal error: fixes by {} did not settle after {MAX_PASSES} passes; file left untouched", rule_list(&fixed)),
        ))
    }

    /// Encode the final text, then diff or write it.
    /// The file's result; `apply` writes it unless `write` is false (then `commit` may, later).
    fn finish(&self, input: &FileInput, original: &[u8], current: &SourceFile, findings: Vec<ReportedFinding>, write: bool) -> FileResult {
        let new = match current.encoding.encode(&current.text) {
            Ok(new) => new,
            Err(message) => return failed(&input.display, None, format!("internal error: {message}; file left untouched")),
        };
        let outcome = if new == original { FileOutcome::Unchanged } else { FileOutcome::Changed { old: original.to_vec(), new, written: false } };
        let result = FileResult { path: input.display.clone(), outcome, findings };
        if write {
            self.commit(input, result)
        } else {
            result
        }
    }

    /// `apply`: write a result's new bytes, if it has some not yet written.
    fn commit(&self, input: &FileInput, result: FileResult) -> FileResult {
        let (Mode::Apply, Some(path), FileOutcome::Changed { old, new, written: false }) = (self.mode, &input.path, &result.outcome) else {
            return result;
        };
        // After Ctrl-C, nothing more is written: each file stays old or new.
        if !crate::interrupt::begin_write() {
            let reason = crate::interrupt::INTERRUPTED_REASON.to_owned();
            return FileResult { outcome: FileOutcome::Skipped { reason }, ..result };
        }
        match write_atomically(path, old, new, WriteOptions { force: self.force }) {
            // The bytes are not needed once written; keep memory to files in flight.
            Ok(()) => FileResult { outcome: FileOutcome::Changed { old: Vec::new(), new: Vec::new(), written: true }, ..result },
            // Not written: the findings are those of the file as it stays, as `check` reports them.
            Err(err) => {
                let findings = self.findings_as_read(input, old);
                let outcome = match err {
                    WriteError::ReadOnly(_) => FileOutcome::Skipped { reason: err.to_string() },
                    err => FileOutcome::Failed { position: None, message: err.to_string() },
                };
                FileResult { path: result.path, outcome, findings }
            }
        }
    }

    /// Drop findings of rules turned off or suppressed on their line; apply configured severities.
    /// Then the suppression comments' own problems (unknown ids, unused comments).
    fn configured(&self, findings: Vec<Finding>, suppressions: &Suppressions, lines: &LineIndex) -> Vec<Finding> {
        let mut kept: Vec<Finding> = findings
            .into_iter()
            .filter_map(|mut finding| {
                finding.severity = self.config.severity(finding.rule)?;
                let line = lines.line_of(finding.range.start());
                (!suppressions.is_suppressed(finding.rule, line)).then_some(finding)
            })
            .collect();
        // A translation's differences are reported by `diff`/`apply` once it is made, so
        // `check` cannot tell a comment naming them unused.
        let judged = |rule: RuleId| self.config.severity(rule).is_some() && !(self.mode == Mode::Check && rule == RuleId::TranslationDifference);
        let problems = suppressions.problems(judged);
        kept.extend(problems.into_iter().filter_map(|mut problem| {
            problem.severity = self.config.severity(problem.rule)?;
            Some(problem)
        }));
        kept
    }

    fn place(&self, display: &str, file: &SourceFile, lines: &LineIndex, findings: &[Finding]) -> Vec<ReportedFinding> {
        let text = &file.text;
        // Findings that share a fix share its byte ranges too (computed once).
        let mut bytes_of: HashMap<*const Edit, Arc<[FileBytes]>> = HashMap::new();
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
                fix_bytes: finding.fix.as_ref().map_or_else(
                    || Arc::from([]),
                    |fix| Arc::clone(bytes_of.entry(fix.edits.as_ptr()).or_insert_with(|| file_bytes(file, lines, fix))),
                ),
            })
            .collect();
        placed.sort_by_key(|finding| (finding.range.start(), finding.range.end(), finding.rule));
        placed
    }
}

/// One file's result; `style` is how the file itself imports the storage module, for
/// the count.
struct Processed {
    /// Not yet written by `apply` while `asked` holds a question.
    result: FileResult,
    asked: Asked,
    /// The prefilter found no trigger in it: it was not parsed.
    passed_over: bool,
    style: Option<ImportStyle>,
    /// What the file offers other files (Python files that were parsed).
    exports: Option<ModuleExports>,
    /// The names it imports from other files among the paths: (their display path,
    /// name, line), as first read.
    imports: Vec<(String, String, usize)>,
    /// What the file, as rewritten, needs from the storage module.
    demand: StorageDemand,
    /// The storage module's functions its passes translated (see `RuleContext::translated`).
    translated: Vec<(String, Vec<crate::rules::s3_calls::Missing>)>,
    /// The storage-module functions it passes a bucket `buckets.names` leaves out, as
    /// first read (see `s3_calls::unlisted_passes`).
    passes: Vec<(String, (String, String))>,
}

impl Processed {
    fn done(result: FileResult) -> Processed {
        Processed { result, style: None, exports: None, imports: Vec::new(), demand: StorageDemand::default(), asked: Asked::default(), passed_over: false, translated: Vec::new(), passes: Vec::new() }
    }
}

/// What a file's first pass needed before every file was read, and took as answered
/// "none" (and the import style as `from package import module`). The file's result
/// stands, and is written, unless the settled run answers one otherwise; then it is
/// processed again. A file asks only what its facts depend on, so a question left
/// unasked cannot make two runs of the same tree disagree.
#[derive(Default)]
struct Asked {
    style: bool,
    /// Other files' exports its model read: (display path, name).
    exports: Vec<(String, String)>,
    /// Its own names whose importers a rule needed.
    importers: Vec<String>,
    /// It guards storage-module functions with a `try`, or lists keys (through the
    /// module's key lister once translated): what those functions raise can change once
    /// every file is read (see `Run::with_passes_of`).
    raises: bool,
}

impl Asked {
    fn any(&self) -> bool {
        self.style || !self.exports.is_empty() || !self.importers.is_empty() || self.raises
    }

    /// `raises_changed`: the settled run's storage-module functions raise otherwise.
    fn answered_otherwise(&self, display: &str, index: &ProjectIndex, raises_changed: bool) -> bool {
        (self.style && index.preferred_import != Some(ImportStyle::FromPackage))
            || (self.raises && raises_changed)
            || self.exports.iter().any(|(module, name)| crate::model::exports::resolve(&index.exports, module, name).is_some())
            || self.importers.iter().any(|name| index.importer_of(display, name).is_some())
    }
}

/// `from aws import s3` anywhere in the file, and `aws.s3` read on a binding of the
/// module (`import aws`, `from backend import aws`, `import backend.aws`): (`backend/aws.py`,
/// `s3`, the line of the import or of the read), in source order; a class's attribute
/// read on it (`Storage.s3`, `aws.Storage.s3`, `Storage().s3`) as `Storage.s3` too.
fn project_imports(model: &FileModel, lines: &LineIndex) -> Vec<(String, String, usize)> {
    let mut found: Vec<(TextSize, &str, String)> = model
        .scopes
        .sites
        .iter()
        .filter_map(|site| match site.kind {
            SiteKind::Import { imported: Imported::Member(ModuleRef::Project(display), name), .. } => Some((site.range.start(), display, name.to_owned())),
            _ => None,
        })
        .collect();
    for read in &model.member_reads {
        let at = read.range.start();
        found.push((at, read.module, read.name.to_owned()));
        found.extend(read.attribute.map(|attribute| (at, read.module, format!("{}.{attribute}", read.name))));
    }
    found.sort_unstable();
    found.into_iter().map(|(at, display, name)| (display.to_owned(), name, lines.line_of(at))).collect()
}

/// Who imports which name from each file, first importer in path order.
fn importers<'p>(files: impl Iterator<Item = (&'p str, &'p Processed)>) -> Importers {
    let mut importers = Importers::new();
    for (display, processed) in files {
        for (target, name, line) in &processed.imports {
            if target != display {
                importers.entry(target.clone()).or_default().entry(name.clone()).or_insert_with(|| Importer { by: display.to_owned(), line: *line });
            }
        }
    }
    importers
}

/// How the file itself imports the storage module: its first module-level binding.
fn import_style(model: &FileModel) -> Option<ImportStyle> {
    let binding = model.storage_bindings.first()?;
    let (stmt, _) = model.site(binding.site).statement?;
    Some(match (stmt, binding.kind) {
        (_, StorageBindingKind::Member { .. }) => ImportStyle::FromModule,
        (ruff_python_ast::Stmt::Import(_), _) => ImportStyle::ImportAs,
        _ => ImportStyle::FromPackage,
    })
}

/// The edits' ranges in the file's stored bytes: after a BOM, and with one byte per
/// character in latin-1 and the other single-byte codecs (the text holds two or three
/// UTF-8 bytes for each non-ASCII one).
fn file_bytes(file: &SourceFile, lines: &LineIndex, fix: &Fix) -> Arc<[FileBytes]> {
    let bom: u32 = if file.encoding.bom { 3 } else { 0 };
    let stored = |offset: TextSize| -> u32 {
        let offset = offset.to_usize().min(file.text.len());
        let bytes = match file.encoding.codec {
            Codec::Utf8 | Codec::Ascii => offset,
            // One stored byte per character.
            Codec::Latin1 | Codec::SingleByte(_) => lines.chars_before(&file.text, offset),
        };
        bom + u32::try_from(bytes).unwrap_or(u32::MAX)
    };
    fix.edits
        .iter()
        .map(|edit| {
            let (start, end) = (stored(edit.start()), stored(edit.end()));
            FileBytes { offset: start, length: end - start }
        })
        .collect()
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


fn sorted_words<'w>(words: impl Iterator<Item = &'w str>) -> Vec<&'w str> {
    let mut words: Vec<&str> = words.collect();
    words.sort_unstable();
    words.dedup();
    words
}

/// The name other files import a module by: `aws` for `app/aws.py`, `app` for `app/__init__.py`.
fn module_name(display: &str) -> &str {
    let path = display.strip_suffix(".py").unwrap_or(display);
    let path = path.strip_suffix("/__init__").unwrap_or(path);
    path.rsplit('/').next().unwrap_or(path)
}

fn input_of(candidate: &Candidate) -> FileInput {
    FileInput { display: candidate.display.clone(), kind: candidate.kind, path: Some(candidate.path.clone()) }
}
