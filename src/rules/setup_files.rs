//! Project setup files: the `requirements` rule (requirements*.txt and the
//! `[project]` dependencies of a pyproject.toml gain the Supabase client) and the
//! `env-example` rule (the environment example gains the Supabase variables).
//!
//! Every change is a text edit of the lines concerned; nothing is re-serialized, so
//! comments, order, markers, blank lines and line endings stay as they were.

use ruff_text_size::{TextRange, TextSize};
use serde::Deserialize;
use toml::Spanned;

use crate::discover::FileKind;
use crate::finding::Finding;
use crate::fix::edit::{Edit, Fix};
use crate::rule::RuleId;
use crate::rules::SetupContext;



pub fn check(ctx: &SetupContext) -> Vec<Finding> {
    let finding = match ctx.file.kind {
        FileKind::Requirements => check_requirements(ctx),
        FileKind::Pyproject => check_pyproject(ctx),
        FileKind::EnvExample => check_env_example(ctx),
        FileKind::Python => None,
    };
    finding.into_iter().collect()
}

fn size(offset: usize) -> TextSize {
    TextSize::try_from(offset).unwrap_or_default()
}

fn range(start: usize, end: usize) -> TextRange {
    TextRange::new(size(start), size(end))
}

/// The last path segment of the displayed path, for messages.
fn file_name(display: &str) -> &str {
    display.rsplit(['/', '\\']).next().unwrap_or(display)
}

// ---------------------------------------------------------------------------
// Requirement names

/// The PEP 503 normalized form: lowercase, runs of `-`, `_`, `.` become one `-`.
fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_separator = false;
    for ch in name.chars() {
        if matches!(ch, '-' | '_' | '.') {
            if !in_separator {
                out.push('-');
            }
            in_separator = true;
        } else {
            out.push(ch.to_ascii_lowercase());
            in_separator = false;
        }
    }
    out
}

/// The normalized distribution name a PEP 508 requirement starts with, if it is one:
/// `Supabase[x]>=2; python_version>"3"` gives `supabase`; `https://...` or `./pkg` none.
fn requirement_name(requirement: &str) -> Option<String> {
    let text = requirement.trim_start();
    let end = text
        .find(|ch: char| !(ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '.')))
        .unwrap_or(text.len());
    let name = &text[..end];
    let alnum_ends = name.chars().next().is_some_and(|ch| ch.is_ascii_alphanumeric())
        && name.chars().last().is_some_and(|ch| ch.is_ascii_alphanumeric());
    let rest = &text[end..];
    let follows = rest.is_empty() || rest.starts_with(|ch: char| ch.is_whitespace() || "[(;<>=!~@,#".contains(ch));
    (alnum_ends && follows).then(|| normalize(name))
}

/// `boto3` or `botocore`, when `name` (normalized) is one of them.
fn boto_name(name: &str) -> Option<&'static str> {
    match name {
        "boto3" => Some("boto3"),
        "botocore" => Some("botocore"),
        _ => None,
    }
}

/// The distribution the configured requirement installs (`supabase`).
fn target_name(requirement: &str) -> String {
    requirement_name(requirement).unwrap_or_else(|| "supabase".to_owned())
}

/// "boto3", "botocore" or "boto3 and botocore", in that order.
fn listed(names: &[&'static str]) -> String {
    let has = |wanted: &str| names.contains(&wanted);
    match (has("boto3"), has("botocore")) {
        (true, true) => "boto3 and botocore".to_owned(),
        (false, true) => "botocore".to_owned(),
        _ => "boto3".to_owned(),
    }
}

// ---------------------------------------------------------------------------
// requirements*.txt

/// One physical line: `start..content_end` is its text, `content_end..end` its line ending.
#[derive(Clone, Copy, Debug)]
struct PhysicalLine {
    start: usize,
    content_end: usize,
    end: usize,
}

fn physical_lines(text: &str) -> Vec<PhysicalLine> {
    let mut lines = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        lines.push(PhysicalLine { start, content_end: start + content.len(), end: start + line.len() });
        start += line.len();
    }
    lines
}

/// Where pip's comment starts: a `#` at the start of the line or after whitespace.
fn comment_start(line: &str) -> Option<usize> {
    line.char_indices()
        .find(|&(at, ch)| ch == '#' && (at == 0 || line[..at].ends_with(char::is_whitespace)))
        .map(|(at, _)| at)
}

/// A logical line of a requirements file: physical lines `first..=last` joined by `\`
/// continuations, as pip joins them (a line with a comment does not continue).
#[derive(Debug)]
struct LogicalLine {
    first: usize,
    last: usize,
    /// The text with continuations joined and the comment removed, trimmed.
    content: String,
}

