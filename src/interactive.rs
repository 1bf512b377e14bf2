//! `apply --interactive`: each fix is shown as a hunk on the terminal and applied only
//! when the person answers `y` (this one), `a` (this one and all the rest), not with `n`
//! (skip it); `q` stops: the files whose every question was answered are written, the
//! one being asked and the rest stay as they are.
//!
//! A question is one group of fixes that stand or fall together: the findings that
//! share one fix's edits (a file's single unit rewrite) are one group, and a fix that
//! needs an import carries that import's edit itself, so no answer can leave code that
//! does not parse or lacks its import. The pipeline asks once per fix pass; a fix that
//! overlaps one accepted in the same pass is asked in the next pass, against the text
//! that pass sees, and a group declined once is not asked again.
//!
//! Fixes in other files rely on what the storage module defines (the bucket constant,
//! the Supabase client, the helpers translated calls use), and a declined module fix
//! would leave them pointing at nothing. So the storage module is asked first, and a
//! fix elsewhere that brings in a name only the declined part of the module's fixes
//! would define is not asked: a line says so, and it stays a finding.

use std::collections::BTreeSet;
use std::io::{BufRead, Write};
use std::sync::Mutex;

use ruff_python_ast::Stmt;
use ruff_text_size::TextRange;

use crate::finding::Finding;
use crate::fix::apply::apply_fixes;
use crate::fix::edit::Applicability;
use crate::report::text::escape_control;
use crate::rule::RuleId;

/// The reason a file not written because the person stopped (`q`) is skipped.
pub const STOPPED_REASON: &str = "not written: the interactive run was stopped (q) before this file was answered";

/// The findings (rule and range in the current text) whose fixes were declined in a file.
pub type Declined = Vec<(RuleId, TextRange)>;

/// What one pass of a file is to apply.
pub enum Choice {
    /// Apply these findings' fixes (the accepted groups).
    Apply(Vec<Finding>),
    /// The person stopped: leave this file and every later one unwritten.
    Stop,
}

/// The terminal the questions go to and the answers come from.
pub struct Prompter {
    state: Mutex<State>,
}

struct State {
    answers: Box<dyn BufRead + Send>,
    screen: Box<dyn Write + Send>,
    /// `a` was answered: every later fix applies without a question.
    all: bool,
    /// `q` was answered (or the answers ended).
    stopped: bool,
    /// The storage module, asked first; its line saying so is shown before its first question.
    storage: Option<Storage>,
}

struct Storage {
    display: String,
    introduced: bool,
    /// The names its fixes would define that it does not as written (declined fixes).
    withheld: BTreeSet<String>,
}

enum Answer {
    Yes,
    No,
    All,
    Quit,
}

impl Prompter {
    pub fn new(answers: Box<dyn BufRead + Send>, screen: Box<dyn Write + Send>) -> Prompter {
        Prompter { state: Mutex::new(State { answers, screen, all: false, stopped: false, storage: None }) }
    }

    /// The storage module `display` is asked before every other file.
    pub fn storage_first(&self, display: &str) {
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        state.storage = Some(Storage { display: display.to_owned(), introduced: false, withheld: BTreeSet::new() });
    }

    /// The storage module has been answered: `withheld` are the names its declined fixes
    /// would have defined; a later fix that brings one in is not asked.
    pub fn withhold(&self, withheld: BTreeSet<String>) {
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(storage) = state.storage.as_mut() {
            storage.withheld = withheld;
        }
    }

