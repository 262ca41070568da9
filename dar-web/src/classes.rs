//! The cooperative's share classes, and the form to add one.

use dar_core::types::{Language, TransferRule};
use maud::html;

use crate::forms::{Control, Field, FieldErrors, error_summary, field};
use crate::i18n::{Localized, Text, count, money, t};
use crate::layout::{Frame, page};
use crate::pages::{Section, cooperative_nav};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClassText {
    Classes,
    NoClasses,
    AddClass,
    Code,
    CodeHint,
    ClassName,
    NominalValue,
    IssuePrice,
    IssuePriceHint,
    VotesPerShare,
    DividendRights,
    Yes,
    No,
    TransferRuleLabel,
    TransferFree,
    TransferApproval,
    TransferNone,
    MaxPerHolder,
    MaxPerHolderHint,
    Added,
    BadCode,
    CodeTaken,
    BadNumber,
}

impl Localized for ClassText {
    fn text(self, lang: Language) -> &'static str {
        use ClassText::*;
        use Language::{En, Fr, Nl};
        match (self, lang) {
            (Classes, Nl) => "Aandelenklassen",
            (Classes, Fr) => "Classes de parts",
            (Classes, En) => "Share classes",
            (NoClasses, Nl) => {
                "Er zijn nog geen klassen. Voeg er een toe voor je aandelen uitgeeft."
            }
            (NoClasses, Fr) => {
                "Il n'y a pas encore de classe. Ajoutez-en une avant d'émettre des parts."
            }
            (NoClasses, En) => "There are no classes yet. Add one before you issue shares.",
            (AddClass, Nl) => "Klasse toevoegen",
            (AddClass, Fr) => "Ajouter une classe",
            (AddClass, En) => "Add a class",
            (Code, Nl) => "Code",
            (Code, Fr) => "Code",
            (Code, En) => "Code",
            (CodeHint, Nl) => "1 tot 8 hoofdletters of cijfers, bijvoorbeeld A.",
            (CodeHint, Fr) => "1 à 8 majuscules ou chiffres, par exemple A.",
            (CodeHint, En) => "1 to 8 capital letters or digits, for example A.",
            (ClassName, Nl) => "Naam",
            (ClassName, Fr) => "Nom",
            (ClassName, En) => "Name",
            (NominalValue, Nl) => "Nominale waarde",
            (NominalValue, Fr) => "Valeur nominale",
            (NominalValue, En) => "Nominal value",
            (IssuePrice, Nl) => "Uitgifteprijs",
            (IssuePrice, Fr) => "Prix d'émission",
            (IssuePrice, En) => "Issue price",
            (IssuePriceHint, Nl) => "Leeg laten als die gelijk is aan de nominale waarde.",
            (IssuePriceHint, Fr) => "Laisser vide s'il est égal à la valeur nominale.",
            (IssuePriceHint, En) => "Leave empty when it equals the nominal value.",
            (VotesPerShare, Nl) => "Stemmen per aandeel",
            (VotesPerShare, Fr) => "Voix par part",
            (VotesPerShare, En) => "Votes per share",
            (DividendRights, Nl) => "Recht op dividend",
            (DividendRights, Fr) => "Droit au dividende",
            (DividendRights, En) => "Dividend rights",
            (Yes, Nl) => "ja",
            (Yes, Fr) => "oui",
            (Yes, En) => "yes",
            (No, Nl) => "nee",
            (No, Fr) => "non",
            (No, En) => "no",
            (TransferRuleLabel, Nl) => "Overdracht",
            (TransferRuleLabel, Fr) => "Cession",
            (TransferRuleLabel, En) => "Transfer",
            (TransferFree, Nl) => "vrij",
            (TransferFree, Fr) => "libre",
            (TransferFree, En) => "free",
            (TransferApproval, Nl) => "na goedkeuring van de raad van bestuur",
            (TransferApproval, Fr) => "après accord du conseil d'administration",
            (TransferApproval, En) => "after the board's approval",
            (TransferNone, Nl) => "niet overdraagbaar",
            (TransferNone, Fr) => "non cessible",
            (TransferNone, En) => "not transferable",
            (MaxPerHolder, Nl) => "Hoogstens per aandeelhouder",
            (MaxPerHolder, Fr) => "Maximum par associé",
            (MaxPerHolder, En) => "At most per shareholder",
            (MaxPerHolderHint, Nl) => "Leeg laten als er geen grens is.",
            (MaxPerHolderHint, Fr) => "Laisser vide s'il n'y a pas de limite.",
            (MaxPerHolderHint, En) => "Leave empty when there is no limit.",
            (Added, Nl) => "De klasse is toegevoegd.",
            (Added, Fr) => "La classe est ajoutée.",
            (Added, En) => "The class is added.",
            (BadCode, Nl) => "Gebruik 1 tot 8 hoofdletters of cijfers, zoals A.",
            (BadCode, Fr) => "Utilisez 1 à 8 majuscules ou chiffres, comme A.",
            (BadCode, En) => "Use 1 to 8 capital letters or digits, like A.",
            (CodeTaken, Nl) => "Deze coöperatie heeft al een klasse met deze code.",
            (CodeTaken, Fr) => "Cette coopérative a déjà une classe avec ce code.",
            (CodeTaken, En) => "This cooperative already has a class with this code.",
            (BadNumber, Nl) => "Geef een geheel getal.",
            (BadNumber, Fr) => "Indiquez un nombre entier.",
            (BadNumber, En) => "Give a whole number.",
        }
    }
}