fn logical_lines(text: &str, lines: &[PhysicalLine]) -> Vec<LogicalLine> {
    let mut logical = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let first = index;
        let mut content = String::new();
        loop {
            let line = &text[lines[index].start..lines[index].content_end];
            let continues = line.ends_with('\\') && comment_start(line).is_none() && index + 1 < lines.len();
            if continues {
                content.push_str(&line[..line.len() - 1]);
                index += 1;
                continue;
            }
            content.push_str(&line[..comment_start(line).unwrap_or(line.len())]);
            break;
        }
        logical.push(LogicalLine { first, last: index, content: content.trim().to_owned() });
        index += 1;
    }
    logical
}

/// A requirement line's normalized name; `None` for blank, comment and option lines
/// (`-r`, `-c`, `-e`, `--index-url`, ...).
fn logical_name(line: &LogicalLine) -> Option<String> {
    if line.content.is_empty() || line.content.starts_with('-') {
        return None;
    }
    requirement_name(&line.content)
}

/// Hash-checking mode: pip then rejects a requirement without `--hash`.
fn uses_hashes(lines: &[LogicalLine]) -> bool {
    lines.iter().any(|line| {
        line.content.split_whitespace().any(|word| word.starts_with("--hash") || word == "--require-hashes")
    })
}

/// Deletions of the given logical lines (sorted indices), their line endings
/// included, consecutive lines as one range; a run at the end of a file without a
/// final newline takes the preceding line ending instead, so the file still has none.
fn line_deletions(lines: &[PhysicalLine], logical: &[LogicalLine], doomed: &[usize]) -> Vec<Edit> {
    let mut edits = Vec::new();
    let mut index = 0;
    while index < doomed.len() {
        let run_first = doomed[index];
        let mut run_last = run_first;
        while index + 1 < doomed.len() && doomed[index + 1] == run_last + 1 {
            index += 1;
            run_last = doomed[index];
        }
        index += 1;
        let first = lines[logical[run_first].first];
        let last = lines[logical[run_last].last];
        let deletion = if last.end > last.content_end {
            range(first.start, last.end)
        } else if logical[run_first].first > 0 {
            range(lines[logical[run_first].first - 1].content_end, last.content_end)
        } else {
            range(first.start, last.content_end)
        };
        edits.push(Edit::delete(deletion));
    }
    edits
}

/// Keep the edits (sorted by start) that do not overlap one kept before; the rest
/// wait for the next pass of the fix loop.
fn without_overlaps(mut edits: Vec<Edit>) -> Vec<Edit> {
    edits.sort();
    let mut kept: Vec<Edit> = Vec::new();
    for edit in edits {
        if kept.last().is_none_or(|last| edit.start() >= last.end()) {
            kept.push(edit);
        }
    }
    kept
}

fn check_requirements(ctx: &SetupContext) -> Option<Finding> {
    let text = &ctx.file.text;
    let setup = &ctx.config.setup;
    let requirement = setup.requirement.trim();
    let target = target_name(requirement);
    let lines = physical_lines(text);
    let logical = logical_lines(text, &lines);
    let names: Vec<Option<String>> = logical.iter().map(logical_name).collect();
    let boto: Vec<(usize, &'static str)> = names
        .iter()
        .enumerate()
        .filter_map(|(index, name)| Some((index, boto_name(name.as_deref()?)?)))
        .collect();
    let (anchor, _) = *boto.iter().find(|(_, name)| *name == "boto3").or(boto.first())?;
    let has_target = names.iter().any(|name| name.as_deref() == Some(target.as_str()));
    if has_target && !setup.remove_boto3 {
        return None;
    }
    let anchor_line = &logical[anchor];
    let anchor_range = range(lines[anchor_line.first].start, lines[anchor_line.last].content_end);
    let file = file_name(&ctx.file.display);
    let found = listed(&boto.iter().map(|(_, name)| *name).collect::<Vec<_>>());
    let rule = RuleId::Requirements;
    if uses_hashes(&logical) {
        let message = if has_target {
            format!("{file} still lists {found} (setup.remove_boto3 = true); the file pins --hash values, so remove them and re-lock by hand")
        } else {
            format!("{file} lists {found} but not {target}; the file pins --hash values, so add {requirement} with its hashes by hand (e.g. pip-compile --generate-hashes)")
        };
        return Some(Finding { rule, severity: rule.default_severity(), range: anchor_range, message, fix: None });
    }

    let mut edits = Vec::new();
    let (message, title) = if has_target {
        let doomed: Vec<usize> = boto.iter().map(|(index, _)| *index).collect();
        edits.extend(line_deletions(&lines, &logical, &doomed));
        (
            format!("{file} still lists {found}; remove it (setup.remove_boto3 = true)"),
            format!("Remove {found}"),
        )
    } else if setup.remove_boto3 {
        edits.push(Edit::replace(anchor_range, requirement));
        let doomed: Vec<usize> = boto.iter().map(|(index, _)| *index).filter(|index| *index != anchor).collect();
        edits.extend(line_deletions(&lines, &logical, &doomed));
        edits = without_overlaps(edits);
        (
            format!("{file} lists {found} but not {target}; replace it with {requirement} (setup.remove_boto3 = true)"),
            format!("Replace {found} with {requirement}"),
        )
    } else {
        let last = lines[anchor_line.last];
        let edit = if last.end > last.content_end {
            // The anchor line's own ending: the same as the file's unless it mixes them.
            Edit::insert(size(last.end), format!("{requirement}{}", &text[last.content_end..last.end]))
        } else {
            Edit::insert(size(last.content_end), format!("{}{requirement}", ctx.file.encoding.newline))
        };
        edits.push(edit);
        (format!("{file} lists {found} but not {target}; add {requirement}"), format!("Add {requirement}"))
    };
    Some(Finding {
        rule,
        severity: rule.default_severity(),
        range: anchor_range,
        message,
        fix: Some(Fix::safe(title, edits)),
    })
}

// ---------------------------------------------------------------------------
// pyproject.toml

#[derive(Deserialize)]
struct PyProject {
    project: Option<Project>,
}

#[derive(Deserialize)]
struct Project {
    dependencies: Option<Spanned<Vec<Spanned<String>>>>,
}

/// Skip whitespace, newlines and comments from `at`; returns where the next token starts.
fn skip_trivia(text: &str, mut at: usize) -> usize {
    let bytes = text.as_bytes();
    while at < bytes.len() {
        match bytes[at] {
            b' ' | b'\t' | b'\r' | b'\n' => at += 1,
            b'#' => at = text[at..].find('\n').map_or(text.len(), |nl| at + nl),
            _ => break,
        }
    }
    at
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |nl| nl + 1)
}

