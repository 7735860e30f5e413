//! "Did you mean ...?" for misspelt keys, words and ids.

/// The candidate closest to `word`, if it is close enough to be a likely typo.
/// A candidate that begins with `word` (three letters or more) also counts:
/// `tech` suggests `technical`.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    let lowered = word.to_lowercase();
    candidates
        .into_iter()
        .filter_map(|c| {
            let distance = edit_distance(&lowered, c);
            let is_prefix = lowered.len() >= 3 && c.starts_with(&lowered);
            (distance <= limit || is_prefix).then_some((distance, c))
        })
        .min()
        .map(|(_, c)| c)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("likelyhood", "likelihood"), 1);
        assert_eq!(edit_distance("abc", ""), 3);
    }

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
}