pub fn transfer_rule_text(rule: TransferRule) -> ClassText {
    match rule {
        TransferRule::Free => ClassText::TransferFree,
        TransferRule::Approval => ClassText::TransferApproval,
        TransferRule::NotTransferable => ClassText::TransferNone,
    }
}

pub struct ClassLine {
    pub code: String,
    pub name: String,
    pub nominal_cents: i64,
    pub issue_price_cents: i64,
    pub votes_per_share: i32,
    pub dividend_rights: bool,
    pub transfer_rule: TransferRule,
    pub max_per_holder: Option<i64>,
}

#[derive(Clone, Debug, Default)]
pub struct ClassValues {
    pub code: String,
    pub name: String,
    pub nominal_value: String,
    pub issue_price: String,
    pub votes_per_share: String,
    pub dividend_rights: String,
    pub transfer_rule: String,
    pub max_shares_per_holder: String,
}

pub struct ClassesPage<'a> {
    pub cooperative: &'a str,
    pub slug: &'a str,
    pub classes: Vec<ClassLine>,
    /// The add form, for those who keep the register.
    pub form: Option<ClassForm<'a>>,
    pub added: bool,
}

pub struct ClassForm<'a> {
    pub csrf: &'a str,
    pub values: &'a ClassValues,
    pub errors: &'a FieldErrors,
}

pub fn labels(lang: Language) -> Vec<(&'static str, &'static str)> {
    let c = |x: ClassText| t(lang, x);
    vec![
        ("code", c(ClassText::Code)),
        ("name", c(ClassText::ClassName)),
        ("nominal_value", c(ClassText::NominalValue)),
        ("issue_price", c(ClassText::IssuePrice)),
        ("votes_per_share", c(ClassText::VotesPerShare)),
        ("dividend_rights", c(ClassText::DividendRights)),
        ("transfer_rule", c(ClassText::TransferRuleLabel)),
        ("max_shares_per_holder", c(ClassText::MaxPerHolder)),
    ]
}

