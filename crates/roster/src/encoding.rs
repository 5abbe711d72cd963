//! The text encoding of a CSV roster. Korean Excel saves "CSV (쉼표로 분리)" in CP949 (EUC-KR
//! extended), "CSV UTF-8" with a byte order mark, and "Unicode text" in UTF-16 with one; all are
//! read, detected from the bytes or named by the user.

use encoding_rs::{Encoding, EUC_KR, UTF_16BE, UTF_16LE, UTF_8};

use crate::RosterError;

/// The encoding a user names: `utf-8`, `cp949` / `euc-kr` / `ms949` / `uhc` (one encoding in
/// practice: encoding_rs's EUC-KR is Windows code page 949), `utf-16` (little-endian, as Windows
/// writes it), `utf-16le`, `utf-16be`, or any WHATWG label.
pub fn encoding_for_label(label: &str) -> Result<&'static Encoding, RosterError> {
    let l = label.trim().to_ascii_lowercase();
    let found = match l.as_str() {
        "utf8" | "utf-8" => Some(UTF_8),
        "cp949" | "cp-949" | "ms949" | "uhc" | "euckr" | "euc-kr" => Some(EUC_KR),
        "utf16" | "utf-16" | "utf-16le" => Some(UTF_16LE),
        "utf-16be" => Some(UTF_16BE),
        _ => Encoding::for_label(l.as_bytes()),
    };
    found.ok_or_else(|| RosterError::UnknownEncoding(label.to_string()))
}

/// How [`decode`] reports an encoding: the name a Korean user knows.
pub fn display_name(e: &'static Encoding) -> &'static str {
    if e == EUC_KR {
        "CP949 (EUC-KR)"
    } else {
        e.name()
    }
}

/// The line (1-based) of the first character `text` could not decode (shown as U+FFFD).
fn first_bad_line(text: &str) -> usize {
    let at = text.find('\u{fffd}').unwrap_or(text.len());
    text[..at].matches('\n').count() + 1
}

/// Decode CSV bytes: in `wanted`'s encoding, else by the byte order mark, else UTF-8 if the
/// bytes are valid UTF-8, else CP949. Text that does not decode is an error naming the line,
/// never mojibake passed on as names.
pub fn decode(
    bytes: &[u8],
    wanted: Option<&'static Encoding>,
) -> Result<(String, &'static Encoding), RosterError> {
    let (encoding, body) = match (wanted, Encoding::for_bom(bytes)) {
        // A BOM of the encoding asked for is not part of the text.
        (Some(w), Some((bom, len))) if w == bom => (w, &bytes[len..]),
        (Some(w), _) => (w, bytes),
        (None, Some((bom, len))) => (bom, &bytes[len..]),
        (None, None) => match std::str::from_utf8(bytes) {
            Ok(text) => return Ok((text.to_string(), UTF_8)),
            Err(_) => (EUC_KR, bytes),
        },
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    if had_errors {
        return Err(RosterError::Encoding {
            tried: display_name(encoding).to_string(),
            line: first_bad_line(&text),
            detected: wanted.is_none(),
        });
    }
    Ok((text.into_owned(), encoding))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(encoding_for_label("CP949").unwrap(), EUC_KR);
        assert_eq!(encoding_for_label("euc-kr").unwrap(), EUC_KR);
        assert_eq!(encoding_for_label("ks_c_5601-1987").unwrap(), EUC_KR);
        assert_eq!(encoding_for_label("UTF-8").unwrap(), UTF_8);
        assert_eq!(encoding_for_label("utf-16").unwrap(), UTF_16LE);
        assert!(matches!(
            encoding_for_label("klingon"),
            Err(RosterError::UnknownEncoding(_))
        ));
    }

    #[test]
    fn detects_utf8_bom_utf16_and_cp949() {
        let text = "이름,채널\n침착맨,chzzk:abc\n";
        assert_eq!(decode(text.as_bytes(), None).unwrap().0, text);
        let with_bom = [b"\xef\xbb\xbf".as_slice(), text.as_bytes()].concat();
        assert_eq!(decode(&with_bom, None).unwrap().0, text);
        let (cp949, _, _) = EUC_KR.encode(text);
        let (decoded, enc) = decode(&cp949, None).unwrap();
        assert_eq!((decoded.as_str(), enc), (text, EUC_KR));
        let mut utf16 = vec![0xff, 0xfe];
        for u in text.encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        assert_eq!(decode(&utf16, None).unwrap(), (text.to_string(), UTF_16LE));
    }

    #[test]
    fn a_wrong_encoding_is_an_error_naming_the_line() {
        let (cp949, _, _) = EUC_KR.encode("name,url\n가,x\n");
        let err = decode(&cp949, Some(UTF_8)).unwrap_err();
        assert!(
            matches!(
                &err,
                RosterError::Encoding {
                    line: 2,
                    detected: false,
                    ..
                }
            ),
            "{err}"
        );
        // Neither UTF-8 nor CP949: bytes that are invalid in both.
        let err = decode(b"name,url\n\xff\xff,x\n", None).unwrap_err();
        assert!(
            matches!(&err, RosterError::Encoding { detected: true, .. }),
            "{err}"
        );
    }
}
