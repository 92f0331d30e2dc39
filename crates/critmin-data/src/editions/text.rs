//! Bytes to text, in the encoding each USGS file is published in.
//!
//! The MCS 2026 release is cp1252 (Windows-1252); the MCS 2025 World Data and salient files
//! and the MCS 2026 tables T6 and T7 are UTF-8. The importer expects exactly the published
//! encoding and says so when a file is in the other one: a UTF-8 file read as cp1252 would turn
//! every `—` into `â€”` and no label would match, and a cp1252 byte in a UTF-8 file is a
//! re-saved or edited file. Decoding goes through `encoding_rs`.

use crate::problem::Problem;

/// The encoding a release publishes a file in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8, with or without a byte-order mark.
    Utf8,
    /// Windows-1252.
    Cp1252,
}

impl Encoding {
    fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Cp1252 => "cp1252 (Windows-1252)",
        }
    }
}

/// The 1-based line holding byte `offset`.
fn line_of(bytes: &[u8], offset: usize) -> u64 {
    1 + bytes[..offset.min(bytes.len())].iter().filter(|&&b| b == b'\n').count() as u64
}

/// Decodes `bytes` as `encoding`; a file in the other encoding is one problem naming the line
/// of the first byte that shows it.
pub fn decode(file: &str, bytes: &[u8], encoding: Encoding) -> Result<String, Problem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match encoding {
        Encoding::Utf8 => match std::str::from_utf8(bytes) {
            Ok(text) => Ok(text.to_owned()),
            Err(e) => {
                let offset = e.valid_up_to();
                Err(Problem {
                    file: file.to_owned(),
                    line: line_of(bytes, offset),
                    column: None,
                    value: Some(format!("byte 0x{:02X}", bytes[offset])),
                    expected: format!(
                        "{} text, as USGS publishes this file (this byte is not UTF-8: a cp1252 file, or one \
                            re-saved in another encoding?)",
                        Encoding::Utf8.name()
                    ),
                })
            }
        },
        Encoding::Cp1252 => {
            if let Some(offset) = bytes.iter().position(|&b| b >= 0x80)
                && std::str::from_utf8(bytes).is_ok()
            {
                // Valid UTF-8 with non-ASCII characters: cp1252 text almost never is.
                return Err(Problem {
                    file: file.to_owned(),
                    line: line_of(bytes, offset),
                    column: None,
                    value: None,
                    expected: format!(
                        "{} text, as USGS publishes this file (this file is UTF-8: re-saved after download? use the \
                            file as published)",
                        Encoding::Cp1252.name()
                    ),
                });
            }
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            Ok(text.into_owned())
        }
    }
}

/// The text of a release file: decoded as [`decode`] does, and complete. USGS files end with a
/// line break; one that ends inside a line was cut short (an interrupted download), and its last
/// record may still have all its fields (a long quoted note cut in the middle), so the CSV
/// reader alone would not notice.
pub fn release_text(file: &str, bytes: &[u8], encoding: Encoding) -> Result<String, Problem> {
    let text = decode(file, bytes, encoding)?;
    if !text.is_empty() && !text.ends_with('\n') {
        let line = 1 + text.matches('\n').count() as u64;
        return Err(Problem::line(
            file,
            line,
            "a last line ending with a line break, as USGS publishes its files (the file ends inside \
                this line: cut short?)",
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_encoding_rejects_the_other_with_the_line() {
        let cp1252 = b"a,b\n1,\x97\n";
        assert_eq!(decode("f.csv", cp1252, Encoding::Cp1252).unwrap(), "a,b\n1,\u{2014}\n");
        let e = decode("f.csv", cp1252, Encoding::Utf8).unwrap_err();
        assert_eq!((e.line, e.value.as_deref()), (2, Some("byte 0x97")));
        let utf8 = "a,b\n1,x\n2,\u{2014}\n".as_bytes();
        assert_eq!(decode("f.csv", utf8, Encoding::Cp1252).unwrap_err().line, 3);
        assert_eq!(decode("f.csv", b"\xEF\xBB\xBFa\n", Encoding::Utf8).unwrap(), "a\n");
    }

    #[test]
    fn a_file_cut_inside_a_line_is_refused() {
        assert_eq!(
            release_text("f.csv", b"a,b\r\n1,\"x y", Encoding::Utf8)
                .unwrap_err()
                .line,
            2
        );
        assert_eq!(
            release_text("f.csv", b"a,b\r\n1,2\r\n", Encoding::Utf8).unwrap(),
            "a,b\r\n1,2\r\n"
        );
    }
}