/// The classes, and for an administrator the form to add one.
pub fn classes_page(frame: &Frame, p: &ClassesPage) -> String {
    let lang = frame.lang;
    let c = |x: ClassText| t(lang, x);
    page(
        frame,
        html! {
            p.context { (p.cooperative) }
            (cooperative_nav(lang, p.slug, Section::Overview))
            @if p.added {
                p.status.ok role="status" { (c(ClassText::Added)) }
            }
            h1 { (c(ClassText::Classes)) }
            @if p.classes.is_empty() {
                p { (c(ClassText::NoClasses)) }
            } @else {
                div.scroll tabindex="0" role="region" aria-label=(c(ClassText::Classes)) {
                    table {
                        thead { tr {
                            th scope="col" { (c(ClassText::Code)) }
                            th scope="col" { (c(ClassText::ClassName)) }
                            th scope="col" class="num" { (c(ClassText::NominalValue)) }
                            th scope="col" class="num" { (c(ClassText::IssuePrice)) }
                            th scope="col" class="num" { (c(ClassText::VotesPerShare)) }
                            th scope="col" { (c(ClassText::DividendRights)) }
                            th scope="col" { (c(ClassText::TransferRuleLabel)) }
                            th scope="col" class="num" { (c(ClassText::MaxPerHolder)) }
                        } }
                        tbody {
                            @for l in &p.classes {
                                tr {
                                    th scope="row" { (l.code) }
                                    td { (l.name) }
                                    td.num { (money(lang, l.nominal_cents)) }
                                    td.num { (money(lang, l.issue_price_cents)) }
                                    td.num { (l.votes_per_share) }
                                    td { (c(if l.dividend_rights { ClassText::Yes } else { ClassText::No })) }
                                    td { (c(transfer_rule_text(l.transfer_rule))) }
                                    td.num { (l.max_per_holder.map(|m| count(lang, m)).unwrap_or_default()) }
                                }
                            }
                        }
                    }
                }
            }
            @if let Some(form) = &p.form {
                @let labels = labels(lang);
                @let v = form.values;
                @let label = |n: &str| labels.iter().find(|(x, _)| *x == n).map_or("", |(_, l)| *l);
                @let yes_no = vec![("true".to_string(), c(ClassText::Yes).to_string()), ("false".to_string(), c(ClassText::No).to_string())];
                @let rules = [TransferRule::Free, TransferRule::Approval, TransferRule::NotTransferable]
                    .into_iter()
                    .map(|r| (r.as_str().to_string(), c(transfer_rule_text(r)).to_string()))
                    .collect::<Vec<_>>();
                @let fields = [
                    Field::new("code", label("code"), &v.code, Control::Text).required().hint(c(ClassText::CodeHint)).error_from(form.errors),
                    Field::new("name", label("name"), &v.name, Control::Text).required().error_from(form.errors),
                    Field::new("nominal_value", label("nominal_value"), &v.nominal_value, Control::Amount).required().error_from(form.errors),
                    Field::new("issue_price", label("issue_price"), &v.issue_price, Control::Amount).hint(c(ClassText::IssuePriceHint)).error_from(form.errors),
                    Field::new("votes_per_share", label("votes_per_share"), &v.votes_per_share, Control::Count).error_from(form.errors),
                    Field::new("dividend_rights", label("dividend_rights"), &v.dividend_rights, Control::Select { options: yes_no }).error_from(form.errors),
                    Field::new("transfer_rule", label("transfer_rule"), &v.transfer_rule, Control::Select { options: rules }).error_from(form.errors),
                    Field::new("max_shares_per_holder", label("max_shares_per_holder"), &v.max_shares_per_holder, Control::Count).hint(c(ClassText::MaxPerHolderHint)).error_from(form.errors),
                ];
                section aria-labelledby="add-class" {
                    h2 #add-class { (c(ClassText::AddClass)) }
                    (error_summary(t(lang, Text::FormProblems), form.errors, &labels))
                    form method="post" action=(format!("/c/{}/classes", p.slug)) novalidate {
                        input type="hidden" name="csrf" value=(form.csrf);
                        div.form-grid { @for f in &fields { (field(f)) } }
                        div.actions { button type="submit" { (c(ClassText::AddClass)) } }
                    }
                }
            }
        },
    )
}
