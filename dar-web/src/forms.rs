//! Form parts every page uses: a labelled field with its hint and its error next to it
//! (announced to screen readers and linked by `aria-describedby`), and the summary of a
//! refused form. Values are read the way Belgians type them (31/12/2025, 1.250,00) by
//! [`dar_core::typed`], which imports read files with too.

use maud::{Markup, html};

pub use dar_core::typed::{parse_amount, parse_count, parse_date};

/// What kind of control a field is.
pub enum Control<'a> {
    Text,
    Email,
    Tel,
    Password {
        autocomplete: &'a str,
    },
    /// A date typed as 31/12/2025 (or picked; `yyyy-mm-dd` is accepted too).
    Date,
    /// A whole number of shares.
    Count,
    /// An amount in euro, typed as 1.250,00 or 1250.
    Amount,
    /// Several lines of text.
    Area,
    /// One of `options` as (value, label).
    Select {
        options: Vec<(String, String)>,
    },
}

/// One field of a form: its name (also the element id), label, current value, an optional
/// hint, and the error that refused it, if any.
pub struct Field<'a> {
    pub name: &'a str,
    pub label: &'a str,
    pub value: &'a str,
    pub control: Control<'a>,
    pub hint: Option<&'a str>,
    pub error: Option<&'a str>,
    pub required: bool,
}

impl<'a> Field<'a> {
    pub fn new(name: &'a str, label: &'a str, value: &'a str, control: Control<'a>) -> Self {
        Field {
            name,
            label,
            value,
            control,
            hint: None,
            error: None,
            required: false,
        }
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn hint(mut self, hint: &'a str) -> Self {
        self.hint = Some(hint);
        self
    }

    /// The error of this field among a form's `errors`, if there is one.
    pub fn error_from(mut self, errors: &'a FieldErrors) -> Self {
        self.error = errors.of(self.name);
        self
    }
}

/// The fields a submitted form was refused for, each with its message in the user's
/// language, in the order the form shows them.
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(Vec<(String, String)>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        if self.of(field).is_none() {
            self.0.push((field.to_string(), message.into()));
        }
    }

    pub fn of(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(f, m)| (f.as_str(), m.as_str()))
    }
}

/// A field as a block: label, hint, error, control. The control names its hint and error
/// in `aria-describedby` and is `aria-invalid` when refused.
pub fn field(f: &Field) -> Markup {
    let hint_id = format!("{}-hint", f.name);
    let error_id = format!("{}-error", f.name);
    let described: Vec<&str> = [
        f.hint.map(|_| hint_id.as_str()),
        f.error.map(|_| error_id.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let described = (!described.is_empty()).then(|| described.join(" "));
    let invalid = f.error.map(|_| "true");
    html! {
        div.field.invalid[f.error.is_some()] {
            label for=(f.name) { (f.label) }
            @if let Some(hint) = f.hint {
                span.hint id=(hint_id) { (hint) }
            }
            @if let Some(error) = f.error {
                span.field-error id=(error_id) { (error) }
            }
            @match &f.control {
                Control::Area => {
                    textarea id=(f.name) name=(f.name) rows="3" required[f.required]
                        aria-describedby=[described.as_deref()] aria-invalid=[invalid] { (f.value) }
                }
                Control::Select { options } => {
                    select id=(f.name) name=(f.name) required[f.required]
                        aria-describedby=[described.as_deref()] aria-invalid=[invalid] {
                        @for (value, label) in options {
                            option value=(value) selected[value == f.value] { (label) }
                        }
                    }
                }
                control => {
                    @let (kind, mode, autocomplete) = match control {
                        Control::Email => ("email", None, Some("email")),
                        Control::Tel => ("tel", None, Some("tel")),
                        Control::Password { autocomplete } => ("password", None, Some(*autocomplete)),
                        Control::Count => ("text", Some("numeric"), Some("off")),
                        Control::Amount => ("text", Some("decimal"), Some("off")),
                        Control::Date => ("text", Some("numeric"), Some("off")),
                        _ => ("text", None, None),
                    };
                    input id=(f.name) name=(f.name) type=(kind) value=(f.value) inputmode=[mode]
                        autocomplete=[autocomplete] required[f.required]
                        aria-describedby=[described.as_deref()] aria-invalid=[invalid];
                }
            }
        }
    }
}

/// The box above a refused form: what went wrong, each item a link to its field. It is
/// an alert, so screen readers announce it when the page returns.
pub fn error_summary(title: &str, errors: &FieldErrors, labels: &[(&str, &str)]) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.error-summary role="alert" tabindex="-1" id="problems" {
                h2 { (title) }
                ul {
                    @for (name, message) in errors.iter() {
                        @let label = labels.iter().find(|(n, _)| *n == name).map_or(name, |(_, l)| *l);
                        li { a href=(format!("#{name}")) { (label) ": " (message) } }
                    }
                }
            }
        }
    }
}
