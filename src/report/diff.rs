//! Unified diffs of the files a run changes (or would change), made to be
//! applied unchanged with `git apply` or `patch -p1`.
//!
//! The diff is computed over the files' bytes as they are (or would be) on disk,
//! never over decoded text: a line is everything up to and including its `\n`,
//! so a CRLF line keeps its `\r`, a UTF-8 BOM stays part of the first line, and
//! latin-1 or other non-UTF-8 bytes are written back untouched. A last line
//! without a newline is followed by `\ No newline at end of file`, on whichever
//! side (or both) it occurs. Paths are already relative and `/`-separated.

use std::io::{self, Write};

use similar::{capture_diff_slices, group_diff_ops, Algorithm, DiffOp};

use super::text::{paint, BOLD, CYAN, GREEN, RED};
use super::{FileOutcome, Report};

/// Lines of unchanged context around each change.
const CONTEXT: usize = 3;

pub fn render(report: &Report, out: &mut dyn Write, color: bool) -> io::Result<()> {
    for file in &report.files {
        if let FileOutcome::Changed { old, new, .. } = &file.outcome {
            write_file_diff(out, &file.path, old, new, color)?;
        }
    }
    Ok(())
}

/// Splits after every `\n`; the last line may lack one.
fn lines(bytes: &[u8]) -> Vec<&[u8]> {
    bytes.split_inclusive(|&byte| byte == b'\n').collect()
}

/// One file's diff (`--- a/path`, `+++ b/path`, its hunks); nothing when the bytes are equal.
pub(crate) fn write_file_diff(
    out: &mut dyn Write,
    path: &str,
    old: &[u8],
    new: &[u8],
    color: bool,
) -> io::Result<()> {
    if old == new {
        return Ok(());
    }
    let old_lines = lines(old);
    let new_lines = lines(new);
    let ops = capture_diff_slices(Algorithm::Myers, &old_lines, &new_lines);
    let hunks = group_diff_ops(ops, CONTEXT);
    if hunks.is_empty() {
        return Ok(());
    }
    let (old_name, new_name) = (header_name("a/", path), header_name("b/", path));
    paint(out, color, BOLD, format!("--- {old_name}").as_bytes())?;
    out.write_all(b"\n")?;
    paint(out, color, BOLD, format!("+++ {new_name}").as_bytes())?;
    out.write_all(b"\n")?;
    for hunk in &hunks {
        write_hunk(out, hunk, &old_lines, &new_lines, color)?;
    }
    Ok(())
}

/// `a/path` as git writes it: C-quoted when the path holds a `"`, a backslash or
/// a control character, and followed by a tab when it holds a space, so that
/// `git apply` and `patch` both read the whole name.
fn header_name(prefix: &str, path: &str) -> String {
    let name = format!("{prefix}{path}");
    if name.chars().any(|c| c == '"' || c == '\\' || c.is_ascii_control()) {
        let mut quoted = String::from("\"");
        for c in name.chars() {
            match c {
                '"' => quoted.push_str("\\\""),
                '\\' => quoted.push_str("\\\\"),
                '\t' => quoted.push_str("\\t"),
                '\n' => quoted.push_str("\\n"),
                '\r' => quoted.push_str("\\r"),
                c if c.is_ascii_control() => quoted.push_str(&format!("\\{:03o}", c as u32)),
                c => quoted.push(c),
            }
        }
        quoted.push('"');
        quoted
    } else if name.contains(' ') {
        name + "\t"
    } else {
        name
    }
}

/// `start,len` in the unified format: 1-based, `,1` omitted, and an empty range
/// named by the line before it.
fn hunk_range(start: usize, end: usize) -> String {
    match end - start {
        1 => format!("{}", start + 1),
        0 => format!("{start},0"),
        len => format!("{},{len}", start + 1),
    }
}

