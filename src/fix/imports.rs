//! Adding an import or a module-level statement as an `Edit`: it goes after the module
//! docstring, any `from __future__` imports and the leading import block, never below
//! the first use.

use ruff_python_ast::{Expr, ModModule, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::fix::edit::Edit;

/// The offset of the line where new top-of-module statements go.
pub fn insertion_offset(module: &ModModule, text: &str) -> TextSize {
    let mut last_header: Option<&Stmt> = None;
    for (index, stmt) in module.body.iter().enumerate() {
        let is_docstring = index == 0
            && matches!(stmt, Stmt::Expr(expr) if matches!(*expr.value, Expr::StringLiteral(_)));
        if is_docstring || matches!(stmt, Stmt::Import(_) | Stmt::ImportFrom(_)) {
            last_header = Some(stmt);
        } else {
            break;
        }
    }
    match (last_header, module.body.first()) {
        (Some(stmt), _) => line_end_after(text, stmt.end()),
        // No header: before the first statement, after leading comments (shebang, cookie, licence).
        (None, Some(first)) => line_start(text, first.start()),
        (None, None) => TextSize::try_from(text.len()).unwrap_or_default(),
    }
}

/// An edit inserting `statement` (one or more lines, without a final newline) at `at`.
/// Right after a module docstring (on the line after it, or at the end of a file that
/// ends with it) an empty line separates the two, as black and ruff format want
/// ("module docstring followed by one empty line"); the lines after `at` stay as they are.
pub fn insert_lines(text: &str, at: TextSize, statement: &str, newline: &str) -> Edit {
    let needs_leading_newline = at.to_usize() == text.len() && !text.is_empty() && !text.ends_with('\n');
    let body = statement.replace('\n', newline);
    let blank = if follows_module_docstring(text, at.to_usize()) { newline } else { "" };
    let content = if needs_leading_newline {
        format!("{newline}{blank}{body}{newline}")
    } else {
        format!("{blank}{body}{newline}")
    };
    Edit::insert(at, content)
}

/// Whether the text before `at` is a module docstring (after any comments and blank lines)
/// whose last line is the line just before `at` (or, with no final newline, ends at `at`).
fn follows_module_docstring(text: &str, at: usize) -> bool {
    let before = &text[..at];
    let before = before.strip_suffix('\n').map_or(before, |rest| rest.strip_suffix('\r').unwrap_or(rest));
    let last_line = &before[before.rfind('\n').map_or(0, |at| at + 1)..];
    // Cheap test first: a docstring's last line holds its closing quote.
    if !last_line.contains(['"', '\'']) {
        return false;
    }
    let Ok(parsed) = crate::source::parse_python(before) else { return false };
    let last_line_start = TextSize::try_from(before.len() - last_line.len()).unwrap_or_default();
    matches!(
        parsed.syntax().body.as_slice(),
        [Stmt::Expr(expr)] if matches!(*expr.value, Expr::StringLiteral(_)) && expr.end() > last_line_start
    )
}

/// The edit that removes the whole statement at `range`: its line(s) when it stands
/// alone on them (a trailing comment goes with it), `pass` in its place when it shares
/// a line with other code or when `keep_block` says it is the last statement of a block.
pub fn delete_statement(text: &str, range: TextRange, keep_block: bool) -> Edit {
    let start = range.start().to_usize();
    let end = range.end().to_usize();
    let line_start = text[..start].rfind('\n').map_or(0, |at| at + 1);
    let before_blank = text[line_start..start].chars().all(|ch| ch == ' ' || ch == '\t');
    let rest = &text[end..];
    let newline_at = rest.find('\n');
    let tail = rest[..newline_at.unwrap_or(rest.len())].trim_start_matches([' ', '\t', '\r']);
    let after_blank = tail.is_empty() || tail.starts_with('#');
    if keep_block || !before_blank || !after_blank {
        return Edit::replace(range, "pass");
    }
    let mut delete_end = newline_at.map_or(text.len(), |at| end + at + 1);
    // At the very top of the file, the blank lines that separated it from the code go too.
    if line_start == 0 {
        while let Some(line) = text[delete_end..].split_inclusive('\n').next() {
            if !line.trim().is_empty() || !line.ends_with('\n') {
                break;
            }
            delete_end += line.len();
        }
    }
    Edit::delete(TextRange::new(offset(line_start), offset(delete_end)))
}

/// Edits taking the aliases marked in `remove` out of one import statement whose aliases
/// are `aliases` (in order), keeping the rest of its formatting: an alias alone on its
/// line goes with that line; an inline one with the comma after it, or, when it is the
/// last, with the separator before it. At least one alias must stay: to remove them all,
/// use `delete_statement`.
pub fn remove_import_names(text: &str, aliases: &[TextRange], remove: &[bool]) -> Vec<Edit> {
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for (index, alias) in aliases.iter().enumerate() {
        if !remove.get(index).copied().unwrap_or(false) {
            continue;
        }
        let (start, end) = (alias.start().to_usize(), alias.end().to_usize());
        let after = skip_blanks(text, end);
        let comma_end = text[after..].starts_with(',').then_some(after + 1);
        let line_start = text[..start].rfind('\n').map_or(0, |at| at + 1);
        // Not after a backslash continuation: the line is part of the one before.
        let continued = text[..line_start].trim_end_matches(['\n', '\r']).ends_with('\\');
        let own_line_before = !continued && text[line_start..start].chars().all(|ch| ch == ' ' || ch == '\t');
        let rest_from = comma_end.unwrap_or(end);
        let rest = &text[rest_from..];
        let newline_at = rest.find('\n');
        let tail = rest[..newline_at.unwrap_or(rest.len())].trim_start_matches([' ', '\t', '\r']);
        if own_line_before && (tail.is_empty() || tail.starts_with('#')) {
            let line_end = newline_at.map_or(text.len(), |at| rest_from + at + 1);
            ranges.push((line_start, line_end));
        } else if let Some(comma_end) = comma_end {
            ranges.push((start, skip_blanks(text, comma_end)));
        } else if let Some(kept) = aliases[..index].iter().enumerate().rev().find(|(at, _)| !remove[*at]) {
            ranges.push((kept.1.end().to_usize(), end));
        } else {
            ranges.push((start, end));
        }
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (start, end) in ranges {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
        .into_iter()
        .map(|(start, end)| Edit::delete(TextRange::new(offset(start), offset(end))))
        .collect()
}

fn skip_blanks(text: &str, from: usize) -> usize {
    from + text[from..].len() - text[from..].trim_start_matches([' ', '\t']).len()
}

fn offset(at: usize) -> TextSize {
    TextSize::try_from(at).unwrap_or_default()
}

/// The start of the line after the one `offset` is on (end of text if none).
pub fn line_end_after(text: &str, offset: TextSize) -> TextSize {
    let from = offset.to_usize();
    let end = text[from..].find('\n').map_or(text.len(), |at| from + at + 1);
    TextSize::try_from(end).unwrap_or_default()
}

/// The start of the line `offset` is on.
pub fn line_start(text: &str, offset: TextSize) -> TextSize {
    let start = text[..offset.to_usize()].rfind('\n').map_or(0, |at| at + 1);
    TextSize::try_from(start).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::parse_python;

    fn insert(text: &str) -> String {
        let parsed = parse_python(text).unwrap();
        let at = insertion_offset(parsed.syntax(), text);
        let edit = insert_lines(text, at, "from utils import s3_utils", "\n");
        let mut out = text.to_owned();
        out.insert_str(edit.start().to_usize(), &edit.content);
        out
    }

    fn remove(text: &str, names: &[&str]) -> String {
        let parsed = parse_python(text).unwrap();
        let aliases: Vec<TextRange> = match &parsed.syntax().body[0] {
            Stmt::Import(import) => import.names.iter().map(Ranged::range).collect(),
            Stmt::ImportFrom(import) => import.names.iter().map(Ranged::range).collect(),
            _ => panic!("not an import"),
        };
        let remove: Vec<bool> = aliases.iter().map(|range| names.contains(&&text[*range])).collect();
        let mut out = text.to_owned();
        for edit in remove_import_names(text, &aliases, &remove).iter().rev() {
            out.replace_range(edit.start().to_usize()..edit.end().to_usize(), &edit.content);
        }
        out
    }

    #[test]
    fn removing_names_keeps_the_import_formatting() {
        let text = "from utils.s3_utils import (\n    ACCESS_KEY,\n    SECRET_KEY,\n    REGION_NAME,\n    read_text_file_from_s3,\n)\n";
        assert_eq!(
            remove(text, &["ACCESS_KEY", "SECRET_KEY", "REGION_NAME"]),
            "from utils.s3_utils import (\n    read_text_file_from_s3,\n)\n"
        );
        assert_eq!(remove("from a import b, c, d\n", &["c"]), "from a import b, d\n");
        assert_eq!(remove("from a import b, c, d\n", &["d"]), "from a import b, c\n");
        assert_eq!(remove("from a import b, c, d\n", &["c", "d"]), "from a import b\n");
        assert_eq!(remove("from a import b, c, d\n", &["b", "c"]), "from a import d\n");
        assert_eq!(remove("import os, boto3\n", &["boto3"]), "import os\n");
        assert_eq!(remove("from a import (b, c)\n", &["b"]), "from a import (c)\n");
        assert_eq!(remove("from a import (\n    b,\n    c\n)\n", &["c"]), "from a import (\n    b,\n)\n");
        assert_eq!(remove("from a import (\r\n    b,\r\n    c,\r\n)\r\n", &["b"]), "from a import (\r\n    c,\r\n)\r\n");
        assert_eq!(remove("from a import b, \\\n    c\n", &["c"]), "from a import b\n");
        assert_eq!(remove("from a import (b,\n           c)\n", &["c"]), "from a import (b)\n");
    }

    #[test]
    fn deleting_a_statement() {
        let text = "import os\nimport boto3  # aws\nx = 1; import boto3\n";
        let parsed = parse_python(text).unwrap();
        let body = &parsed.syntax().body;
        assert_eq!(delete_statement(text, body[1].range(), false), Edit::delete(TextRange::new(TextSize::new(10), TextSize::new(30))));
        assert_eq!(delete_statement(text, body[3].range(), false), Edit::replace(body[3].range(), "pass"));
        assert_eq!(delete_statement(text, body[0].range(), true), Edit::replace(body[0].range(), "pass"));
    }

    #[test]
    fn after_docstring_future_and_imports() {
        assert_eq!(
            insert("\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\nimport os\nimport json  # why\n\nX = 1\n"),
            "\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\nimport os\nimport json  # why\nfrom utils import s3_utils\n\nX = 1\n"
        );
    }

    #[test]
    fn after_a_module_docstring_one_empty_line() {
        let import = "from utils import s3_utils";
        // Directly followed by code, by a blank line, by a comment, or by nothing.
        assert_eq!(insert("\"\"\"Doc.\"\"\"\nX = 1\n"), format!("\"\"\"Doc.\"\"\"\n\n{import}\nX = 1\n"));
        assert_eq!(insert("\"\"\"Doc.\"\"\"\n\nX = 1\n"), format!("\"\"\"Doc.\"\"\"\n\n{import}\n\nX = 1\n"));
        assert_eq!(insert("\"\"\"Doc.\"\"\"\n# note\nX = 1\n"), format!("\"\"\"Doc.\"\"\"\n\n{import}\n# note\nX = 1\n"));
        assert_eq!(insert("\"\"\"Doc.\"\"\"\n"), format!("\"\"\"Doc.\"\"\"\n\n{import}\n"));
        assert_eq!(insert("\"\"\"Doc.\"\"\""), format!("\"\"\"Doc.\"\"\"\n\n{import}\n"));
        // A docstring of several lines, after comments; a one-quoted or raw one.
        assert_eq!(
            insert("#!/usr/bin/env python\n\"\"\"Doc.\n\nMore.\n\"\"\"  # why\nX = 1\n"),
            format!("#!/usr/bin/env python\n\"\"\"Doc.\n\nMore.\n\"\"\"  # why\n\n{import}\nX = 1\n")
        );
        assert_eq!(insert("r'Doc.'\nX = 1\n"), format!("r'Doc.'\n\n{import}\nX = 1\n"));
        // Idempotent: once the import is there, the next one goes after it, with no blank line.
        assert_eq!(
            insert(&format!("\"\"\"Doc.\"\"\"\n\n{import}\nX = 1\n")),
            format!("\"\"\"Doc.\"\"\"\n\n{import}\n{import}\nX = 1\n")
        );
        // Not a module docstring: a bytes or f-string literal, a string after code.
        assert_eq!(insert("b'x'\nX = 1\n"), format!("{import}\nb'x'\nX = 1\n"));
        assert_eq!(insert("import os\n'x'\n"), format!("import os\n{import}\n'x'\n"));
        assert_eq!(insert("from a import b  # \"q\"\nX = 1\n"), format!("from a import b  # \"q\"\n{import}\nX = 1\n"));
    }

    #[test]
    fn after_a_module_docstring_in_a_crlf_file() {
        let text = "\"\"\"Doc.\"\"\"\r\nX = 1\r\n";
        let parsed = parse_python(text).unwrap();
        let edit = insert_lines(text, insertion_offset(parsed.syntax(), text), "import a\nimport b", "\r\n");
        assert_eq!(edit, Edit::insert(TextSize::new(12), "\r\nimport a\r\nimport b\r\n"));
        let text = "\"\"\"Doc.\"\"\"";
        let edit = insert_lines(text, TextSize::new(10), "import a", "\r\n");
        assert_eq!(edit, Edit::insert(TextSize::new(10), "\r\n\r\nimport a\r\n"));
    }

    #[test]
    fn after_a_parenthesised_import() {
        assert_eq!(
            insert("from a import (\n    b,\n    c,\n)\nx = 1\n"),
            "from a import (\n    b,\n    c,\n)\nfrom utils import s3_utils\nx = 1\n"
        );
    }

    #[test]
    fn before_code_but_after_leading_comments() {
        assert_eq!(
            insert("#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nx = 1\n"),
            "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nfrom utils import s3_utils\nx = 1\n"
        );
    }

    #[test]
    fn at_the_end_of_a_file_without_final_newline() {
        assert_eq!(insert("import os"), "import os\nfrom utils import s3_utils\n");
        assert_eq!(insert(""), "from utils import s3_utils\n");
    }

    #[test]
    fn crlf_files_get_crlf_lines() {
        let text = "import os\r\nx = 1\r\n";
        let parsed = parse_python(text).unwrap();
        let edit = insert_lines(text, insertion_offset(parsed.syntax(), text), "import a\nimport b", "\r\n");
        assert_eq!(edit, Edit::insert(TextSize::new(11), "import a\r\nimport b\r\n"));
    }
}
