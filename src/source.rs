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
    /// Declared `ascii`: UTF-8 that may hold no byte above 0x7f.
    Ascii,
    /// ISO-8859-1, declared with a PEP 263 cookie: one byte is one char U+0000..U+00FF.
    Latin1,
    /// Another single-byte codec Python reads source in (cp1252, iso-8859-2, koi8-r, ...):
    /// ASCII as itself, each byte above 0x7f one character, so text and bytes round-trip.
    SingleByte(SingleByte),
}

/// A single-byte codec: Python's name for it and the table it decodes with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SingleByte {
    pub name: &'static str,
    encoding: &'static encoding_rs::Encoding,
    overrides: &'static [(u8, Option<char>)],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Encoding {
    pub bom: bool,
    pub codec: Codec,
    /// The line ending new lines are written with: the file's first one (`\n`, `\r\n`
    /// or a lone `\r`, which Python also reads as a line break), `\n` when it has none.
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

/// Why bytes could not become text: an error for the file (exit 2).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Bytes that are not valid in the file's encoding, a NUL byte, or a cookie Python rejects.
    #[error("{message}")]
    Invalid { position: Position, message: String },
    /// A declared encoding this tool cannot decode (UTF-16, an unknown codec): its own
    /// kind of error, since the file's content is unknown (`files.exclude` leaves it out).
    #[error("declared encoding `{codec}` cannot be decoded (UTF-8, latin-1 and Python's single-byte codecs such as cp1252 can); convert the file to UTF-8, or list it in files.exclude")]
    Unsupported { position: Position, codec: String },
}

impl DecodeError {
    pub fn position(&self) -> Position {
        match self {
            DecodeError::Invalid { position, .. } | DecodeError::Unsupported { position, .. } => *position,
        }
    }
}

/// A parse failure at a byte offset of the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseFailure {
    pub offset: TextSize,
    pub message: String,
}

impl SourceFile {
    pub fn decode(display: String, kind: FileKind, bytes: &[u8]) -> Result<SourceFile, DecodeError> {
        let (bom, codec) = plan(kind, bytes)?;
        let body = if bom { &bytes[UTF8_BOM.len()..] } else { bytes };
        let text = match codec {
            Codec::Utf8 | Codec::Ascii => match std::str::from_utf8(body) {
                Ok(text) if codec == Codec::Ascii && !text.is_ascii() => {
                    let at = text.bytes().position(|byte| !byte.is_ascii()).unwrap_or_default();
                    return Err(undecodable(&body[..at], body[at], "ascii"));
                }
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
            Codec::SingleByte(codec) => {
                let table = codec.table();
                let mut text = String::with_capacity(body.len());
                for (at, &byte) in body.iter().enumerate() {
                    match decode_byte(&table, byte) {
                        Some(ch) => text.push(ch),
                        None => return Err(undecodable(&body[..at], byte, codec.name)),
                    }
                }
                text
            }
        };
        if let Some(nul) = text.find('\0') {
            return Err(DecodeError::Invalid {
                position: position_after(&text[..nul]),
                message: "source contains a NUL byte; Python cannot compile it".to_owned(),
            });
        }
        let newline = match text.find(['\r', '\n']).map(|at| &text[at..]) {
            Some(rest) if rest.starts_with("\r\n") => "\r\n",
            Some(rest) if rest.starts_with('\r') => "\r",
            _ => "\n",
        };
        Ok(SourceFile { display, kind, text, encoding: Encoding { bom, codec, newline } })
    }

    pub fn line_index(&self) -> LineIndex {
        LineIndex::new(&self.text)
    }
}

/// Whether the ASCII trigger words of a file would show in its raw bytes, so the
/// prefilter may pass over it: not when it is UTF-16, or declares an encoding that
/// cannot be decoded (then it must be decoded, and fail, not be passed over).
pub fn words_visible_in_bytes(bytes: &[u8]) -> bool {
    plan(FileKind::Python, bytes).is_ok()
}

/// The BOM and the codec to decode with, from the BOM and the PEP 263 cookie.
fn plan(kind: FileKind, bytes: &[u8]) -> Result<(bool, Codec), DecodeError> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(DecodeError::Unsupported { position: Position { line: 1, column: 1 }, codec: "utf-16".to_owned() });
    }
    let (bom, body) = match bytes.strip_prefix(UTF8_BOM) {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    if kind != FileKind::Python {
        return Ok((bom, Codec::Utf8));
    }
    let Some((line, name)) = cookie(body) else { return Ok((bom, Codec::Utf8)) };
    let position = Position { line, column: 1 };
    let codec = codec_named(&name).ok_or_else(|| DecodeError::Unsupported { position, codec: name.clone() })?;
    if bom && codec != Codec::Utf8 {
        // What Python says: a BOM means UTF-8, whatever the cookie claims.
        return Err(DecodeError::Invalid { position, message: format!("encoding problem: {name} with BOM") });
    }
    Ok((bom, codec))
}

