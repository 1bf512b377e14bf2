//! Adding an import or a module-level statement as an `Edit`: it goes after the module
//! docstring, any `from __future__` imports and the leading import block, never below
//! the first use.

use ruff_python_ast::{Expr, ModModule, Stmt};
use ruff_text_size::{Ranged, TextSize};

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
pub fn insert_lines(text: &str, at: TextSize, statement: &str, newline: &str) -> Edit {
    let needs_leading_newline = at.to_usize() == text.len() && !text.is_empty() && !text.ends_with('\n');
    let body = statement.replace('\n', newline);
    let content = if needs_leading_newline {
        format!("{newline}{body}{newline}")
    } else {
        format!("{body}{newline}")
    };
    Edit::insert(at, content)
}

/// The start of the line after the one `offset` is on (end of text if none).
fn line_end_after(text: &str, offset: TextSize) -> TextSize {
    let from = offset.to_usize();
    let end = text[from..].find('\n').map_or(text.len(), |at| from + at + 1);
    TextSize::try_from(end).unwrap_or_default()
}

fn line_start(text: &str, offset: TextSize) -> TextSize {
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

    #[test]
    fn after_docstring_future_and_imports() {
        assert_eq!(
            insert("\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\nimport os\nimport json  # why\n\nX = 1\n"),
            "\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\nimport os\nimport json  # why\nfrom utils import s3_utils\n\nX = 1\n"
        );
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