fn write_hunk(
    out: &mut dyn Write,
    hunk: &[DiffOp],
    old_lines: &[&[u8]],
    new_lines: &[&[u8]],
    color: bool,
) -> io::Result<()> {
    let (Some(first), Some(last)) = (hunk.first(), hunk.last()) else {
        return Ok(());
    };
    let header = format!(
        "@@ -{} +{} @@",
        hunk_range(first.old_range().start, last.old_range().end),
        hunk_range(first.new_range().start, last.new_range().end),
    );
    paint(out, color, CYAN, header.as_bytes())?;
    out.write_all(b"\n")?;
    for op in hunk {
        for line in &old_lines[op.old_range()] {
            match op {
                DiffOp::Equal { .. } => write_line(out, b" ", line, None)?,
                _ => write_line(out, b"-", line, color.then_some(RED))?,
            }
        }
        if !matches!(op, DiffOp::Equal { .. }) {
            for line in &new_lines[op.new_range()] {
                write_line(out, b"+", line, color.then_some(GREEN))?;
            }
        }
    }
    Ok(())
}

/// One diff line. The colour ends before the line break, so a `\r` stays
/// inside it; a line without `\n` (only ever the last one) gets the marker.
fn write_line(
    out: &mut dyn Write,
    sign: &[u8],
    line: &[u8],
    color: Option<&str>,
) -> io::Result<()> {
    let body = line.strip_suffix(b"\n");
    let content = body.unwrap_or(line);
    match color {
        Some(style) => paint(out, true, style, &[sign, content].concat())?,
        None => {
            out.write_all(sign)?;
            out.write_all(content)?;
        }
    }
    out.write_all(b"\n")?;
    if body.is_none() {
        out.write_all(b"\\ No newline at end of file\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::process::Command;

    use super::*;
    use crate::report::text::fixtures::{changed, sample};
    use crate::report::{FileResult, Mode};

    fn rendered(report: &Report, color: bool) -> Vec<u8> {
        let mut out = Vec::new();
        render(report, &mut out, color).unwrap();
        out
    }

    fn report(files: Vec<FileResult>) -> Report {
        Report { mode: Mode::Diff, files, notes: Vec::new() }
    }

    fn diff_of(old: &[u8], new: &[u8]) -> Vec<u8> {
        rendered(&report(vec![changed("f.py", old, new)]), false)
    }

    #[test]
    fn unchanged_and_identical_files_print_nothing() {
        let mut unchanged = changed("a.py", b"x\n", b"x\n");
        assert_eq!(rendered(&report(vec![unchanged.clone()]), false), b"");
        unchanged.outcome = FileOutcome::Unchanged;
        assert_eq!(rendered(&report(vec![unchanged]), false), b"");
    }

    #[test]
    fn sample_report() {
        let expected: &[u8] = b"--- a/app/storage.py\n\
+++ b/app/storage.py\n\
@@ -1,3 +1,3 @@\n\
-import boto3\n\
+from app import settings\n \n\
-s3 = boto3.client(\"s3\")\n\
+s3 = settings.storage\n\
--- a/legacy/bom.py\n\
+++ b/legacy/bom.py\n\
@@ -1,2 +1,2 @@\n\
-\xef\xbb\xbfimport boto3\n\
+\xef\xbb\xbfimport supabase\n \
x = 1\n\
--- a/legacy/crlf.py\n\
+++ b/legacy/crlf.py\n\
@@ -1,3 +1,3 @@\n \
a = 1\r\n\
-import boto3\r\n\
+import supabase\r\n \
b = 2\r\n\
--- a/legacy/no_eol.py\n\
+++ b/legacy/no_eol.py\n\
@@ -1,2 +1,2 @@\n \
x = 1\n\
-import boto3\n\
\\ No newline at end of file\n\
+import supabase\n\
\\ No newline at end of file\n";
        assert_eq!(
            String::from_utf8_lossy(&rendered(&sample(Mode::Diff), false)),
            String::from_utf8_lossy(expected)
        );
    }

    #[test]
    fn colour() {
        let report = report(vec![changed("a.py", b"x\r\ny\n", b"x\r\nz\n")]);
        assert_eq!(
            String::from_utf8(rendered(&report, true)).unwrap(),
            "\x1b[1m--- a/a.py\x1b[0m\n\
             \x1b[1m+++ b/a.py\x1b[0m\n\
             \x1b[36m@@ -1,2 +1,2 @@\x1b[0m\n \
             x\r\n\
             \x1b[31m-y\x1b[0m\n\
             \x1b[32m+z\x1b[0m\n"
        );
    }

    #[test]
    fn newline_added_and_removed_at_end() {
        assert_eq!(
            diff_of(b"a\nb", b"a\nb\n"),
            b"--- a/f.py\n+++ b/f.py\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n"
        );
        assert_eq!(
            diff_of(b"a\nb\n", b"a\nb"),
            b"--- a/f.py\n+++ b/f.py\n@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn unterminated_last_line_as_context() {
        assert_eq!(
            diff_of(b"a\nb\nc", b"A\nb\nc"),
            b"--- a/f.py\n+++ b/f.py\n@@ -1,3 +1,3 @@\n-a\n+A\n b\n c\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn hunks_keep_three_lines_of_context_and_split() {
        let old: Vec<u8> = (1..=20).map(|n| format!("{n}\n")).collect::<String>().into_bytes();
        let new = String::from_utf8(old.clone())
            .unwrap()
            .replace("\n2\n", "\ntwo\n")
            .replace("\n18\n", "\neighteen\n");
        assert_eq!(
            String::from_utf8(diff_of(&old, new.as_bytes())).unwrap(),
            "--- a/f.py\n+++ b/f.py\n\
             @@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n 4\n 5\n\
             @@ -15,6 +15,6 @@\n 15\n 16\n 17\n-18\n+eighteen\n 19\n 20\n"
        );
        // Changes with six unchanged lines between them share one hunk.
        let new = String::from_utf8(old.clone())
            .unwrap()
            .replace("\n5\n", "\nfive\n")
            .replace("\n12\n", "\ntwelve\n");
        assert_eq!(
            String::from_utf8(diff_of(&old, new.as_bytes())).unwrap(),
            "--- a/f.py\n+++ b/f.py\n\
             @@ -2,14 +2,14 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n 9\n 10\n 11\n-12\n+twelve\n 13\n 14\n 15\n"
        );
    }

    #[test]
    fn empty_sides() {
        assert_eq!(diff_of(b"", b"x\n"), b"--- a/f.py\n+++ b/f.py\n@@ -0,0 +1 @@\n+x\n");
        assert_eq!(diff_of(b"x\ny\n", b""), b"--- a/f.py\n+++ b/f.py\n@@ -1,2 +0,0 @@\n-x\n-y\n");
    }

    #[test]
    fn awkward_paths_in_headers() {
        assert_eq!(header_name("a/", "src/app.py"), "a/src/app.py");
        assert_eq!(header_name("a/", "my dir/app.py"), "a/my dir/app.py\t");
        assert_eq!(header_name("b/", "we\"ird\\.py"), "\"b/we\\\"ird\\\\.py\"");
        assert_eq!(header_name("a/", "ünï.py"), "a/ünï.py");
    }

    /// (path, old, new) cases that must round-trip through `git apply` and `patch -p1`.
    fn round_trip_cases() -> Vec<(&'static str, Vec<u8>, Vec<u8>)> {
        let long_old: Vec<u8> =
            (1..=30).map(|n| format!("line {n}\n")).collect::<String>().into_bytes();
        let long_new = String::from_utf8(long_old.clone())
            .unwrap()
            .replace("line 3\n", "line three\n")
            .replace("line 20\n", "line 20\ninserted\n")
            .into_bytes();
        vec![
            (
                "lf.py",
                b"import boto3\n\ns3 = boto3.client('s3')\n".to_vec(),
                b"from app import storage\n\ns3 = storage\n".to_vec(),
            ),
            ("long.py", long_old, long_new),
            (
                "crlf.py",
                b"a = 1\r\nimport boto3\r\nb = 2\r\n".to_vec(),
                b"a = 1\r\nimport supabase\r\nb = 2\r\n".to_vec(),
            ),
            ("mixed.py", b"a\r\nb\nc\r\n".to_vec(), b"a\r\nB\nc\r\n".to_vec()),
            (
                "bom.py",
                b"\xef\xbb\xbfimport boto3\nx = 1\n".to_vec(),
                b"\xef\xbb\xbfimport supabase\nx = 1\n".to_vec(),
            ),
            (
                "bom_crlf.py",
                b"\xef\xbb\xbfimport boto3\r\n".to_vec(),
                b"\xef\xbb\xbfimport supabase\r\nx = 1\r\n".to_vec(),
            ),
            (
                "latin1.py",
                b"# -*- coding: latin-1 -*-\nname = 'caf\xe9'\nimport boto3\n".to_vec(),
                b"# -*- coding: latin-1 -*-\nname = 'caf\xe9'\nimport supabase\n".to_vec(),
            ),
            ("latin1_changed.py", b"s = '\xe9t\xe9'\n".to_vec(), b"s = '\xe0 \xff'\n".to_vec()),
            (
                "no_eol_old.py",
                b"x = 1\nimport boto3".to_vec(),
                b"x = 1\nimport supabase\n".to_vec(),
            ),
            (
                "no_eol_new.py",
                b"x = 1\nimport boto3\n".to_vec(),
                b"x = 1\nimport supabase".to_vec(),
            ),
            ("no_eol_both.py", b"x = 1\nimport boto3".to_vec(), b"x = 1\nimport supabase".to_vec()),
            (
                "no_eol_context.py",
                b"import boto3\na\nb".to_vec(),
                b"import supabase\na\nb".to_vec(),
            ),
            ("no_eol_crlf.py", b"a\r\nb\r".to_vec(), b"a\r\nc\r".to_vec()),
            ("only_eol_added.py", b"a\nb".to_vec(), b"a\nb\n".to_vec()),
            ("from_empty.txt", Vec::new(), b"supabase\n".to_vec()),
            ("to_empty.txt", b"boto3\n".to_vec(), Vec::new()),
            ("dir with space/req.txt", b"boto3==1.0\n".to_vec(), b"supabase==2.0\n".to_vec()),
        ]
    }

    fn run(dir: &Path, program: &str, args: &[&str]) {
        let output = Command::new(program)
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .unwrap_or_else(|error| panic!("cannot run {program}: {error}"));
        assert!(
            output.status.success(),
            "{program} {args:?} failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn write_old_tree(dir: &Path, cases: &[(&str, Vec<u8>, Vec<u8>)], patch: &[u8]) {
        for (path, old, _) in cases {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, old).unwrap();
        }
        std::fs::write(dir.join("changes.patch"), patch).unwrap();
    }

    fn assert_new_tree(dir: &Path, cases: &[(&str, Vec<u8>, Vec<u8>)], tool: &str) {
        for (path, _, new) in cases {
            let actual =
                std::fs::read(dir.join(path)).unwrap_or_else(|e| panic!("{tool}: {path}: {e}"));
            assert_eq!(
                String::from_utf8_lossy(&actual),
                String::from_utf8_lossy(new),
                "{tool}: {path}"
            );
            assert_eq!(&actual, new, "{tool}: {path}");
        }
    }

    fn patch_for(cases: &[(&str, Vec<u8>, Vec<u8>)]) -> Vec<u8> {
        let mut files: Vec<FileResult> =
            cases.iter().map(|(path, old, new)| changed(path, old, new)).collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        rendered(&report(files), false)
    }

    #[test]
    fn git_apply_reproduces_new_bytes() {
        let cases = round_trip_cases();
        let patch = patch_for(&cases);
        let dir = tempfile::tempdir().unwrap();
        run(dir.path(), "git", &["init", "--quiet", "."]);
        write_old_tree(dir.path(), &cases, &patch);
        run(dir.path(), "git", &["apply", "--check", "changes.patch"]);
        run(dir.path(), "git", &["apply", "changes.patch"]);
        assert_new_tree(dir.path(), &cases, "git apply");
    }

    #[test]
    fn patch_p1_reproduces_new_bytes() {
        // `.ci/run` installs `patch` where it is missing; this test never skips.
        assert!(Command::new("patch").arg("--version").output().is_ok(), "`patch` is not installed");
        let cases = round_trip_cases();
        let patch = patch_for(&cases);
        let dir = tempfile::tempdir().unwrap();
        write_old_tree(dir.path(), &cases, &patch);
        run(dir.path(), "patch", &["-p1", "--batch", "--dry-run", "--input", "changes.patch"]);
        run(dir.path(), "patch", &["-p1", "--batch", "--input", "changes.patch"]);
        assert_new_tree(dir.path(), &cases, "patch -p1");
    }
}