fn undecodable(before: &[u8], byte: u8, codec: &str) -> DecodeError {
    // Every byte before is one character (ASCII, or a single-byte codec's).
    let prefix: String = before.iter().map(|&b| if b.is_ascii() { char::from(b) } else { '\u{fffd}' }).collect();
    DecodeError::Invalid {
        position: position_after(&prefix),
        message: format!("byte 0x{byte:02x} is not defined in {codec}, the file's declared encoding"),
    }
}

/// The PEP 263 cookie on line 1 or 2, if any: its line and the name it declares.
fn cookie(body: &[u8]) -> Option<(usize, String)> {
    for (number, line) in body.split(|&byte| byte == b'\n').take(2).enumerate() {
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
            return Some((number + 1, name.to_owned()));
        }
    }
    None
}

/// Python's codec for a cookie name, if we decode it: `codecs.lookup` normalizes the name
/// (lowercase, runs of other characters than letters, digits and `.` become `_`).
fn codec_named(name: &str) -> Option<Codec> {
    let mut normalized = String::new();
    for ch in name.chars() {
        if ch.is_ascii_alphanumeric() || ch == '.' {
            normalized.push(ch.to_ascii_lowercase());
        } else if !normalized.ends_with('_') {
            normalized.push('_');
        }
    }
    let normalized = normalized.trim_matches('_');
    // The tokenizer's own shortcut: anything starting `utf-8-` is UTF-8.
    if normalized.starts_with("utf_8_") {
        return Some(Codec::Utf8);
    }
    match normalized {
        "utf_8" | "utf8" | "u8" | "utf" | "cp65001" => return Some(Codec::Utf8),
        "ascii" | "us_ascii" | "646" | "us" => return Some(Codec::Ascii),
        "latin_1" | "latin1" | "iso_8859_1" | "iso8859_1" | "8859" | "cp819" | "latin" | "l1" | "iso_ir_100"
        | "csisolatin1" | "ibm819" | "iso_latin_1" => return Some(Codec::Latin1),
        _ => {}
    }
    SINGLE_BYTE
        .iter()
        .find(|(_, aliases, _, _)| aliases.contains(&normalized))
        .map(|&(name, _, encoding, overrides)| Codec::SingleByte(SingleByte { name, encoding, overrides }))
}

