//! Writing replacement code in the layout of the code it replaces: a call's arguments on
//! one line or one per line as the original had them, and blocks moved out of a loop or
//! a `try` one level to the left.

use ruff_python_ast::ExprCall;
use ruff_text_size::Ranged;

use super::Cx;

/// Longest line a call is joined into when its original spread over several.
const LINE_LENGTH: usize = 119;

/// `head(args...)` laid out like `original`: one line, or one argument a line (with a
/// trailing comma) when the original's first argument starts on a new line and the call
/// does not fit on one line of `LINE_LENGTH` characters.
pub fn call(cx: &Cx, original: &ExprCall, head: &str, args: &[String]) -> String {
    call_with_tail(cx, original, head, args, "")
}

/// As `call`, with `tail` written right after it (`["signedURL"]`).
pub fn call_with_tail(cx: &Cx, original: &ExprCall, head: &str, args: &[String], tail: &str) -> String {
    let open = original.arguments.range().start();
    let first = original.arguments.args.first().map(Ranged::start).into_iter().chain(original.arguments.keywords.first().map(Ranged::start)).min();
    let multiline = first.is_some_and(|first| cx.text[open.to_usize()..first.to_usize()].contains('\n'));
    let one_line = format!("{head}({}){tail}", args.join(", "));
    let before = &cx.text[crate::fix::imports::line_start(cx.text, original.start()).to_usize()..original.start().to_usize()];
    let end = original.end().to_usize();
    let after = cx.text[end..].split(['\r', '\n']).next().unwrap_or_default();
    let fits = !one_line.contains('\n') && before.chars().count() + one_line.chars().count() + after.chars().count() <= LINE_LENGTH;
    if !multiline || fits {
        return one_line;
    }
    let first = first.unwrap_or(open);
    let inner = cx.indent(first);
    let close = cx.indent(original.arguments.range().end());
    let mut out = format!("{head}({}", cx.nl);
    for arg in args {
        out.push_str(inner);
        out.push_str(arg);
        out.push(',');
        out.push_str(cx.nl);
    }
    out.push_str(close);
    out.push(')');
    out.push_str(tail);
    out
}

/// `text` (whole lines but the first, which starts at its statement) moved one level of
/// `unit` to the left; `None` when a line is not indented that far (a multi-line string).
pub fn dedent(text: &str, unit: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if index == 0 || line.trim().is_empty() {
            out.push_str(if index > 0 && line.trim().is_empty() { line.trim_start_matches([' ', '\t']) } else { line });
            continue;
        }
        out.push_str(line.strip_prefix(unit)?);
    }
    Some(out)
}

/// `text` moved one level of `unit` to the right (every line but blank ones).
pub fn indent(text: &str, unit: &str) -> String {
    let mut out = String::with_capacity(text.len() + unit.len() * 4);
    for line in text.split_inclusive('\n') {
        if !line.trim().is_empty() {
            out.push_str(unit);
        }
        out.push_str(line);
    }
    out
}

/// Whether `text` holds a string that could span lines (dedenting it would change it).
pub fn has_multiline_string(text: &str) -> bool {
    text.contains("\"\"\"") || text.contains("'''")
}
