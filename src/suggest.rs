//! "Did you mean ...?" for misspelt keys, words and ids.
//!
//! Its cost is bounded whatever the input: only candidates of a length
//! close to the word's are compared, words longer than a key or an id
//! could be are not compared at all, and the search stops after a few
//! good candidates.

/// Longer than any key, word or id a person types; beyond it, no guess.
const MAX_CHARS: usize = 64;

/// Enough close candidates to pick the best of.
const ENOUGH: usize = 32;

/// The candidate closest to `word`, if it is close enough to be a likely typo.
/// A candidate that begins with `word` (three letters or more) also counts:
/// `tech` suggests `technical`.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let chars = word.chars().count();
    if chars > MAX_CHARS {
        return None;
    }
    let limit = (chars / 3).max(1);
    let lowered = word.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    let mut found = 0;
    for candidate in candidates {
        let is_prefix = lowered.len() >= 3 && candidate.starts_with(&lowered);
        let length = candidate.chars().take(MAX_CHARS + 1).count();
        if !is_prefix && length.abs_diff(chars) > limit {
            continue;
        }
        let distance = strsim::levenshtein(&lowered, candidate);
        if distance > limit && !is_prefix {
            continue;
        }
        if best.is_none_or(|b| (distance, candidate) < b) {
            best = Some((distance, candidate));
        }
        found += 1;
        if found >= ENOUGH || distance == 0 {
            break;
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_words_only() {
        let keys = ["likelihood", "impact", "title", "owner"];
        assert_eq!(did_you_mean("likelyhood", keys), Some("likelihood"));
        assert_eq!(did_you_mean("impcat", keys), Some("impact"));
        assert_eq!(did_you_mean("Owner", keys), Some("owner"));
        assert_eq!(did_you_mean("colour", keys), None);
        assert_eq!(
            did_you_mean("tech", ["technical", "data"]),
            Some("technical")
        );
        assert_eq!(did_you_mean("ti", ["title"]), None);
    }

    #[test]
    fn long_words_and_many_candidates_cost_little() {
        let long = "x".repeat(100_000);
        assert_eq!(did_you_mean(&long, [long.as_str()]), None);
        let ids: Vec<String> = (0..100_000).map(|i| format!("risk-{i}")).collect();
        assert_eq!(
            did_you_mean("risk-5x", ids.iter().map(String::as_str)),
            Some("risk-5")
        );
        let far = "y".repeat(60);
        assert_eq!(did_you_mean(&far, ids.iter().map(String::as_str)), None);
    }
}