/// Python's single-byte codecs whose table encoding_rs holds (checked byte for byte
/// against Python in tests/hardening.rs): Python's name, the cookie names it answers to
/// (normalized), the table, and the bytes where Python's table differs from WHATWG's.
type SingleByteEntry = (&'static str, &'static [&'static str], &'static encoding_rs::Encoding, &'static [(u8, Option<char>)]);
const SINGLE_BYTE: &[SingleByteEntry] = &[
    ("cp1250", &["cp1250", "windows_1250"], &encoding_rs::WINDOWS_1250_INIT, &[]),
    ("cp1251", &["cp1251", "windows_1251"], &encoding_rs::WINDOWS_1251_INIT, &[]),
    ("cp1252", &["cp1252", "windows_1252"], &encoding_rs::WINDOWS_1252_INIT, &[]),
    ("cp1253", &["cp1253", "windows_1253"], &encoding_rs::WINDOWS_1253_INIT, &[]),
    ("cp1254", &["cp1254", "windows_1254"], &encoding_rs::WINDOWS_1254_INIT, &[]),
    ("cp1255", &["cp1255", "windows_1255"], &encoding_rs::WINDOWS_1255_INIT, &[(0xca, None)]),
    ("cp1256", &["cp1256", "windows_1256"], &encoding_rs::WINDOWS_1256_INIT, &[]),
    ("cp1257", &["cp1257", "windows_1257"], &encoding_rs::WINDOWS_1257_INIT, &[]),
    ("cp1258", &["cp1258", "windows_1258"], &encoding_rs::WINDOWS_1258_INIT, &[]),
    ("cp874", &["cp874"], &encoding_rs::WINDOWS_874_INIT, &[]),
    ("cp866", &["cp866", "866", "ibm866", "csibm866"], &encoding_rs::IBM866_INIT, &[]),
    ("iso8859_2", &["iso8859_2", "iso_8859_2", "latin2", "l2", "iso_ir_101", "csisolatin2"], &encoding_rs::ISO_8859_2_INIT, &[]),
    ("iso8859_3", &["iso8859_3", "iso_8859_3", "latin3", "l3", "iso_ir_109", "csisolatin3"], &encoding_rs::ISO_8859_3_INIT, &[]),
    ("iso8859_4", &["iso8859_4", "iso_8859_4", "latin4", "l4", "iso_ir_110", "csisolatin4"], &encoding_rs::ISO_8859_4_INIT, &[]),
    ("iso8859_5", &["iso8859_5", "iso_8859_5", "cyrillic", "iso_ir_144", "csisolatincyrillic"], &encoding_rs::ISO_8859_5_INIT, &[]),
    ("iso8859_6", &["iso8859_6", "iso_8859_6", "arabic", "asmo_708", "ecma_114", "iso_ir_127", "csisolatinarabic"], &encoding_rs::ISO_8859_6_INIT, &[]),
    ("iso8859_7", &["iso8859_7", "iso_8859_7", "greek", "greek8", "elot_928", "ecma_118", "iso_ir_126", "csisolatingreek"], &encoding_rs::ISO_8859_7_INIT, &[]),
    ("iso8859_8", &["iso8859_8", "iso_8859_8", "hebrew", "iso_ir_138", "csisolatinhebrew"], &encoding_rs::ISO_8859_8_INIT, &[]),
    ("iso8859_10", &["iso8859_10", "iso_8859_10", "latin6", "l6", "iso_ir_157", "csisolatin6"], &encoding_rs::ISO_8859_10_INIT, &[]),
    ("iso8859_13", &["iso8859_13", "iso_8859_13", "latin7", "l7"], &encoding_rs::ISO_8859_13_INIT, &[]),
    ("iso8859_14", &["iso8859_14", "iso_8859_14", "latin8", "l8", "iso_celtic", "iso_ir_199"], &encoding_rs::ISO_8859_14_INIT, &[]),
    ("iso8859_15", &["iso8859_15", "iso_8859_15", "latin9", "l9"], &encoding_rs::ISO_8859_15_INIT, &[]),
    ("iso8859_16", &["iso8859_16", "iso_8859_16", "latin10", "l10", "iso_ir_226"], &encoding_rs::ISO_8859_16_INIT, &[]),
    ("koi8_r", &["koi8_r", "cskoi8r"], &encoding_rs::KOI8_R_INIT, &[]),
    // WHATWG's KOI8-U is KOI8-RU (Ў and ў at 0xbe and 0xae); Python's is RFC 2319.
    ("koi8_u", &["koi8_u"], &encoding_rs::KOI8_U_INIT, &[(0xae, Some('\u{255d}')), (0xbe, Some('\u{256c}'))]),
    ("mac_roman", &["mac_roman", "macroman", "macintosh"], &encoding_rs::MACINTOSH_INIT, &[]),
    ("mac_cyrillic", &["mac_cyrillic", "maccyrillic"], &encoding_rs::X_MAC_CYRILLIC_INIT, &[]),
];

/// Every cookie name (normalized) of the single-byte codecs, with Python's codec name:
/// for the test that holds them against Python.
pub fn single_byte_codec_names() -> Vec<(&'static str, &'static str)> {
    SINGLE_BYTE.iter().flat_map(|&(name, aliases, _, _)| aliases.iter().map(move |&alias| (alias, name))).collect()
}

impl SingleByte {
    /// The characters of bytes 0x80..=0xff; `None` where Python's codec has none.
    fn table(&self) -> [Option<char>; 128] {
        // The WHATWG tables fill the holes of the windows-* code pages with the C1
        // control at the same code point; Python leaves them undefined.
        let holes_are_c1 = self.name.starts_with("cp12") || self.name == "cp874";
        std::array::from_fn(|at| {
            let byte = [0x80 + at as u8];
            if let Some(&(_, ch)) = self.overrides.iter().find(|(overridden, _)| *overridden == byte[0]) {
                return ch;
            }
            let ch = self.encoding.decode_without_bom_handling_and_without_replacement(&byte)?.chars().next()?;
            (!(holes_are_c1 && ('\u{80}'..='\u{9f}').contains(&ch))).then_some(ch)
        })
    }
}

fn decode_byte(table: &[Option<char>; 128], byte: u8) -> Option<char> {
    if byte.is_ascii() {
        Some(char::from(byte))
    } else {
        table[usize::from(byte - 0x80)]
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
            Codec::Ascii if text.is_ascii() => bytes.extend_from_slice(text.as_bytes()),
            Codec::Ascii => return Err("a character outside ASCII cannot be written in ascii".to_owned()),
            Codec::Latin1 => {
                for ch in text.chars() {
                    let byte = u8::try_from(u32::from(ch))
                        .map_err(|_| format!("character {ch:?} cannot be written in latin-1"))?;
                    bytes.push(byte);
                }
            }
            Codec::SingleByte(codec) => {
                let table = codec.table();
                for ch in text.chars() {
                    let byte = if ch.is_ascii() {
                        Some(ch as u8)
                    } else {
                        table.iter().position(|&entry| entry == Some(ch)).map(|at| 0x80 + at as u8)
                    };
                    bytes.push(byte.ok_or_else(|| format!("character {ch:?} cannot be written in {}", codec.name))?);
                }
            }
        }
        Ok(bytes)
    }
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
    /// The UTF-8 continuation bytes before each multiple of `CHAR_BLOCK` (and before the
    /// end): a column or a character count scans at most one block, however long the
    /// line, so placing every finding of a file stays linear.
    continuations: Vec<usize>,
}

const CHAR_BLOCK: usize = 4096;

/// How many bytes are `0b10xx_xxxx`, eight at a time: in each byte of `word & !(word << 1)`
/// the top bit is set where bit 7 is set and bit 6 is not (building every parsed file's
/// index byte by byte was 3% of `check`).
fn continuation_bytes(bytes: &[u8]) -> usize {
    const TOP_BITS: u64 = 0x8080_8080_8080_8080;
    let words = bytes.chunks_exact(8);
    let tail = words.remainder().iter().filter(|&&byte| byte & 0xC0 == 0x80).count();
    let counted: u32 = words.map(|chunk| u64::from_le_bytes(chunk.try_into().expect("eight bytes"))).map(|word| (word & !(word << 1) & TOP_BITS).count_ones()).sum();
    counted as usize + tail
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        // Reserved for about one line a 32 bytes (grown by doubling otherwise).
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|at| at + 1));
        let blocks = text.len().div_ceil(CHAR_BLOCK);
        // Mostly ASCII: no continuation bytes anywhere, checked a word at a time.
        let continuations = if text.is_ascii() {
            vec![0; blocks + 1]
        } else {
            let mut continuations = Vec::with_capacity(blocks + 1);
            continuations.push(0);
            for block in text.as_bytes().chunks(CHAR_BLOCK) {
                continuations.push(continuations.last().copied().unwrap_or_default() + continuation_bytes(block));
            }
            continuations
        };
        LineIndex { line_starts, continuations }
    }

    /// How many characters `text` has before byte `offset`.
    pub fn chars_before(&self, text: &str, offset: usize) -> usize {
        let offset = offset.min(text.len());
        let block = offset / CHAR_BLOCK;
        offset - self.continuations[block] - continuation_bytes(&text.as_bytes()[block * CHAR_BLOCK..offset])
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: TextSize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset.to_usize())
    }

    pub fn position(&self, text: &str, offset: TextSize) -> Position {
        let line = self.line_of(offset);
        let start = self.line_starts[line - 1];
        let offset = offset.to_usize().min(text.len());
        // A usual line is shorter than a block: count its characters directly, rather than
        // two block scans (placing findings was an eighth of `check`).
        let chars = if offset - start <= CHAR_BLOCK {
            offset - start - continuation_bytes(&text.as_bytes()[start..offset])
        } else {
            self.chars_before(text, offset) - self.chars_before(text, start)
        };
        Position { line, column: chars + 1 }
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
    fn continuation_bytes_are_counted_eight_at_a_time_as_one_by_one() {
        // Every byte value, at every alignment and length up to 40 (word part and tail).
        let bytes: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
        for start in 0..8 {
            for len in 0..40 {
                let part = &bytes[start * 37..][..len];
                assert_eq!(continuation_bytes(part), part.iter().filter(|&&b| (0x80..0xC0).contains(&b)).count(), "{part:?}");
            }
        }
        assert_eq!(continuation_bytes(&bytes), 2 * 64);
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
    fn undecodable_cookie_is_its_own_error_at_the_cookie() {
        for (bytes, line, codec) in [
            (&b"# coding: utf-16\nx = 1\n"[..], 1, "utf-16"),
            (b"#!/usr/bin/env python\n# -*- coding: klingon -*-\n", 2, "klingon"),
            (b"\xff\xfe#\x00 \x00", 1, "utf-16"),
        ] {
            let err = decode(bytes).unwrap_err();
            assert_eq!(err, DecodeError::Unsupported { position: Position { line, column: 1 }, codec: codec.to_owned() });
            assert!(!words_visible_in_bytes(bytes));
        }
        assert_eq!(
            decode(b"# coding: utf-16\n").unwrap_err().to_string(),
            "declared encoding `utf-16` cannot be decoded (UTF-8, latin-1 and Python's single-byte codecs such as cp1252 can); convert the file to UTF-8, or list it in files.exclude"
        );
    }

    #[test]
    fn bom_with_a_latin1_cookie_is_what_python_rejects() {
        let bytes = b"\xEF\xBB\xBF# -*- coding: latin-1 -*-\nx = 1\n";
        assert_eq!(
            decode(bytes).unwrap_err(),
            DecodeError::Invalid { position: Position { line: 1, column: 1 }, message: "encoding problem: latin-1 with BOM".to_owned() }
        );
        assert!(!words_visible_in_bytes(bytes));
        // A BOM with a UTF-8 cookie is fine.
        assert!(decode(b"\xEF\xBB\xBF# coding: utf-8\nx = 1\n").is_ok());
    }

    #[test]
    fn cp1252_and_other_single_byte_codecs_round_trip_exactly() {
        let bytes = b"# -*- coding: cp1252 -*-\n# \x80 \x93quoted\x94 caf\xe9\nB = \"\x9c\"\n";
        let file = decode(bytes).unwrap();
        assert!(matches!(file.encoding.codec, Codec::SingleByte(SingleByte { name: "cp1252", .. })));
        assert_eq!(file.text, "# -*- coding: cp1252 -*-\n# \u{20ac} \u{201c}quoted\u{201d} café\nB = \"\u{153}\"\n");
        assert_eq!(file.encoding.encode(&file.text).unwrap(), bytes);
        // Bytes cp1252 leaves undefined are errors, as in Python.
        let err = decode(b"# coding: windows-1252\nx = '\x81'\n").unwrap_err();
        assert_eq!(
            err,
            DecodeError::Invalid {
                position: Position { line: 2, column: 6 },
                message: "byte 0x81 is not defined in cp1252, the file's declared encoding".to_owned()
            }
        );
        let koi8 = decode(b"# coding: KOI8-R\nx = '\xc1'\n").unwrap();
        assert_eq!(koi8.text, "# coding: KOI8-R\nx = '\u{430}'\n");
        assert_eq!(koi8.encoding.encode("\u{20ac}").unwrap_err(), "character '\u{20ac}' cannot be written in koi8_r");
    }

    #[test]
    fn ascii_cookie_refuses_other_bytes() {
        assert!(decode(b"# coding: ascii\nx = 1\n").is_ok());
        assert_eq!(decode(b"# coding: ascii\nx = '\xc3\xa9'\n").unwrap_err().position(), Position { line: 2, column: 6 });
    }

    #[test]
    fn line_ending_for_inserted_lines_is_the_files_own() {
        for (text, newline) in [("a\nb\n", "\n"), ("a\r\nb\r\n", "\r\n"), ("a\rb\r", "\r"), ("a", "\n"), ("a\rb\n", "\r")] {
            assert_eq!(decode(text.as_bytes()).unwrap().encoding.newline, newline, "{text:?}");
        }
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
    fn positions_on_long_mixed_lines_match_counting_from_the_line_start() {
        // Checkpoints every 4 KiB: offsets on both sides of several, inside long lines.
        let line = "é€x𝄞".repeat(1500);
        let text = format!("{line}\n{line}\r\nab\n");
        let index = LineIndex::new(&text);
        let mut offsets: Vec<usize> = text.char_indices().map(|(at, _)| at).step_by(7).collect();
        offsets.push(text.len());
        for offset in offsets {
            let start = text[..offset].rfind('\n').map_or(0, |at| at + 1);
            let line = text[..offset].matches('\n').count() + 1;
            let expected = Position { line, column: text[start..offset].chars().count() + 1 };
            assert_eq!(index.position(&text, TextSize::try_from(offset).unwrap()), expected, "offset {offset}");
            assert_eq!(index.chars_before(&text, offset), text[..offset].chars().count(), "offset {offset}");
        }
    }

    #[test]
    fn parses_python_312_nested_fstrings() {
        assert!(parse_python("x = f\"{json.dumps({'a': f\"s3://{y}\"})}\"\n").is_ok());
        let err = parse_python("print \"x\"\n").unwrap_err();
        assert_eq!(err.offset, TextSize::new(6));
    }
}