/// End of the line's content (before `\r\n` or `\n`).
fn line_content_end(text: &str, at: usize) -> usize {
    let end = text[at..].find('\n').map_or(text.len(), |nl| at + nl);
    if text[..end].ends_with('\r') {
        end - 1
    } else {
        end
    }
}

/// The offset of the comma after the element ending at `end`, if any.
fn comma_after(text: &str, end: usize) -> Option<usize> {
    let next = skip_trivia(text, end);
    (text.as_bytes().get(next) == Some(&b',')).then_some(next)
}

/// `value` as a TOML string in the quote style of `like` (literal when possible).
fn toml_string(value: &str, like: &str) -> String {
    if like.starts_with('\'') && !like.starts_with("'''") && !value.contains(['\'', '\n', '\r']) {
        return format!("'{value}'");
    }
    let mut out = String::from("\"");
    for ch in value.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            _ => out.push(ch),
        }
    }
    out.push('"');
    out
}

/// True when nothing but whitespace, a comma and a comment follows `end` on its line.
fn rest_of_line_is_trivia(text: &str, end: usize) -> bool {
    let rest = text[end..line_content_end(text, end)].trim_start();
    let rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
    rest.is_empty() || rest.starts_with('#')
}

/// Removing one array element: its whole line when it stands alone on it, else the
/// element with its comma (or the preceding comma when it is the last one).
fn element_deletion(text: &str, elements: &[TextRangeUsize], index: usize) -> TextRange {
    let (start, end) = elements[index];
    let alone = text[line_start(text, start)..start].trim().is_empty() && rest_of_line_is_trivia(text, end);
    if alone {
        let content_end = line_content_end(text, end);
        let line_end = if content_end < text.len() {
            text[content_end..].find('\n').map_or(text.len(), |nl| content_end + nl + 1)
        } else {
            text.len()
        };
        return range(line_start(text, start), line_end);
    }
    if let Some(comma) = comma_after(text, end) {
        let after = comma + 1;
        let next = after + text[after..].len() - text[after..].trim_start_matches([' ', '\t']).len();
        return range(start, next);
    }
    match index.checked_sub(1).map(|prev| elements[prev]) {
        Some((_, prev_end)) => range(comma_after(text, prev_end).unwrap_or(prev_end), end),
        None => range(start, end),
    }
}

type TextRangeUsize = (usize, usize);