    /// Ask about each group of `findings`' fixes that applies at `level` to `text` (the
    /// file `display` as this pass sees it), in the order `apply_fixes` applies them.
    /// Only `python` code refers to the storage module's names.
    pub fn choose(&self, display: &str, python: bool, text: &str, findings: &[Finding], level: Applicability, declined: &mut Declined) -> Choice {
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut accepted: Vec<Finding> = Vec::new();
        let mut base = text.to_owned();
        for group in groups(findings, level) {
            if group.iter().any(|finding| declined.contains(&(finding.rule, finding.range))) {
                continue;
            }
            let with: Vec<Finding> = accepted.iter().chain(group.iter().copied()).cloned().collect();
            let after = apply_fixes(text, &with, level).text;
            // Overlapping one accepted in this pass (asked in the next), or a twin of it.
            if after == base {
                continue;
            }
            if state.stopped {
                return Choice::Stop;
            }
            if let Some((name, module)) = python.then(|| state.withheld_in(text, group[0])).flatten() {
                let title = group[0].fix.as_ref().map_or("", |fix| fix.title.as_str());
                let line = format!("{display}: not asked: {}: {title}: it needs `{name}`, which {module} defines only with its declined fix", group[0].rule.as_str());
                let _ = writeln!(state.screen, "\n{}", escape_control(&line));
                declined.extend(group.iter().map(|finding| (finding.rule, finding.range)));
                continue;
            }
            let answer = if state.all { Answer::All } else { state.ask(display, group[0], &base, &after) };
            match answer {
                Answer::Yes | Answer::All => {
                    state.all |= matches!(answer, Answer::All);
                    accepted = with;
                    base = after;
                }
                Answer::No => declined.extend(group.iter().map(|finding| (finding.rule, finding.range))),
                Answer::Quit => {
                    state.stopped = true;
                    return Choice::Stop;
                }
            }
        }
        Choice::Apply(accepted)
    }
}

impl State {
    /// The first name `finding`'s fix brings into `text` that the storage module lacks
    /// because its fix was declined, and the module's path.
    fn withheld_in(&self, text: &str, finding: &Finding) -> Option<(String, String)> {
        let storage = self.storage.as_ref().filter(|storage| !storage.withheld.is_empty())?;
        let fix = finding.fix.as_ref()?;
        fix.edits.iter().find_map(|edit| {
            let replaced: BTreeSet<&str> = identifiers(text.get(edit.range.start().to_usize()..edit.range.end().to_usize()).unwrap_or_default()).collect();
            let name = identifiers(&edit.content).find(|name| !replaced.contains(name) && storage.withheld.contains(*name))?;
            Some((name.to_owned(), storage.display.clone()))
        })
    }

    /// Show the hunk that `group`'s fix makes of `before`, and read the answer.
    fn ask(&mut self, display: &str, finding: &Finding, before: &str, after: &str) -> Answer {
        let title = finding.fix.as_ref().map_or("", |fix| fix.title.as_str());
        if let Some(storage) = self.storage.as_mut().filter(|storage| storage.display == display && !storage.introduced) {
            storage.introduced = true;
            let _ = write!(self.screen, "\n{display} comes first: the fixes in the other files rely on what the storage module defines\n");
        }
        let shown = write_question(&mut *self.screen, display, finding.rule, title, before, after);
        if shown.is_err() {
            return Answer::Quit;
        }
        loop {
            let _ = write!(self.screen, "Apply this fix? [y,n,a,q] ");
            let _ = self.screen.flush();
            let mut line = String::new();
            // The end of the answers (or a Ctrl-C once writing began) stops the run.
            let read = self.answers.read_line(&mut line);
            if matches!(read, Ok(0) | Err(_)) || crate::interrupt::interrupted() {
                let _ = writeln!(self.screen);
                return Answer::Quit;
            }
            match line.trim().to_ascii_lowercase().as_str() {
                "y" | "yes" => return Answer::Yes,
                "n" | "no" => return Answer::No,
                "a" | "all" => return Answer::All,
                "q" | "quit" => return Answer::Quit,
                _ => {
                    let _ = writeln!(self.screen, "y: apply this fix, n: skip it, a: apply this one and all the rest, q: stop (answered files are written)");
                }
            }
        }
    }
}

/// The hunk with its file header, the rule and the fix's title.
fn write_question(screen: &mut dyn Write, display: &str, rule: RuleId, title: &str, before: &str, after: &str) -> std::io::Result<()> {
    writeln!(screen)?;
    crate::report::diff::write_file_diff(screen, display, shown(before).as_bytes(), shown(after).as_bytes(), false)?;
    writeln!(screen, "{}: {}", rule.as_str(), escape_control(title))
}

