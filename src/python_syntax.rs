//! Python names and string literals for text the tool writes into code.
//!
//! Configuration values end up in the rewritten files: the constant, client and
//! module names as code, the environment variable and default bucket as string
//! literals. Every name is checked with [`check_identifier`] / [`check_dotted_name`]
//! when the configuration is loaded, and every value that becomes a literal is
//! written by [`string_literal`], so no configuration value can become code.
//! Nothing here prints.

use unicode_normalization::UnicodeNormalization;

/// Python's hard keywords: never a name (soft keywords such as `match` and `type` are).
const KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def",
    "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
    "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

/// Why a name is not a usable Python name; the text completes "not a Python identifier: ...".
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NameProblem {
    #[error("it is empty")]
    Empty,
    #[error("a dotted name has an empty segment")]
    EmptySegment,
    #[error("{0:?} cannot start a name")]
    BadStart(char),
    #[error("{0:?} cannot appear in a name")]
    BadChar(char),
    #[error("`{0}` is a keyword")]
    Keyword(String),
    #[error("`__debug__` cannot be bound")]
    Debug,
    /// Python reads identifiers NFKC-normalized: the name it binds would not be this one.
    #[error("Python reads it as `{0}` (NFKC); write that instead")]
    NotNormalized(String),
    #[error("expected a dotted path such as `package.module.Name`")]
    NotQualified,
}

/// A name Python can bind and that means itself: an identifier (PEP 3131), NFKC-normal,
/// not a keyword.
pub fn check_identifier(name: &str) -> Result<(), NameProblem> {
    let mut chars = name.chars();
    let first = chars.next().ok_or(NameProblem::Empty)?;
    if !(first == '_' || unicode_ident::is_xid_start(first)) {
        return Err(NameProblem::BadStart(first));
    }
    if let Some(bad) = chars.find(|&ch| !unicode_ident::is_xid_continue(ch)) {
        return Err(NameProblem::BadChar(bad));
    }
    if !name.is_ascii() {
        let normalized: String = name.nfkc().collect();
        if normalized != name {
            return Err(NameProblem::NotNormalized(normalized));
        }
    }
    if KEYWORDS.contains(&name) {
        return Err(NameProblem::Keyword(name.to_owned()));
    }
    if name == "__debug__" {
        return Err(NameProblem::Debug);
    }
    Ok(())
}

/// A module path (`utils.s3_utils`) or a single name: every segment an identifier.
pub fn check_dotted_name(name: &str) -> Result<(), NameProblem> {
    if name.is_empty() {
        return Err(NameProblem::Empty);
    }
    name.split('.').try_for_each(|segment| match segment {
        "" => Err(NameProblem::EmptySegment),
        segment => check_identifier(segment),
    })
}

/// An object in a module (`storage3.exceptions.StorageApiError`): a dotted name with a module.
pub fn check_qualified_name(name: &str) -> Result<(), NameProblem> {
    check_dotted_name(name)?;
    if name.contains('.') {
        Ok(())
    } else {
        Err(NameProblem::NotQualified)
    }
}

/// `value` as a Python `str` literal in `quote` (`"` or `'`) that evaluates to exactly
/// `value`. The output is printable ASCII, so it is the same in every source encoding
/// and cannot end the line or the string early.
pub fn string_literal(value: &str, quote: char) -> String {
    let quote = if quote == '\'' { '\'' } else { '"' };
    let mut out = String::with_capacity(value.len() + 2);
    out.push(quote);
    for ch in value.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            ch if ch == quote => {
                out.push('\\');
                out.push(ch);
            }
            ' '..='~' => out.push(ch),
            ch => {
                let code = u32::from(ch);
                let escape = match code {
                    0..=0xff => format!("\\x{code:02x}"),
                    0x100..=0xffff => format!("\\u{code:04x}"),
                    _ => format!("\\U{code:08x}"),
                };
                out.push_str(&escape);
            }
        }
    }
    out.push(quote);
    out
}

/// An environment variable name that every shell, `.env` reader and `os.getenv` agree on
/// (POSIX portable: ASCII letters, digits, `_`, not starting with a digit).
pub fn is_env_var_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|first| first == b'_' || first.is_ascii_alphabetic())
        && bytes.all(|byte| byte == b'_' || byte.is_ascii_alphanumeric())
}

