//! The one rule for matching text without regard to case, used by every case-insensitive
//! match of the API (message search, the contact filters, `contactEmail`): both sides are
//! *folded* by [`fold`] and compared as plain strings. The databases never fold anything;
//! they compare what this module wrote into the folded shadow columns with the folded query,
//! so SQLite and PostgreSQL give the same answers by construction.
//!
//! The rule: the text is cut into segments (a character that starts a combining sequence,
//! with the combining marks after it); each segment is put in NFC (so "E" followed by a
//! combining acute is "É"), case-folded with Unicode's full default case folding
//! (CaseFolding.txt, statuses C and F: "ß" and "ẞ" are "ss", "ﬁ" is "fi", "ſ" is "s",
//! final "ς" is "σ", "İ" is "i" followed by a combining dot above, "ı" stays "ı") and put in
//! NFC again. Accents are kept: "e" does not match "é".
//!
//! A segment that NFC leaves as it is is folded character by character, so each folded
//! character can be traced back to the original character it came from (highlights are
//! given in characters of the original text); a segment NFC recomposes traces back as a
//! whole.

use icu_casemap::CaseMapper;
use icu_normalizer::ComposingNormalizerBorrowed;
use icu_normalizer::properties::CanonicalCombiningClassMapBorrowed;
use std::ops::Range;

/// `text` folded: what the shadow columns hold and what a query is compared as.
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    fold_segments(text, |_, folded| out.push_str(folded));
    out
}

/// [`fold`] of an optional text.
pub fn fold_opt(text: Option<&str>) -> Option<String> {
    text.map(fold)
}

/// Whether `text` has nothing but white space (Unicode White_Space), or nothing at all. Such
/// a text is refused wherever a text is compared with.
pub fn is_blank(text: &str) -> bool {
    text.chars().all(char::is_whitespace)
}

/// A folded text that remembers, for each of its characters, which characters of the
/// original text it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Traced {
    /// The folded characters (the same as `fold(original)`).
    pub chars: Vec<char>,
    /// For each folded character, its origin: a range of character offsets in the original.
    pub origin: Vec<Range<usize>>,
}

/// `text` folded, traced back to its characters.
fn trace(text: &str) -> Traced {
    let mut chars = Vec::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len());
    fold_segments(text, |from, folded| {
        for c in folded.chars() {
            chars.push(c);
            origin.push(from.clone());
        }
    });
    Traced { chars, origin }
}

/// Every non-overlapping occurrence of `folded_query` (already folded) in `text`, leftmost
/// first, as ranges of character offsets in `text`. An occurrence that starts or ends inside
/// a character whose folding is longer than one character ("s" in "ß", folded "ss") covers
/// that whole character.
pub fn occurrences(text: &str, folded_query: &str) -> Vec<Range<usize>> {
    let needle: Vec<char> = folded_query.chars().collect();
    let traced = trace(text);
    let hay = &traced.chars;
    let mut found = Vec::new();
    if needle.is_empty() || needle.len() > hay.len() {
        return found;
    }
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        if hay[i..i + needle.len()] == needle[..] {
            let last = i + needle.len() - 1;
            found.push(traced.origin[i].start..traced.origin[last].end);
            i += needle.len();
        } else {
            i += 1;
        }
    }
    found
}

/// Calls `emit(original_range, folded)` for each traced piece of `text`, in order.
fn fold_segments(text: &str, mut emit: impl FnMut(Range<usize>, &str)) {
    let ccc = CanonicalCombiningClassMapBorrowed::new();
    let nfc = ComposingNormalizerBorrowed::new_nfc();
    let case = CaseMapper::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut at = 0;
    while at < chars.len() {
        // A segment: this character and the combining marks (non-zero combining class)
        // after it.
        let mut end = at + 1;
        while end < chars.len() && ccc.get_u8(chars[end].1) != 0 {
            end += 1;
        }
        let byte_start = chars[at].0;
        let byte_end = chars.get(end).map_or(text.len(), |(b, _)| *b);
        let segment = &text[byte_start..byte_end];
        let composed = nfc.normalize(segment);
        if composed == segment {
            for (offset, &(b, c)) in chars[at..end].iter().enumerate() {
                let one = &text[b..b + c.len_utf8()];
                if c.is_ascii() {
                    let mut buf = [0u8; 1];
                    let lower = c.to_ascii_lowercase().encode_utf8(&mut buf);
                    emit(at + offset..at + offset + 1, lower);
                } else {
                    let folded = case.fold_string(one);
                    emit(at + offset..at + offset + 1, &nfc.normalize(&folded));
                }
            }
        } else {
            let folded = case.fold_string(&composed);
            emit(at..end, &nfc.normalize(&folded));
        }
        at = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_is_lower_cased() {
        assert_eq!(fold("Hello WORLD 42"), "hello world 42");
    }

    #[test]
    fn full_case_folding_and_nfc() {
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("STRAẞE"), "strasse");
        assert_eq!(fold("ﬁle"), "file");
        assert_eq!(fold("ſtar"), "star");
        assert_eq!(fold("ΣΟΦΟΣ σοφος σοφοσ"), "σοφοσ σοφοσ σοφοσ");
        assert_eq!(fold("ı"), "ı");
        assert_eq!(fold("İ"), "i\u{307}");
        // E + combining acute and the precomposed É fold alike.
        assert_eq!(fold("E\u{301}lodie"), "\u{e9}lodie");
        assert_eq!(fold("\u{c9}lodie"), "\u{e9}lodie");
        // No accent folding.
        assert_ne!(fold("é"), fold("e"));
    }

    #[test]
    fn the_fold_is_the_traced_text() {
        for s in [
            "Straße",
            "E\u{301}cole",
            "q\u{303}",
            "İstanbul",
            "👍🏽 ok",
            "ﬁ",
        ] {
            assert_eq!(trace(s).chars.iter().collect::<String>(), fold(s));
        }
    }

    #[test]
    fn occurrences_are_in_original_characters() {
        // "ß" (one character) is found by "ss".
        assert_eq!(occurrences("Straße", &fold("SS")), vec![4..5]);
        // A decomposed É is two characters.
        assert_eq!(occurrences("E\u{301}lodie", &fold("élo")), vec![0..4]);
        assert_eq!(occurrences("aXa xa", "xa"), vec![1..3, 4..6]);
        assert_eq!(occurrences("nothing", "zz"), Vec::<Range<usize>>::new());
    }

    #[test]
    fn blank_is_white_space_only() {
        assert!(is_blank(""));
        assert!(is_blank(" \t\u{a0}\u{3000}"));
        assert!(!is_blank(" a "));
        assert!(!is_blank("\u{200b}"));
    }
}