/// The text as the terminal may show it: control characters spelled out, except the
/// line breaks (a CRLF shows as a plain line end).
fn shown(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| {
            let content = line.strip_suffix('\n').map_or(line, |content| content.strip_suffix('\r').unwrap_or(content));
            let end = if line.ends_with('\n') { "\n" } else { "" };
            format!("{}{end}", escape_control(content))
        })
        .collect()
}

/// The names `full` (the storage module with all its fixes) defines at module level that
/// `written` (as the answers left it) does not.
pub fn withheld_names(full: &str, written: &str) -> BTreeSet<String> {
    let written = module_names(written);
    module_names(full).into_iter().filter(|name| !written.contains(name)).collect()
}

/// The names a module binds at its top level (also inside `if`/`try`/`with` there);
/// none for text that does not parse.
fn module_names(text: &str) -> BTreeSet<String> {
    fn bind(stmts: &[Stmt], names: &mut BTreeSet<String>) {
        for stmt in stmts {
            match stmt {
                Stmt::FunctionDef(def) => {
                    names.insert(def.name.to_string());
                }
                Stmt::ClassDef(class) => {
                    names.insert(class.name.to_string());
                }
                Stmt::Assign(assign) => assign.targets.iter().for_each(|target| targets(target, names)),
                Stmt::AnnAssign(assign) => targets(&assign.target, names),
                Stmt::Import(import) => names.extend(import.names.iter().map(|alias| {
                    alias.asname.as_ref().map_or_else(|| alias.name.split('.').next().unwrap_or_default().to_owned(), ToString::to_string)
                })),
                Stmt::ImportFrom(import) => names.extend(import.names.iter().map(|alias| alias.asname.as_ref().unwrap_or(&alias.name).to_string())),
                Stmt::If(branch) => {
                    bind(&branch.body, names);
                    branch.elif_else_clauses.iter().for_each(|clause| bind(&clause.body, names));
                }
                Stmt::Try(block) => {
                    bind(&block.body, names);
                    for ruff_python_ast::ExceptHandler::ExceptHandler(handler) in &block.handlers {
                        bind(&handler.body, names);
                    }
                    bind(&block.orelse, names);
                    bind(&block.finalbody, names);
                }
                Stmt::With(with) => bind(&with.body, names),
                _ => {}
            }
        }
    }
    fn targets(target: &ruff_python_ast::Expr, names: &mut BTreeSet<String>) {
        match target {
            ruff_python_ast::Expr::Name(name) => {
                names.insert(name.id.to_string());
            }
            ruff_python_ast::Expr::Tuple(tuple) => tuple.elts.iter().for_each(|element| targets(element, names)),
            ruff_python_ast::Expr::List(list) => list.elts.iter().for_each(|element| targets(element, names)),
            _ => {}
        }
    }
    let mut names = BTreeSet::new();
    if let Ok(parsed) = crate::source::parse_python(text) {
        bind(&parsed.syntax().body, &mut names);
    }
    names
}

/// The identifier-like words of `text` (a name, also inside a string or comment).
fn identifiers(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|word| word.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_'))
}

/// The findings whose fixes apply at `level`, one group per fix (findings sharing a
/// fix's edits are one), in the order `apply_fixes` applies them.
fn groups(findings: &[Finding], level: Applicability) -> Vec<Vec<&Finding>> {
    let mut groups: Vec<Vec<&Finding>> = Vec::new();
    let mut index: std::collections::HashMap<*const crate::fix::edit::Edit, usize> = std::collections::HashMap::new();
    for finding in findings {
        let Some(fix) = finding.fix.as_ref().filter(|fix| fix.applicability >= level && fix.applicability > Applicability::DisplayOnly) else {
            continue;
        };
        match index.get(&fix.edits.as_ptr()) {
            Some(&at) => groups[at].push(finding),
            None => {
                index.insert(fix.edits.as_ptr(), groups.len());
                groups.push(vec![finding]);
            }
        }
    }
    let key = |group: &Vec<&Finding>| group[0].fix.as_ref().map(|fix| (fix.min_start(), fix.edits.clone()));
    groups.sort_by_key(key);
    groups
}

#[cfg(test)]
mod tests {
    use ruff_text_size::TextSize;

    use super::*;
    use crate::fix::edit::{Edit, Fix};
    use crate::rule::Severity;

