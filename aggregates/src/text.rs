//! The rule every free-text input of a command follows: not blank (not empty, not only
//! whitespace) and at most a number of characters. Each aggregate names its own refusals.

/// Refuses `text` with `blank` when it is empty or only whitespace, and with
/// `too_long(chars, max)` when it has more than `max` characters.
///
/// # Errors
/// The aggregate's refusal for the first rule `text` breaks.
pub(crate) fn check_text<E>(
    text: &str,
    max: usize,
    blank: E,
    too_long: impl FnOnce(usize, usize) -> E,
) -> Result<(), E> {
    if text.trim().is_empty() {
        return Err(blank);
    }
    let chars = text.chars().count();
    if chars > max {
        return Err(too_long(chars, max));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_must_be_non_blank_and_at_most_max_characters() {
        let check = |text: &str| check_text(text, 3, "blank", |_, _| "too long");
        assert_eq!(check("abc"), Ok(()));
        assert_eq!(check("äöü"), Ok(()), "characters, not bytes");
        assert_eq!(check(" \t"), Err("blank"));
        assert_eq!(check("abcd"), Err("too long"));
        assert_eq!(check_text("abcd", 3, 0, |chars, max| chars * 10 + max), Err(43));
    }
}
