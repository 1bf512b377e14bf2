//! `SourceFile`: a file's bytes decoded to text exactly (BOM, line endings, PEP 263
//! latin-1), a line index for positions, and the single wrapper around the parser,
//! so a parser upgrade touches this file only.

use ruff_python_ast::ModModule;
use ruff_python_parser::Parsed;
use ruff_text_size::{TextRange, TextSize};

use crate::discover::FileKind;
use crate::report::Position;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// How the text maps back to bytes on disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Codec {
    Utf8,
    /// ISO-8859-1, declared with a PEP 263 cookie: one byte is one char U+0000..U+00FF.
    Latin1,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Encoding {
    pub bom: bool,
    pub codec: Codec,
    /// The line ending new lines are written with: the file's first one, LF when it has none.
    pub newline: &'static str,
}

/// A file read for processing. `text` excludes the BOM; ranges are over `text`.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub display: String,
    pub kind: FileKind,
    pub text: String,
    pub encoding: Encoding,
}

/// Why bytes could not become text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Bytes that are not valid in the file's encoding, or a NUL byte: an error at a position.
    Invalid { position: Position, message: String },
    /// A declared encoding we do not round-trip exactly: the file is skipped with a note.
    Unsupported { codec: String },
}

/// A parse failure at a byte offset of the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseFailure {
    pub offset: TextSize,
    pub message: String,
}

impl SourceFile {
    pub fn decode(display: String, kind: FileKind, bytes: &[u8]) -> Result<SourceFile, DecodeError> {
        let (bom, body) = match bytes.strip_prefix(UTF8_BOM) {
            Some(rest) => (true, rest),
            None => (false, bytes),
        };
        let codec = if bom || kind != FileKind::Python {
            Codec::Utf8
        } else {
            declared_codec(body)?
        };
        let text = match codec {
            Codec::Utf8 => match std::str::from_utf8(body) {
                Ok(text) => text.to_owned(),
                Err(err) => {
                    let valid = &body[..err.valid_up_to()];
                    let bad = body[err.valid_up_to()];
                    return Err(DecodeError::Invalid {
                        position: position_after(std::str::from_utf8(valid).unwrap_or_default()),
                        message: format!(
                            "invalid UTF-8 byte 0x{bad:02x}; declare the file's encoding with a PEP 263 coding comment or re-save it as UTF-8"
                        ),
                    });
                }
            },
            Codec::Latin1 => body.iter().map(|&byte| char::from(byte)).collect(),
        };
        if let Some(nul) = text.find('\0') {
            return Err(DecodeError::Invalid {
                position: position_after(&text[..nul]),
                message: "source contains a NUL byte; Python cannot compile it".to_owned(),
            });
        }
        let newline = if text.find('\n').is_some_and(|at| text[..at].ends_with('\r')) {
            "\r\n"
        } else {
            "\n"
        };
        Ok(SourceFile { display, kind, text, encoding: Encoding { bom, codec, newline } })
    }

    pub fn line_index(&self) -> LineIndex {
        LineIndex::new(&self.text)
    }
}

impl Encoding {
    /// The bytes to write for `text`. Fails only if an edit put a character the codec cannot hold.
    pub fn encode(&self, text: &str) -> Result<Vec<u8>, String> {
        let mut bytes = Vec::with_capacity(text.len() + 3);
        if self.bom {
            bytes.extend_from_slice(UTF8_BOM);
        }
        match self.codec {
            Codec::Utf8 => bytes.extend_from_slice(text.as_bytes()),
            Codec::Latin1 => {
                for ch in text.chars() {
                    let byte = u8::try_from(u32::from(ch))
                        .map_err(|_| format!("character {ch:?} cannot be written in latin-1"))?;
                    bytes.push(byte);
                }
            }
        }
        Ok(bytes)
    }
}

/// The PEP 263 cookie on line 1 or 2, if any, as a codec we can round-trip.
fn declared_codec(body: &[u8]) -> Result<Codec, DecodeError> {
    for line in body.split(|&byte| byte == b'\n').take(2) {
        let line = String::from_utf8_lossy(line);
        let trimmed = line.trim_start_matches([' ', '\t', '\x0c']);
        if !trimmed.starts_with('#') {
            // Only a comment-only first line lets the cookie sit on line 2.
            if line.trim().is_empty() {
                continue;
            }
            break;
        }
        if let Some(name) = cookie_name(trimmed) {
            let normalized = name.to_ascii_lowercase().replace('_', "-");
            return match normalized.as_str() {
                "utf-8" | "utf8" | "ascii" | "us-ascii" => Ok(Codec::Utf8),
                "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "iso-latin-1" | "l1" => {
                    Ok(Codec::Latin1)
                }
                _ if normalized.starts_with("utf-8-") => Ok(Codec::Utf8),
                _ => Err(DecodeError::Unsupported { codec: name.to_owned() }),
            };
        }
    }
    Ok(Codec::Utf8)
}