    fn finding(rule: RuleId, start: u32, end: u32, fix: &Fix) -> Finding {
        Finding { rule, severity: Severity::Error, range: TextRange::new(TextSize::new(start), TextSize::new(end)), message: String::new(), fix: Some(fix.clone()) }
    }

    fn prompter(answers: &str) -> (Prompter, std::sync::Arc<Mutex<Vec<u8>>>) {
        struct Screen(std::sync::Arc<Mutex<Vec<u8>>>);
        impl Write for Screen {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let screen = std::sync::Arc::new(Mutex::new(Vec::new()));
        let answers: Box<dyn BufRead + Send> = Box::new(std::io::Cursor::new(answers.as_bytes().to_vec()));
        (Prompter::new(answers, Box::new(Screen(std::sync::Arc::clone(&screen)))), screen)
    }

    #[test]
    fn findings_sharing_one_fix_are_one_question() {
        let text = "a = 'b'\nc = 'b'\n";
        let unit = Fix::safe("one rewrite", vec![Edit::replace(TextRange::new(TextSize::new(4), TextSize::new(7)), "X"), Edit::replace(TextRange::new(TextSize::new(12), TextSize::new(15)), "X")]);
        let findings = [finding(RuleId::ClientError, 4, 7, &unit), finding(RuleId::ClientError, 12, 15, &unit)];
        let (prompter, screen) = prompter("y\n");
        let mut declined = Declined::new();
        let Choice::Apply(accepted) = prompter.choose("m.py", true, text, &findings, Applicability::Safe, &mut declined) else { panic!("stopped") };
        assert_eq!(apply_fixes(text, &accepted, Applicability::Safe).text, "a = X\nc = X\n");
        let screen = String::from_utf8(screen.lock().unwrap().clone()).unwrap();
        assert_eq!(screen, "\n--- a/m.py\n+++ b/m.py\n@@ -1,2 +1,2 @@\n-a = 'b'\n-c = 'b'\n+a = X\n+c = X\nclient-error: one rewrite\nApply this fix? [y,n,a,q] ");
    }

    #[test]
    fn a_declined_fix_is_not_asked_again_and_other_answers_repeat_the_question() {
        let text = "a = 'b'\n";
        let fix = Fix::safe("constant", vec![Edit::replace(TextRange::new(TextSize::new(4), TextSize::new(7)), "X")]);
        let findings = [finding(RuleId::HardcodedBucket, 4, 7, &fix)];
        let (prompter, screen) = prompter("maybe\nn\n");
        let mut declined = Declined::new();
        assert!(matches!(prompter.choose("m.py", true, text, &findings, Applicability::Safe, &mut declined), Choice::Apply(accepted) if accepted.is_empty()));
        assert_eq!(declined, [(RuleId::HardcodedBucket, findings[0].range)]);
        assert!(String::from_utf8(screen.lock().unwrap().clone()).unwrap().ends_with("Apply this fix? [y,n,a,q] y: apply this fix, n: skip it, a: apply this one and all the rest, q: stop (answered files are written)\nApply this fix? [y,n,a,q] "));
        // Asked again in the next pass: not asked, nothing applies, nothing is read.
        assert!(matches!(prompter.choose("m.py", true, text, &findings, Applicability::Safe, &mut declined), Choice::Apply(accepted) if accepted.is_empty()));
    }

    #[test]
    fn withheld_names_are_what_only_the_declined_fixes_define() {
        let full = "import os\nfrom supabase import create_client\n\nA = 1\nSUPABASE_BUCKET_NAME = os.getenv('X')\nif A:\n    storage, other = 1, 2\n\ndef _copy_object(a):\n    local = a\n";
        let written = "import os\n\nA = 1\n";
        let names: Vec<String> = withheld_names(full, written).into_iter().collect();
        assert_eq!(names, ["SUPABASE_BUCKET_NAME", "_copy_object", "create_client", "other", "storage"]);
        assert!(withheld_names(full, full).is_empty());
        assert!(withheld_names("def (", written).is_empty());
        assert_eq!(identifiers("s3_utils.X(\"a-b\", 2x)").collect::<Vec<_>>(), ["s3_utils", "X", "a", "b"]);
    }
}
