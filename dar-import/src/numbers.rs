//! Which way a file writes its amounts: `1.250,00` (Belgian, as Excel saves them on a Dutch
//! or French Windows) or `1,250.00` (English). Read from the file's own values, so a file
//! exported by an English accounting package is not misread; the user can override it.

use dar_core::types::Language;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberStyle {
    /// Decimal comma, thousands dot: `1.250,00`.
    Belgian,
    /// Decimal point, thousands comma: `1,250.00`.
    English,
}

impl NumberStyle {
    /// The language whose typing [`dar_core::typed::parse_amount`] should follow.
    pub fn language(self) -> Language {
        match self {
            NumberStyle::Belgian => Language::Nl,
            NumberStyle::English => Language::En,
        }
    }

    /// The style most of the telling values follow; Belgian when none tells (`1250`, and
    /// `1.250` or `1,250`, which could be either).
    pub fn detect<S: AsRef<str>>(values: impl IntoIterator<Item = S>) -> NumberStyle {
        let (mut belgian, mut english) = (0usize, 0usize);
        for value in values {
            match tells(
                value
                    .as_ref()
                    .trim()
                    .trim_start_matches('€')
                    .trim_end_matches('€')
                    .trim(),
            ) {
                Some(NumberStyle::Belgian) => belgian += 1,
                Some(NumberStyle::English) => english += 1,
                None => {}
            }
        }
        if english > belgian {
            NumberStyle::English
        } else {
            NumberStyle::Belgian
        }
    }
}

/// What one value says: a separator followed by one or two digits at the end is a decimal
/// mark; both separators present, the last one is.
fn tells(value: &str) -> Option<NumberStyle> {
    let last_comma = value.rfind(',');
    let last_dot = value.rfind('.');
    let style = |decimal: char| match decimal {
        ',' => NumberStyle::Belgian,
        _ => NumberStyle::English,
    };
    match (last_comma, last_dot) {
        (Some(c), Some(d)) => Some(style(if c > d { ',' } else { '.' })),
        (Some(at), None) | (None, Some(at)) => {
            let decimals = value.len() - at - 1;
            let mark = value[at..].chars().next()?;
            (1..=2).contains(&decimals).then(|| style(mark))
        }
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dar_core::typed::parse_amount;

    #[test]
    fn belgian_and_english_amounts_are_told_apart_by_their_decimals() {
        assert_eq!(
            NumberStyle::detect(["1.250,00", "12,5", "300"]),
            NumberStyle::Belgian
        );
        assert_eq!(
            NumberStyle::detect(["1,250.00", "12.5", "300"]),
            NumberStyle::English
        );
        assert_eq!(
            NumberStyle::detect(["€ 1.250,00", "€ 75,00"]),
            NumberStyle::Belgian
        );
    }

    #[test]
    fn values_that_could_be_either_leave_the_belgian_default() {
        assert_eq!(
            NumberStyle::detect(["1.250", "1,250", "300", ""]),
            NumberStyle::Belgian
        );
        assert_eq!(
            NumberStyle::detect(Vec::<&str>::new()),
            NumberStyle::Belgian
        );
    }

    #[test]
    fn an_english_file_is_read_with_english_separators() {
        let values = ["1,250.00", "3,000.50"];
        let style = NumberStyle::detect(values);
        assert_eq!(parse_amount(style.language(), values[0]), Some(125_000));
        assert_eq!(parse_amount(style.language(), values[1]), Some(300_050));
        // The same text read the Belgian way would be wrong, which is why the file decides.
        assert_eq!(parse_amount(Language::Nl, values[1]), None);
    }
}