/// The first control character of `value` (a line break, a NUL, ...), which a value
/// written on one line of a setup file must not hold.
pub fn control_char(value: &str) -> Option<char> {
    value.chars().find(|ch| ch.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::parse_python;
    use ruff_python_ast::{Expr, Stmt};

    /// What Python's parser says `literal` evaluates to.
    fn evaluate(literal: &str) -> String {
        let parsed = parse_python(&format!("x = {literal}\n")).unwrap_or_else(|err| panic!("{literal}: {err:?}"));
        match parsed.syntax().body.as_slice() {
            [Stmt::Assign(assign)] => match assign.value.as_ref() {
                Expr::StringLiteral(value) => value.value.to_str().to_owned(),
                other => panic!("{literal} parsed as {other:?}"),
            },
            other => panic!("{literal} parsed as {other:?}"),
        }
    }

    #[test]
    fn string_literal_exact_output() {
        assert_eq!(string_literal("anantra-lms-store", '"'), "\"anantra-lms-store\"");
        assert_eq!(string_literal("404", '\''), "'404'");
        assert_eq!(string_literal("a\"b'c", '"'), "\"a\\\"b'c\"");
        assert_eq!(string_literal("a\"b'c", '\''), "'a\"b\\'c'");
        assert_eq!(string_literal("C:\\new\\x", '"'), "\"C:\\\\new\\\\x\"");
        assert_eq!(string_literal("l1\nl2\r\t\0\x7f", '"'), "\"l1\\nl2\\r\\t\\x00\\x7f\"");
        assert_eq!(string_literal("café €𝄞", '"'), "\"caf\\xe9 \\u20ac\\U0001d11e\"");
        assert_eq!(string_literal("{x}", '"'), "\"{x}\"");
        // Anything else as the quote falls back to a double quote.
        assert_eq!(string_literal("x", '`'), "\"x\"");
    }

    #[test]
    fn string_literal_evaluates_to_its_value() {
        let injection = "x\") or __import__(\"os\").system(\"id\") or (\"";
        let values = [
            "",
            "anantra-lms-store",
            injection,
            "x' or __import__('os').system('id') or ('",
            "trailing\\",
            "\\\"",
            "\"\"\"",
            "'''",
            "line\nbreak\rcarriage\u{2028}sep\u{85}nel",
            "\u{0}\u{1}\u{1b}\u{7f}\u{80}\u{9f}\u{a0}\u{ff}",
            "é\u{301} ﬁ Ω 𝄞 \u{feff} \u{200b}",
            "\\N{BULLET} \\x41 \\u0041 {braces}",
        ];
        for value in values {
            for quote in ['"', '\''] {
                let literal = string_literal(value, quote);
                assert!(literal.bytes().all(|b| (b' '..=b'~').contains(&b)), "{literal}");
                assert_eq!(evaluate(&literal), value, "{literal}");
            }
        }
        // Every char of the first planes, one literal per block of 256.
        for block in 0..0x300u32 {
            let value: String = (block * 256..block * 256 + 256).filter_map(char::from_u32).collect();
            assert_eq!(evaluate(&string_literal(&value, '"')), value, "block {block:#x}");
        }
    }

    #[test]
    fn identifiers() {
        for good in ["SUPABASE_BUCKET_NAME", "_x", "s3_utils", "match", "type", "_", "café", "π", "Ωmega2"] {
            assert_eq!(check_identifier(good), Ok(()), "{good}");
        }
        assert_eq!(check_identifier(""), Err(NameProblem::Empty));
        assert_eq!(check_identifier("None"), Err(NameProblem::Keyword("None".into())));
        assert_eq!(check_identifier("class"), Err(NameProblem::Keyword("class".into())));
        assert_eq!(check_identifier("await"), Err(NameProblem::Keyword("await".into())));
        assert_eq!(check_identifier("__debug__"), Err(NameProblem::Debug));
        assert_eq!(check_identifier("1abc"), Err(NameProblem::BadStart('1')));
        assert_eq!(check_identifier("a-b"), Err(NameProblem::BadChar('-')));
        assert_eq!(check_identifier("a b"), Err(NameProblem::BadChar(' ')));
        assert_eq!(check_identifier("a\")"), Err(NameProblem::BadChar('"')));
        assert_eq!(check_identifier("a.b"), Err(NameProblem::BadChar('.')));
        assert_eq!(check_identifier("ﬁle"), Err(NameProblem::NotNormalized("file".into())));
        assert_eq!(check_identifier("ＢＵＣＫＥＴ"), Err(NameProblem::NotNormalized("BUCKET".into())));
        assert_eq!(NameProblem::Keyword("None".into()).to_string(), "`None` is a keyword");
    }

    #[test]
    fn every_accepted_identifier_parses_as_a_name() {
        for name in ["SUPABASE_BUCKET_NAME", "match", "café", "_"] {
            assert!(parse_python(&format!("{name} = 1\nimport {name}\nfrom {name} import {name}\n")).is_ok(), "{name}");
        }
        for keyword in KEYWORDS {
            assert!(parse_python(&format!("{keyword} = 1\n")).is_err(), "{keyword} should not parse as a target");
        }
    }

    #[test]
    fn dotted_and_qualified_names() {
        assert_eq!(check_dotted_name("utils.s3_utils"), Ok(()));
        assert_eq!(check_dotted_name("s3_utils"), Ok(()));
        assert_eq!(check_dotted_name("utils..s3"), Err(NameProblem::EmptySegment));
        assert_eq!(check_dotted_name("utils."), Err(NameProblem::EmptySegment));
        assert_eq!(check_dotted_name(".utils"), Err(NameProblem::EmptySegment));
        assert_eq!(check_dotted_name("utils.class"), Err(NameProblem::Keyword("class".into())));
        assert_eq!(check_dotted_name(""), Err(NameProblem::Empty));
        assert_eq!(check_qualified_name("storage3.exceptions.StorageApiError"), Ok(()));
        assert_eq!(check_qualified_name("StorageApiError"), Err(NameProblem::NotQualified));
        assert_eq!(check_qualified_name("httpx.None"), Err(NameProblem::Keyword("None".into())));
    }

    #[test]
    fn env_var_names_and_control_chars() {
        for good in ["SUPABASE_BUCKET_NAME", "_X", "a1"] {
            assert!(is_env_var_name(good), "{good}");
        }
        for bad in ["", "1X", "A-B", "A B", "A=B", "A\nB", "É"] {
            assert!(!is_env_var_name(bad), "{bad}");
        }
        assert_eq!(control_char("bucket"), None);
        assert_eq!(control_char("bucket\nX=1"), Some('\n'));
        assert_eq!(control_char("a\u{85}"), Some('\u{85}'));
    }
}