/// `coding[:=]\s*([-\w.]+)` from PEP 263, without a regex.
fn cookie_name(comment: &str) -> Option<&str> {
    let at = comment.find("coding")?;
    let rest = comment[at + "coding".len()..].strip_prefix([':', '='])?;
    let rest = rest.trim_start_matches([' ', '\t']);
    let end = rest
        .find(|ch: char| !(ch.is_alphanumeric() || ch == '-' || ch == '_' || ch == '.'))
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

/// The position just after `prefix`, the text before some offset.
pub(crate) fn position_after(prefix: &str) -> Position {
    let line = prefix.matches('\n').count() + 1;
    let line_start = prefix.rfind('\n').map_or(0, |at| at + 1);
    Position { line, column: prefix[line_start..].chars().count() + 1 }
}

/// Byte offsets of line starts, for turning ranges into 1-based line and character columns.
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|at| at + 1));
        LineIndex { line_starts }
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: TextSize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset.to_usize())
    }

    pub fn position(&self, text: &str, offset: TextSize) -> Position {
        let line = self.line_of(offset);
        let start = self.line_starts[line - 1];
        let end = offset.to_usize().min(text.len());
        Position { line, column: text[start..end].chars().count() + 1 }
    }

    /// Byte range of a 1-based line, without its line ending.
    pub fn line_range(&self, text: &str, line: usize) -> TextRange {
        let start = self.line_starts[line - 1];
        let end = self.line_starts.get(line).map_or(text.len(), |&next| next);
        let content = text[start..end].trim_end_matches(['\n', '\r']);
        TextRange::at(TextSize::try_from(start).unwrap_or_default(), content.text_len())
    }
}

trait TextLen {
    fn text_len(&self) -> TextSize;
}

impl TextLen for &str {
    fn text_len(&self) -> TextSize {
        TextSize::try_from(self.len()).unwrap_or_default()
    }
}

/// Parse Python source. Every parser call in the crate goes through here.
pub fn parse_python(text: &str) -> Result<Parsed<ModModule>, ParseFailure> {
    ruff_python_parser::parse_module(text).map_err(|err| ParseFailure {
        offset: err.location.start(),
        message: err.error.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> Result<SourceFile, DecodeError> {
        SourceFile::decode("x.py".to_owned(), FileKind::Python, bytes)
    }

    #[test]
    fn utf8_with_bom_and_crlf_round_trips() {
        let bytes = b"\xEF\xBB\xBFx = 1\r\ny = 2\r\n";
        let file = decode(bytes).unwrap();
        assert_eq!(file.text, "x = 1\r\ny = 2\r\n");
        assert_eq!(file.encoding, Encoding { bom: true, codec: Codec::Utf8, newline: "\r\n" });
        assert_eq!(file.encoding.encode(&file.text).unwrap(), bytes);
    }

    #[test]
    fn latin1_cookie_round_trips_exactly() {
        let bytes = b"# -*- coding: latin-1 -*-\n# caf\xe9\nx = '\xe9'\n";
        let file = decode(bytes).unwrap();
        assert_eq!(file.encoding.codec, Codec::Latin1);
        assert!(file.text.contains("café"));
        assert_eq!(file.encoding.encode(&file.text).unwrap(), bytes);
    }

    #[test]
    fn cookie_on_second_line_after_shebang() {
        let file = decode(b"#!/usr/bin/env python\n# vim: set fileencoding=iso-8859-1 :\nx = '\xff'\n").unwrap();
        assert_eq!(file.encoding.codec, Codec::Latin1);
    }

    #[test]
    fn stray_byte_is_an_error_at_its_position() {
        let err = decode(b"x = 1\n# bad \xff here\n").unwrap_err();
        assert_eq!(
            err,
            DecodeError::Invalid {
                position: Position { line: 2, column: 7 },
                message: "invalid UTF-8 byte 0xff; declare the file's encoding with a PEP 263 coding comment or re-save it as UTF-8".to_owned(),
            }
        );
    }

    #[test]
    fn nul_byte_is_an_error() {
        let err = decode(b"x = 1\ny = \0\n").unwrap_err();
        assert!(matches!(err, DecodeError::Invalid { position: Position { line: 2, column: 5 }, .. }));
    }

    #[test]
    fn unsupported_cookie_is_reported_by_name() {
        assert_eq!(
            decode(b"# coding: cp1252\nx = 1\n").unwrap_err(),
            DecodeError::Unsupported { codec: "cp1252".to_owned() }
        );
    }

    #[test]
    fn positions_count_characters() {
        let text = "é = 'a'\nb = 1\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, TextSize::new(5)), Position { line: 1, column: 5 });
        assert_eq!(index.position(text, TextSize::new(9)), Position { line: 2, column: 1 });
        assert_eq!(index.line_range(text, 1), TextRange::new(TextSize::new(0), TextSize::new(8)));
    }

    #[test]
    fn parses_python_312_nested_fstrings() {
        assert!(parse_python("x = f\"{json.dumps({'a': f\"s3://{y}\"})}\"\n").is_ok());
        let err = parse_python("print \"x\"\n").unwrap_err();
        assert_eq!(err.offset, TextSize::new(6));
    }
}