fn check_pyproject(ctx: &SetupContext) -> Option<Finding> {
    let text = &ctx.file.text;
    let setup = &ctx.config.setup;
    let requirement = setup.requirement.trim();
    let target = target_name(requirement);
    let document: PyProject = toml::from_str(text).ok()?;
    let dependencies = document.project?.dependencies?;
    let array = dependencies.span();
    let elements: Vec<(String, TextRangeUsize)> = dependencies
        .into_inner()
        .into_iter()
        .map(|element| {
            let span = element.span();
            (element.into_inner(), (span.start, span.end))
        })
        .collect();
    let names: Vec<Option<String>> = elements.iter().map(|(value, _)| requirement_name(value)).collect();
    let boto: Vec<(usize, &'static str)> = names
        .iter()
        .enumerate()
        .filter_map(|(index, name)| Some((index, boto_name(name.as_deref()?)?)))
        .collect();
    let (anchor, _) = *boto.iter().find(|(_, name)| *name == "boto3").or(boto.first())?;
    let has_target = names.iter().any(|name| name.as_deref() == Some(target.as_str()));
    if has_target && !setup.remove_boto3 {
        return None;
    }
    let spans: Vec<TextRangeUsize> = elements.iter().map(|(_, span)| *span).collect();
    let (anchor_start, anchor_end) = spans[anchor];
    let entry = toml_string(requirement, &text[anchor_start..anchor_end]);
    let found = listed(&boto.iter().map(|(_, name)| *name).collect::<Vec<_>>());
    let file = file_name(&ctx.file.display);

    let mut edits = Vec::new();
    let (message, title) = if has_target {
        // Deletions of neighbours can overlap; what is left goes on the next pass.
        edits = without_overlaps(
            boto.iter().map(|(index, _)| Edit::delete(element_deletion(text, &spans, *index))).collect(),
        );
        (
            format!("{file} still lists {found} in [project] dependencies; remove it (setup.remove_boto3 = true)"),
            format!("Remove {found}"),
        )
    } else if setup.remove_boto3 {
        edits.push(Edit::replace(range(anchor_start, anchor_end), entry.clone()));
        for (index, _) in boto.iter().filter(|(index, _)| *index != anchor) {
            edits.push(Edit::delete(element_deletion(text, &spans, *index)));
        }
        edits = without_overlaps(edits);
        (
            format!("{file} lists {found} in [project] dependencies but not {target}; replace it with {entry} (setup.remove_boto3 = true)"),
            format!("Replace {found} with {requirement}"),
        )
    } else {
        let comma = comma_after(text, anchor_end);
        let comma_on_line = comma.is_none_or(|comma| comma < line_content_end(text, anchor_end));
        let own_line = comma_on_line && rest_of_line_is_trivia(text, anchor_end) && {
            // The next element (or `]`) starts on a later line: one entry per line.
            let next = skip_trivia(text, comma.map_or(anchor_end, |comma| comma + 1));
            text[anchor_end..next].contains('\n')
        };
        if own_line {
            let before = &text[line_start(text, anchor_start)..anchor_start];
            let indent = if before.trim().is_empty() {
                before.to_owned()
            } else {
                " ".repeat(before.chars().count())
            };
            let newline = ctx.file.encoding.newline;
            let content_end = line_content_end(text, anchor_end);
            match comma {
                Some(_) => edits.push(Edit::insert(size(content_end), format!("{newline}{indent}{entry},"))),
                // Two inserts at one offset would be ordered by content: make them one.
                None if content_end == anchor_end => {
                    edits.push(Edit::insert(size(anchor_end), format!(",{newline}{indent}{entry}")));
                }
                None => {
                    edits.push(Edit::insert(size(anchor_end), ","));
                    edits.push(Edit::insert(size(content_end), format!("{newline}{indent}{entry}")));
                }
            }
        } else {
            match comma {
                Some(comma) => {
                    let after = &text[comma + 1..];
                    let gap = &after[..after.len() - after.trim_start_matches([' ', '\t']).len()];
                    let next_is_close = after.trim_start().starts_with(']');
                    let separator = if gap.is_empty() && !next_is_close { "" } else { " " };
                    edits.push(Edit::insert(size(comma + 1), format!("{separator}{entry},")));
                }
                None => edits.push(Edit::insert(size(anchor_end), format!(", {entry}"))),
            }
        }
        (
            format!("{file} lists {found} in [project] dependencies but not {target}; add {entry}"),
            format!("Add {requirement}"),
        )
    };
    let rule = RuleId::Requirements;
    Some(Finding {
        rule,
        severity: rule.default_severity(),
        range: range(array.start, array.end),
        message,
        fix: Some(Fix::safe(title, edits)),
    })
}

// ---------------------------------------------------------------------------
// .env.example

/// Whether a line assigns `key`: `KEY=...` or `export KEY=...`, leading blanks allowed.
fn assigns(line: &str, key: &str) -> bool {
    let line = line.trim_start();
    let line = match line.strip_prefix("export") {
        Some(rest) if rest.starts_with([' ', '\t']) => rest.trim_start(),
        _ => line,
    };
    line.strip_prefix(key).is_some_and(|rest| rest.trim_start_matches([' ', '\t']).starts_with('='))
}

fn check_env_example(ctx: &SetupContext) -> Option<Finding> {
    let text = &ctx.file.text;
    let config = ctx.config;
    let mut wanted: Vec<(&str, String, &str)> = vec![
        (config.client.url_env.as_str(), "Supabase project URL (Project Settings > API)".to_owned(), "https://your-project-ref.supabase.co"),
        (config.client.key_env.as_str(), "Service role key: server-side only, it bypasses Row Level Security".to_owned(), "your-service-role-key"),
    ];
    // One variable per bucket constant (a single bucket keeps the one line it always had).
    for constant in &config.bucket_constants {
        let comment = if config.bucket_constants.len() == 1 {
            "Storage bucket (create it in the Supabase dashboard first)".to_owned()
        } else {
            format!("Storage bucket for \"{}\" (create it in the Supabase dashboard first)", constant.default)
        };
        wanted.push((constant.env_var.as_str(), comment, constant.default.as_str()));
    }
    let mut missing: Vec<_> = Vec::new();
    for entry in wanted {
        let present = text.lines().any(|line| assigns(line, entry.0));
        if !present && !missing.iter().any(|(key, _, _)| *key == entry.0) {
            missing.push(entry);
        }
    }
    if missing.is_empty() {
        return None;
    }
    let newline = ctx.file.encoding.newline;
    let mut block = String::new();
    if !text.is_empty() {
        // The last line: the one the final line ending closes, or the unterminated tail.
        let last_line = match text.strip_suffix('\n') {
            Some(body) => body.rsplit('\n').next().unwrap_or_default(),
            None => {
                block.push_str(newline);
                text.rsplit('\n').next().unwrap_or_default()
            }
        };
        if !last_line.trim().is_empty() {
            block.push_str(newline);
        }
    }
    block.push_str("# Supabase Storage");
    block.push_str(newline);
    for (key, comment, value) in &missing {
        block.push_str(&format!("# {comment}{newline}{key}={value}{newline}"));
    }
    let keys: Vec<&str> = missing.iter().map(|(key, _, _)| *key).collect();
    let file = file_name(&ctx.file.display);
    let rule = RuleId::EnvExample;
    Some(Finding {
        rule,
        severity: rule.default_severity(),
        range: TextRange::empty(TextSize::default()),
        message: format!(
            "{file} does not list {}; add {} for Supabase Storage",
            keys.join(", "),
            if keys.len() == 1 { "it" } else { "them" }
        ),
        fix: Some(Fix::safe(format!("Add {}", keys.join(", ")), vec![Edit::insert(size(text.len()), block)])),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::fix::apply::apply_fixes;
    use crate::fix::edit::Applicability;
    use crate::source::SourceFile;

    fn config(remove_boto3: bool) -> Config {
        let mut config = Config::defaults();
        config.setup.remove_boto3 = remove_boto3;
        config
    }

    fn findings(config: &Config, kind: FileKind, name: &str, text: &str) -> Vec<Finding> {
        let file = SourceFile::decode(name.to_owned(), kind, text.as_bytes()).unwrap();
        check(&SetupContext { config, file: &file })
    }

    /// Apply the safe fixes until none applies, as the pipeline does; checks that the
    /// result has no findings left (idempotence) and, for a pyproject, still parses.
    fn fixed_with(config: &Config, kind: FileKind, name: &str, text: &str) -> String {
        let mut current = text.to_owned();
        for _ in 0..5 {
            let found = findings(config, kind, name, &current);
            let applied = apply_fixes(&current, &found, Applicability::Safe);
            if applied.fixed.is_empty() {
                assert!(found.iter().all(|finding| finding.fix.is_none()), "{found:?}");
                if kind == FileKind::Pyproject {
                    current.parse::<toml::Table>().expect("valid TOML");
                }
                return current;
            }
            current = applied.text;
        }
        panic!("fixes did not settle");
    }

    fn req(text: &str) -> String {
        fixed_with(&config(false), FileKind::Requirements, "backend/requirements.txt", text)
    }

    fn req_remove(text: &str) -> String {
        fixed_with(&config(true), FileKind::Requirements, "requirements.txt", text)
    }

    fn env(text: &str) -> String {
        fixed_with(&config(false), FileKind::EnvExample, ".env.example", text)
    }

    fn pyproject(text: &str) -> String {
        fixed_with(&config(false), FileKind::Pyproject, "pyproject.toml", text)
    }

    fn pyproject_remove(text: &str) -> String {
        fixed_with(&config(true), FileKind::Pyproject, "pyproject.toml", text)
    }

    #[test]
    fn names_are_normalized_like_pip() {
        assert_eq!(requirement_name("Supabase[realtime]>=2; python_version > '3.8'").as_deref(), Some("supabase"));
        assert_eq!(requirement_name("boto3==1.34.0").as_deref(), Some("boto3"));
        assert_eq!(requirement_name("BOTO3").as_deref(), Some("boto3"));
        assert_eq!(requirement_name("supabase-py==0.0.2").as_deref(), Some("supabase-py"));
        assert_eq!(requirement_name("supabase_auth").as_deref(), Some("supabase-auth"));
        assert_eq!(requirement_name("Foo.Bar__baz").as_deref(), Some("foo-bar-baz"));
        assert_eq!(requirement_name("supabase @ https://x/y.whl").as_deref(), Some("supabase"));
        assert_eq!(requirement_name("https://x/boto3.whl"), None);
        assert_eq!(requirement_name("./vendor/boto3"), None);
    }

    #[test]
    fn adds_after_boto3_lf() {
        let before = "# Web\nflask==3.0.0\n\n# Storage (AWS S3)\nboto3==1.34.0  # sdk\nbotocore==1.34.0\n\ntyping-extensions==4.9.0; python_version < \"3.12\"\n";
        let after = "# Web\nflask==3.0.0\n\n# Storage (AWS S3)\nboto3==1.34.0  # sdk\nsupabase==2.34.1\nbotocore==1.34.0\n\ntyping-extensions==4.9.0; python_version < \"3.12\"\n";
        assert_eq!(req(before), after);
    }

    #[test]
    fn finding_is_on_the_boto3_line_with_message() {
        let text = "flask\nbotocore==1.34.0\nboto3==1.34.0 # sdk\n";
        let found = findings(&config(false), FileKind::Requirements, "backend/requirements.txt", text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule, RuleId::Requirements);
        assert_eq!(&text[found[0].range], "boto3==1.34.0 # sdk");
        assert_eq!(
            found[0].message,
            "requirements.txt lists boto3 and botocore but not supabase; add supabase==2.34.1"
        );
        assert_eq!(req(text), "flask\nbotocore==1.34.0\nboto3==1.34.0 # sdk\nsupabase==2.34.1\n");
    }

    #[test]
    fn adds_after_botocore_when_no_boto3() {
        let found = findings(&config(false), FileKind::Requirements, "requirements.txt", "botocore\nx\n");
        assert_eq!(found[0].message, "requirements.txt lists botocore but not supabase; add supabase==2.34.1");
        assert_eq!(req("botocore\nx\n"), "botocore\nsupabase==2.34.1\nx\n");
    }

    #[test]
    fn keeps_crlf() {
        assert_eq!(
            req("flask==3.0.0\r\nboto3==1.34.0\r\nnumpy\r\n"),
            "flask==3.0.0\r\nboto3==1.34.0\r\nsupabase==2.34.1\r\nnumpy\r\n"
        );
    }

    #[test]
    fn no_final_newline_stays_without_one() {
        assert_eq!(req("flask\nboto3==1.34.0"), "flask\nboto3==1.34.0\nsupabase==2.34.1");
        assert_eq!(req("flask\r\nboto3"), "flask\r\nboto3\r\nsupabase==2.34.1");
    }

    #[test]
    fn existing_supabase_is_silent() {
        for text in [
            "boto3==1.34.0\nsupabase==2.0.0\n",
            "boto3\nsupabase[realtime]>=2 ; python_version >= \"3.9\"\n",
            "boto3\nSupabase\n",
            "supabase==2 \\\n    --no-binary :all:\nboto3\n",
        ] {
            assert!(findings(&config(false), FileKind::Requirements, "requirements.txt", text).is_empty(), "{text}");
        }
    }

    #[test]
    fn look_alikes_are_not_supabase_or_boto3() {
        assert_eq!(req("boto3\nsupabase-py\nsupabase_auth\n"), "boto3\nsupabase==2.34.1\nsupabase-py\nsupabase_auth\n");
        for text in ["boto3-stubs\ntypes-boto3\naioboto3\n", "-r boto3.txt\n# boto3\n", "flask\n", ""] {
            assert!(findings(&config(false), FileKind::Requirements, "requirements.txt", text).is_empty(), "{text}");
        }
    }

    #[test]
    fn options_and_includes_are_left_alone() {
        let before = "--index-url https://pypi.org/simple\n-r base.txt\n-c constraints.txt\nBoto3[crt]>=1.34 ; sys_platform != \"win32\"\n";
        let after = "--index-url https://pypi.org/simple\n-r base.txt\n-c constraints.txt\nBoto3[crt]>=1.34 ; sys_platform != \"win32\"\nsupabase==2.34.1\n";
        assert_eq!(req(before), after);
    }

    #[test]
    fn continuation_lines_are_one_requirement() {
        let before = "boto3==1.34.0 \\\n    ; python_version >= \"3.8\"\nflask\n";
        let after = "boto3==1.34.0 \\\n    ; python_version >= \"3.8\"\nsupabase==2.34.1\nflask\n";
        assert_eq!(req(before), after);
        assert_eq!(
            req_remove("flask \\\n  ==3.0\nboto3 \\\n  ==1.34.0\nnumpy\n"),
            "flask \\\n  ==3.0\nsupabase==2.34.1\nnumpy\n"
        );
    }

    #[test]
    fn hash_pinned_file_is_reported_without_fix() {
        let text = "boto3==1.34.0 \\\n    --hash=sha256:abc\n";
        let found = findings(&config(false), FileKind::Requirements, "requirements.txt", text);
        assert_eq!(found.len(), 1);
        assert!(found[0].fix.is_none());
        assert!(found[0].message.contains("--hash"), "{}", found[0].message);
        assert_eq!(req(text), text);
    }

    #[test]
    fn remove_boto3_replaces_and_removes_only_those_lines() {
        let before = "# Storage (AWS S3)\nboto3==1.34.0  # the SDK\nbotocore==1.34.0 # core\n\nnumpy\n";
        let after = "# Storage (AWS S3)\nsupabase==2.34.1\n\nnumpy\n";
        assert_eq!(req_remove(before), after);
        let found = findings(&config(true), FileKind::Requirements, "requirements.txt", before);
        assert_eq!(
            found[0].message,
            "requirements.txt lists boto3 and botocore but not supabase; replace it with supabase==2.34.1 (setup.remove_boto3 = true)"
        );
        // botocore before boto3, CRLF, and a last line without newline
        assert_eq!(
            req_remove("botocore\r\nflask\r\nboto3==1.34.0"),
            "flask\r\nsupabase==2.34.1"
        );
        assert_eq!(req_remove("flask\nboto3\nbotocore"), "flask\nsupabase==2.34.1");
    }

    #[test]
    fn remove_boto3_with_supabase_present_only_removes() {
        let before = "supabase==2.34.1\nboto3==1.34.0 # sdk\nflask\nbotocore\n";
        let found = findings(&config(true), FileKind::Requirements, "requirements.txt", before);
        assert_eq!(found[0].message, "requirements.txt still lists boto3 and botocore; remove it (setup.remove_boto3 = true)");
        assert_eq!(req_remove(before), "supabase==2.34.1\nflask\n");
        assert_eq!(req_remove("supabase\nboto3"), "supabase");
        assert_eq!(req_remove("supabase\nboto3\nbotocore"), "supabase");
        assert_eq!(req_remove("supabase\nboto3\nbotocore\n"), "supabase\n");
        assert_eq!(req_remove("boto3\nbotocore\nsupabase\n"), "supabase\n");
        assert_eq!(req_remove("flask\nboto3\nbotocore\nboto3\n"), "flask\nsupabase==2.34.1\n");
    }

    #[test]
    fn fixture_requirements_hunk() {
        let before = "# Storage (AWS S3)\nboto3==1.34.0\nbotocore==1.34.0\n";
        assert_eq!(req(before), "# Storage (AWS S3)\nboto3==1.34.0\nsupabase==2.34.1\nbotocore==1.34.0\n");
    }

    const ENV_BLOCK: &str = "# Supabase Storage\n# Supabase project URL (Project Settings > API)\nSUPABASE_URL=https://your-project-ref.supabase.co\n# Service role key: server-side only, it bypasses Row Level Security\nSUPABASE_SERVICE_ROLE_KEY=your-service-role-key\n# Storage bucket (create it in the Supabase dashboard first)\nSUPABASE_BUCKET_NAME=anantra-lms-store\n";

    #[test]
    fn env_appends_block_after_blank_line() {
        let before = "# AWS\nAWS_ACCESS_KEY_ID=x\nAWS_REGION=ap-south-1\n";
        assert_eq!(env(before), format!("{before}\n{ENV_BLOCK}"));
        let found = findings(&config(false), FileKind::EnvExample, "backend/.env.example", before);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].range, TextRange::empty(TextSize::new(0)));
        assert_eq!(
            found[0].message,
            ".env.example does not list SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY, SUPABASE_BUCKET_NAME; add them for Supabase Storage"
        );
    }

    #[test]
    fn env_edges_no_final_newline_blank_end_empty_crlf() {
        assert_eq!(env("A=1"), format!("A=1\n\n{ENV_BLOCK}"));
        assert_eq!(env("A=1\n\n"), format!("A=1\n\n{ENV_BLOCK}"));
        assert_eq!(env(""), ENV_BLOCK);
        assert_eq!(env("A=1\r\nB=2\r\n"), format!("A=1\r\nB=2\r\n\r\n{}", ENV_BLOCK.replace('\n', "\r\n")));
    }

    #[test]
    fn env_adds_only_missing_keys() {
        let before = "export SUPABASE_URL=https://abc.supabase.co\nSUPABASE_BUCKET_NAME = media\n# SUPABASE_SERVICE_ROLE_KEY=commented-out-does-not-count\n";
        let after = format!(
            "{before}\n# Supabase Storage\n# Service role key: server-side only, it bypasses Row Level Security\nSUPABASE_SERVICE_ROLE_KEY=your-service-role-key\n"
        );
        assert_eq!(env(before), after);
        let found = findings(&config(false), FileKind::EnvExample, ".env.example", before);
        assert_eq!(found[0].message, ".env.example does not list SUPABASE_SERVICE_ROLE_KEY; add it for Supabase Storage");
        // A longer name is another variable.
        assert!(env("SUPABASE_URL_OLD=x\n").contains("\nSUPABASE_URL=https://"));
    }

    #[test]
    fn env_complete_is_silent() {
        let text = "SUPABASE_URL=a\nSUPABASE_SERVICE_ROLE_KEY=b\nSUPABASE_BUCKET_NAME=c";
        assert!(findings(&config(false), FileKind::EnvExample, ".env.example", text).is_empty());
    }

    #[test]
    fn pyproject_multi_line_array() {
        let before = "[project]\nname = \"lms\"\ndependencies = [\n    \"flask==3.0.0\",\n    \"boto3==1.34.0\",  # aws\n    \"numpy\",\n]\n\n[tool.other]\nboto3 = \"x\"\n";
        let after = "[project]\nname = \"lms\"\ndependencies = [\n    \"flask==3.0.0\",\n    \"boto3==1.34.0\",  # aws\n    \"supabase==2.34.1\",\n    \"numpy\",\n]\n\n[tool.other]\nboto3 = \"x\"\n";
        assert_eq!(pyproject(before), after);
        let found = findings(&config(false), FileKind::Pyproject, "pyproject.toml", before);
        assert!(text_of(before, &found[0]).starts_with("[\n    \"flask"));
        assert!(text_of(before, &found[0]).ends_with(",\n]"));
        assert_eq!(
            found[0].message,
            "pyproject.toml lists boto3 in [project] dependencies but not supabase; add \"supabase==2.34.1\""
        );
    }

    fn text_of<'a>(text: &'a str, finding: &Finding) -> &'a str {
        &text[finding.range]
    }

    #[test]
    fn pyproject_last_entry_without_comma_and_crlf() {
        let before = "[project]\r\ndependencies = [\r\n  'flask',\r\n  'boto3'\r\n]\r\n";
        let after = "[project]\r\ndependencies = [\r\n  'flask',\r\n  'boto3',\r\n  'supabase==2.34.1'\r\n]\r\n";
        assert_eq!(pyproject(before), after);
        assert_eq!(
            pyproject("[project]\ndependencies = [\n    \"boto3\"  # aws\n]\n"),
            "[project]\ndependencies = [\n    \"boto3\",  # aws\n    \"supabase==2.34.1\"\n]\n"
        );
    }

    #[test]
    fn pyproject_comma_on_the_next_line() {
        assert_eq!(
            pyproject("[project]\ndependencies = [\n    \"boto3\"  # aws\n    , \"flask\"\n]\n"),
            "[project]\ndependencies = [\n    \"boto3\"  # aws\n    , \"supabase==2.34.1\", \"flask\"\n]\n"
        );
    }

    #[test]
    fn pyproject_inline_arrays() {
        assert_eq!(
            pyproject("[project]\ndependencies = [\"boto3>=1.28\", \"flask\"]\n"),
            "[project]\ndependencies = [\"boto3>=1.28\", \"supabase==2.34.1\", \"flask\"]\n"
        );
        assert_eq!(
            pyproject("[project]\ndependencies = [\"flask\", \"boto3\"]\n"),
            "[project]\ndependencies = [\"flask\", \"boto3\", \"supabase==2.34.1\"]\n"
        );
        assert_eq!(
            pyproject("[project]\ndependencies = [\"boto3\",]\n"),
            "[project]\ndependencies = [\"boto3\", \"supabase==2.34.1\",]\n"
        );
    }

    #[test]
    fn pyproject_first_entry_on_bracket_line_aligns() {
        assert_eq!(
            pyproject("[project]\ndependencies = [\"boto3\",\n                \"flask\"]\n"),
            "[project]\ndependencies = [\"boto3\",\n                \"supabase==2.34.1\",\n                \"flask\"]\n"
        );
    }

    #[test]
    fn pyproject_silent_cases() {
        for text in [
            "[project]\ndependencies = [\"boto3\", \"supabase[realtime]>=2\"]\n",
            "[project]\ndependencies = [\"flask\"]\n",
            "[project]\nname = \"x\"\n[project.optional-dependencies]\naws = [\"boto3\"]\n",
            "[tool.poetry.dependencies]\nboto3 = \"^1.28\"\n",
            "not toml [",
        ] {
            assert!(findings(&config(false), FileKind::Pyproject, "pyproject.toml", text).is_empty(), "{text}");
        }
    }

    #[test]
    fn pyproject_remove_boto3() {
        assert_eq!(
            pyproject_remove("[project]\ndependencies = [\n    \"boto3==1.34\",  # aws\n    \"botocore\",\n    \"numpy\",\n]\n"),
            "[project]\ndependencies = [\n    \"supabase==2.34.1\",  # aws\n    \"numpy\",\n]\n"
        );
        assert_eq!(
            pyproject_remove("[project]\ndependencies = [\"botocore\", \"boto3\", \"flask\"]\n"),
            "[project]\ndependencies = [\"supabase==2.34.1\", \"flask\"]\n"
        );
        assert_eq!(
            pyproject_remove("[project]\ndependencies = [\"supabase\", \"flask\", \"boto3\"]\n"),
            "[project]\ndependencies = [\"supabase\", \"flask\"]\n"
        );
        assert_eq!(pyproject_remove("[project]\ndependencies = [\"boto3\", \"supabase\"]\n"), "[project]\ndependencies = [\"supabase\"]\n");
        assert_eq!(
            pyproject_remove("[project]\ndependencies = [\"supabase\", \"boto3\", \"botocore\"]\n"),
            "[project]\ndependencies = [\"supabase\"]\n"
        );
        assert_eq!(
            pyproject_remove("[project]\ndependencies = [\n  \"supabase\",\n  \"boto3\",\n  \"botocore\"\n]\n"),
            "[project]\ndependencies = [\n  \"supabase\",\n]\n"
        );
        assert_eq!(
            pyproject_remove("[project]\ndependencies = [\"boto3\", \"botocore\", \"botocore\"]\n"),
            "[project]\ndependencies = [\"supabase==2.34.1\"]\n"
        );
    }
}
