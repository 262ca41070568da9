//! Recording ledger entries: the form of each kind, the preview of its effect before it is
//! posted, an entry's own page, and every refusal of the register rules in the user's
//! language, next to the field it is about.

use chrono::NaiveDate;
use dar_core::ledger::{HoldingRule, LedgerError};
use dar_core::types::{EntryKind, Language};
use maud::{Markup, html};

use crate::forms::{Control, Field, FieldErrors, error_summary, field};
use crate::i18n::{Localized, Text, count, date, money, t};
use crate::layout::{Frame, page};
use crate::pages::{HoldingLine, Section, Tools, cooperative_nav, holdings_table, kind_text};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryText {
    NewEntry,
    ChooseKind,
    IssueHelp,
    TransferHelp,
    RedemptionHelp,
    PaymentHelp,
    ReversalHelp,
    HolderNumber,
    HolderNumberHint,
    FromHolder,
    ToHolder,
    PricePerShare,
    PricePerShareHint,
    TransferPriceHint,
    PaidAtIssue,
    PaidAtIssueHint,
    AmountRepaid,
    AmountPaid,
    Reason,
    ReasonHintRedemption,
    ExternalReference,
    ExternalReferenceHint,
    DateHint,
    ReversalDateHint,
    ShowPreview,
    PreviewTitle,
    PreviewIntro,
    AfterThisEntry,
    HoldsNothing,
    PostEntry,
    ChangeEntry,
    Posted,
    EntryTitle,
    RecordedAt,
    RecordedBy,
    Amount,
    Hash,
    ReverseEntry,
    Reverses,
    ReversedBy,
    Required,
    NotADate,
    NotACount,
    NotAnAmount,
    NotARegisterNumber,
    UnknownRegisterNumber,
    UnknownClass,
    CheckValue,
    ChangedMeanwhile,
}

impl Localized for EntryText {
    fn text(self, lang: Language) -> &'static str {
        use EntryText::*;
        use Language::{En, Fr, Nl};
        match (self, lang) {
            (NewEntry, Nl) => "Boeking invoeren",
            (NewEntry, Fr) => "Enregistrer une opération",
            (NewEntry, En) => "Record an entry",
            (ChooseKind, Nl) => "Wat wil je boeken?",
            (ChooseKind, Fr) => "Que voulez-vous enregistrer ?",
            (ChooseKind, En) => "What do you want to record?",
            (IssueHelp, Nl) => "Nieuwe aandelen voor een aandeelhouder (inschrijving).",
            (IssueHelp, Fr) => "De nouvelles parts pour un associé (souscription).",
            (IssueHelp, En) => "New shares for a shareholder (subscription).",
            (TransferHelp, Nl) => "Aandelen gaan van de ene aandeelhouder naar de andere.",
            (TransferHelp, Fr) => "Des parts passent d'un associé à un autre.",
            (TransferHelp, En) => "Shares move from one shareholder to another.",
            (RedemptionHelp, Nl) => {
                "Uittreding of uitsluiting: aandelen vernietigd en terugbetaald."
            }
            (RedemptionHelp, Fr) => "Démission ou exclusion : parts annulées et remboursées.",
            (RedemptionHelp, En) => "Withdrawal or exclusion: shares cancelled and repaid.",
            (PaymentHelp, Nl) => "Een storting op aandelen die nog niet volledig volgestort waren.",
            (PaymentHelp, Fr) => {
                "Un versement sur des parts qui n'étaient pas entièrement libérées."
            }
            (PaymentHelp, En) => "A payment on shares that were not fully paid up.",
            (ReversalHelp, Nl) => {
                "Deze boeking wordt geannuleerd vanaf haar eigen datum, alsof ze nooit geboekt was. Ze blijft zichtbaar in het register."
            }
            (ReversalHelp, Fr) => {
                "Cette opération est annulée à partir de sa propre date, comme si elle n'avait jamais été enregistrée. Elle reste visible dans le registre."
            }
            (ReversalHelp, En) => {
                "This entry is cancelled from its own date, as if it had never been posted. It stays visible in the register."
            }
            (HolderNumber, Nl) => "Aandeelhouder (registernummer)",
            (HolderNumber, Fr) => "Associé (numéro de registre)",
            (HolderNumber, En) => "Shareholder (register number)",
            (HolderNumberHint, Nl) => {
                "Het nummer uit de lijst van aandeelhouders, bijvoorbeeld 12."
            }
            (HolderNumberHint, Fr) => "Le numéro de la liste des associés, par exemple 12.",
            (HolderNumberHint, En) => "The number from the list of shareholders, for example 12.",
            (FromHolder, Nl) => "Van (registernummer)",
            (FromHolder, Fr) => "De (numéro de registre)",
            (FromHolder, En) => "From (register number)",
            (ToHolder, Nl) => "Aan (registernummer)",
            (ToHolder, Fr) => "À (numéro de registre)",
            (ToHolder, En) => "To (register number)",
            (PricePerShare, Nl) => "Prijs per aandeel",
            (PricePerShare, Fr) => "Prix par part",
            (PricePerShare, En) => "Price per share",
            (PricePerShareHint, Nl) => "Leeg laten voor de uitgifteprijs van de klasse.",
            (PricePerShareHint, Fr) => "Laisser vide pour le prix d'émission de la classe.",
            (PricePerShareHint, En) => "Leave empty for the class's issue price.",
            (TransferPriceHint, Nl) => {
                "Wat de koper betaalde, als het register dat moet tonen; mag leeg blijven."
            }
            (TransferPriceHint, Fr) => {
                "Ce que l'acheteur a payé, si le registre doit le montrer ; peut rester vide."
            }
            (TransferPriceHint, En) => {
                "What the buyer paid, if the register should show it; may stay empty."
            }
            (PaidAtIssue, Nl) => "Volgestort bij inschrijving",
            (PaidAtIssue, Fr) => "Libéré à la souscription",
            (PaidAtIssue, En) => "Paid up at subscription",
            (PaidAtIssueHint, Nl) => "Leeg laten als alles meteen volgestort is.",
            (PaidAtIssueHint, Fr) => "Laisser vide si tout est libéré immédiatement.",
            (PaidAtIssueHint, En) => "Leave empty when everything is paid at once.",
            (AmountRepaid, Nl) => "Terugbetaald bedrag",
            (AmountRepaid, Fr) => "Montant remboursé",
            (AmountRepaid, En) => "Amount repaid",
            (AmountPaid, Nl) => "Gestort bedrag",
            (AmountPaid, Fr) => "Montant versé",
            (AmountPaid, En) => "Amount paid",
            (Reason, Nl) => "Reden",
            (Reason, Fr) => "Motif",
            (Reason, En) => "Reason",
            (ReasonHintRedemption, Nl) => "Bijvoorbeeld uittreding of uitsluiting.",
            (ReasonHintRedemption, Fr) => "Par exemple démission ou exclusion.",
            (ReasonHintRedemption, En) => "For example withdrawal or exclusion.",
            (ExternalReference, Nl) => "Referentie",
            (ExternalReference, Fr) => "Référence",
            (ExternalReference, En) => "Reference",
            (ExternalReferenceHint, Nl) => {
                "Bijvoorbeeld de beslissing van de raad van bestuur of een bankverrichting."
            }
            (ExternalReferenceHint, Fr) => {
                "Par exemple la décision du conseil d'administration ou une opération bancaire."
            }
            (ExternalReferenceHint, En) => {
                "For example the board's decision or a bank transaction."
            }
            (DateHint, Nl) => "Als dd/mm/jjjj, bijvoorbeeld 31/12/2025.",
            (DateHint, Fr) => "Comme jj/mm/aaaa, par exemple 31/12/2025.",
            (DateHint, En) => "As dd/mm/yyyy, for example 31/12/2025.",
            (ReversalDateHint, Nl) => "Leeg laten voor vandaag. Als dd/mm/jjjj.",
            (ReversalDateHint, Fr) => "Laisser vide pour aujourd'hui. Comme jj/mm/aaaa.",
            (ReversalDateHint, En) => "Leave empty for today. As dd/mm/yyyy.",
            (ShowPreview, Nl) => "Nakijken",
            (ShowPreview, Fr) => "Vérifier",
            (ShowPreview, En) => "Review",
            (PreviewTitle, Nl) => "Nakijken voor het boeken",
            (PreviewTitle, Fr) => "Vérifier avant d'enregistrer",
            (PreviewTitle, En) => "Review before posting",
            (PreviewIntro, Nl) => {
                "Er is nog niets geboekt. Zo ziet het register eruit na deze boeking:"
            }
            (PreviewIntro, Fr) => {
                "Rien n'est encore enregistré. Voici le registre après cette opération :"
            }
            (PreviewIntro, En) => "Nothing is posted yet. This is the register after this entry:",
            (AfterThisEntry, Nl) => "Na deze boeking heeft",
            (AfterThisEntry, Fr) => "Après cette opération, détient",
            (AfterThisEntry, En) => "After this entry, holds",
            (HoldsNothing, Nl) => "geen aandelen meer",
            (HoldsNothing, Fr) => "plus aucune part",
            (HoldsNothing, En) => "no shares any more",
            (PostEntry, Nl) => "Boeken",
            (PostEntry, Fr) => "Enregistrer",
            (PostEntry, En) => "Post the entry",
            (ChangeEntry, Nl) => "Aanpassen",
            (ChangeEntry, Fr) => "Modifier",
            (ChangeEntry, En) => "Change",
            (Posted, Nl) => "De boeking is geregistreerd.",
            (Posted, Fr) => "L'opération est enregistrée.",
            (Posted, En) => "The entry is posted.",
            (EntryTitle, Nl) => "Boeking",
            (EntryTitle, Fr) => "Opération",
            (EntryTitle, En) => "Entry",
            (RecordedAt, Nl) => "Geboekt op",
            (RecordedAt, Fr) => "Enregistrée le",
            (RecordedAt, En) => "Recorded at",
            (RecordedBy, Nl) => "Geboekt door",
            (RecordedBy, Fr) => "Enregistrée par",
            (RecordedBy, En) => "Recorded by",
            (Amount, Nl) => "Bedrag",
            (Amount, Fr) => "Montant",
            (Amount, En) => "Amount",
            (Hash, Nl) => "Vingerafdruk (hash)",
            (Hash, Fr) => "Empreinte (hash)",
            (Hash, En) => "Fingerprint (hash)",
            (ReverseEntry, Nl) => "Deze boeking tegenboeken",
            (ReverseEntry, Fr) => "Extourner cette opération",
            (ReverseEntry, En) => "Reverse this entry",
            (Reverses, Nl) => "Tegenboeking van boeking",
            (Reverses, Fr) => "Extourne de l'opération",
            (Reverses, En) => "Reverses entry",
            (ReversedBy, Nl) => "Tegengeboekt door boeking",
            (ReversedBy, Fr) => "Extournée par l'opération",
            (ReversedBy, En) => "Reversed by entry",
            (Required, Nl) => "Vul dit in.",
            (Required, Fr) => "Veuillez remplir ce champ.",
            (Required, En) => "Please fill this in.",
            (NotADate, Nl) => "Geen geldige datum; schrijf hem als 31/12/2025.",
            (NotADate, Fr) => "Date non valide ; écrivez-la comme 31/12/2025.",
            (NotADate, En) => "Not a valid date; write it as 31/12/2025.",
            (NotACount, Nl) => "Geef een geheel aantal aandelen, 1 of meer.",
            (NotACount, Fr) => "Indiquez un nombre entier de parts, 1 ou plus.",
            (NotACount, En) => "Give a whole number of shares, 1 or more.",
            (NotAnAmount, Nl) => "Geen geldig bedrag; schrijf het als 1.250,00.",
            (NotAnAmount, Fr) => "Montant non valide ; écrivez-le comme 1.250,00.",
            (NotAnAmount, En) => "Not a valid amount; write it as 1,250.00.",
            (NotARegisterNumber, Nl) => "Geef het registernummer, een getal zoals 12.",
            (NotARegisterNumber, Fr) => "Indiquez le numéro de registre, un nombre comme 12.",
            (NotARegisterNumber, En) => "Give the register number, a number like 12.",
            (UnknownRegisterNumber, Nl) => "Dit register heeft geen aandeelhouder met dit nummer.",
            (UnknownRegisterNumber, Fr) => "Ce registre n'a pas d'associé portant ce numéro.",
            (UnknownRegisterNumber, En) => "This register has no shareholder with this number.",
            (UnknownClass, Nl) => "Kies een klasse uit de lijst.",
            (UnknownClass, Fr) => "Choisissez une classe dans la liste.",
            (UnknownClass, En) => "Choose a class from the list.",
            (CheckValue, Nl) => "Deze waarde wordt niet aanvaard; kijk ze na.",
            (CheckValue, Fr) => "Cette valeur n'est pas acceptée ; vérifiez-la.",
            (CheckValue, En) => "This value is not accepted; please check it.",
            (ChangedMeanwhile, Nl) => {
                "Het register is intussen gewijzigd; kijk de boeking opnieuw na."
            }
            (ChangedMeanwhile, Fr) => {
                "Le registre a changé entre-temps ; vérifiez à nouveau l'opération."
            }
            (ChangedMeanwhile, En) => {
                "The register changed in the meantime; please review the entry again."
            }
        }
    }
}

/// The refusal of a register rule as a sentence in `lang`.
pub fn ledger_error(lang: Language, e: &LedgerError) -> String {
    use Language::{En, Fr, Nl};
    let d = |x: &NaiveDate| date(*x);
    match (e, lang) {
        (LedgerError::MissingEffectiveDate, _) => t(lang, EntryText::Required).to_string(),
        // Only an import gives the capital shares take with them; its report is in English.
        (LedgerError::CapitalMovedMismatch { .. }, _) => e.to_string(),
        (LedgerError::PeriodLocked { locked_until, .. }, Nl) => format!(
            "Het register is afgesloten tot en met {}; boek op een latere datum.",
            d(locked_until)
        ),
        (LedgerError::PeriodLocked { locked_until, .. }, Fr) => format!(
            "Le registre est clôturé jusqu'au {} inclus ; choisissez une date ultérieure.",
            d(locked_until)
        ),
        (LedgerError::PeriodLocked { locked_until, .. }, En) => format!(
            "The register is closed up to and including {}; choose a later date.",
            d(locked_until)
        ),
        (LedgerError::FutureDate { today, .. }, Nl) => {
            format!("Deze datum ligt in de toekomst (vandaag is {}).", d(today))
        }
        (LedgerError::FutureDate { today, .. }, Fr) => {
            format!(
                "Cette date est dans le futur (nous sommes le {}).",
                d(today)
            )
        }
        (LedgerError::FutureDate { today, .. }, En) => {
            format!("This date is in the future (today is {}).", d(today))
        }
        (LedgerError::BeforeRegisterEpoch { floor, .. }, Nl) => {
            format!("Een register kan niet spreken over vóór {}.", d(floor))
        }
        (LedgerError::BeforeRegisterEpoch { floor, .. }, Fr) => {
            format!("Un registre ne peut remonter avant le {}.", d(floor))
        }
        (LedgerError::BeforeRegisterEpoch { floor, .. }, En) => {
            format!("A register cannot go back before {}.", d(floor))
        }
        (
            LedgerError::BeforeAdmission {
                holder, admitted, ..
            },
            Nl,
        ) => format!(
            "{} ({}) is toegetreden op {}; een boeking voor hen kan niet vroeger gedateerd zijn.",
            holder.name,
            holder.register_number,
            d(admitted)
        ),
        (
            LedgerError::BeforeAdmission {
                holder, admitted, ..
            },
            Fr,
        ) => format!(
            "{} ({}) a été admis le {} ; une opération le concernant ne peut pas être antérieure.",
            holder.name,
            holder.register_number,
            d(admitted)
        ),
        (
            LedgerError::BeforeAdmission {
                holder, admitted, ..
            },
            En,
        ) => format!(
            "{} ({}) was admitted on {}; an entry for them cannot be dated earlier.",
            holder.name,
            holder.register_number,
            d(admitted)
        ),
        (
            LedgerError::InsufficientShares {
                holder,
                class,
                date: on,
                available,
            },
            _,
        ) => {
            let n = count(lang, *available);
            match lang {
                Nl => format!(
                    "{} ({}) heeft op {} maar {} aandelen van klasse {}.",
                    holder.name,
                    holder.register_number,
                    d(on),
                    n,
                    class
                ),
                Fr => format!(
                    "{} ({}) ne détient le {} que {} parts de la classe {}.",
                    holder.name,
                    holder.register_number,
                    d(on),
                    n,
                    class
                ),
                En => format!(
                    "{} ({}) holds only {} shares of class {} on {}.",
                    holder.name,
                    holder.register_number,
                    n,
                    class,
                    d(on)
                ),
            }
        }
        (
            LedgerError::HoldingRule {
                holder,
                class,
                date: on,
                rule,
            },
            _,
        ) => {
            let who = format!("{} ({})", holder.name, holder.register_number);
            match (rule, lang) {
                (HoldingRule::PaidAboveCapital, Nl) => format!(
                    "Op {} zou voor {} in klasse {} meer volgestort zijn dan ingeschreven.",
                    d(on),
                    who,
                    class
                ),
                (HoldingRule::PaidAboveCapital, Fr) => format!(
                    "Le {}, {} aurait en classe {} plus de libéré que de souscrit.",
                    d(on),
                    who,
                    class
                ),
                (HoldingRule::PaidAboveCapital, En) => format!(
                    "On {}, {} would have more paid up than subscribed in class {}.",
                    d(on),
                    who,
                    class
                ),
                (HoldingRule::AboveMaximum { max }, Nl) => format!(
                    "Klasse {} staat hoogstens {} aandelen per aandeelhouder toe; {} zou er op {} meer hebben.",
                    class,
                    count(lang, *max),
                    who,
                    d(on)
                ),
                (HoldingRule::AboveMaximum { max }, Fr) => format!(
                    "La classe {} permet au plus {} parts par associé ; {} en aurait davantage le {}.",
                    class,
                    count(lang, *max),
                    who,
                    d(on)
                ),
                (HoldingRule::AboveMaximum { max }, En) => format!(
                    "Class {} allows at most {} shares per shareholder; {} would have more on {}.",
                    class,
                    count(lang, *max),
                    who,
                    d(on)
                ),
            }
        }
        (LedgerError::HolderNotActive { holder, .. }, Nl) => format!(
            "{} ({}) is geen actieve aandeelhouder meer en kan geen aandelen ontvangen.",
            holder.name, holder.register_number
        ),
        (LedgerError::HolderNotActive { holder, .. }, Fr) => format!(
            "{} ({}) n'est plus un associé actif et ne peut pas recevoir de parts.",
            holder.name, holder.register_number
        ),
        (LedgerError::HolderNotActive { holder, .. }, En) => format!(
            "{} ({}) is no longer an active shareholder and cannot receive shares.",
            holder.name, holder.register_number
        ),
        (LedgerError::SameHolder, Nl) => {
            "Een overdracht gaat tussen twee verschillende aandeelhouders.".into()
        }
        (LedgerError::SameHolder, Fr) => {
            "Une cession se fait entre deux associés différents.".into()
        }
        (LedgerError::SameHolder, En) => "A transfer is between two different shareholders.".into(),
        (LedgerError::NotTransferable { class }, Nl) => {
            format!("Aandelen van klasse {class} zijn niet overdraagbaar.")
        }
        (LedgerError::NotTransferable { class }, Fr) => {
            format!("Les parts de la classe {class} ne sont pas cessibles.")
        }
        (LedgerError::NotTransferable { class }, En) => {
            format!("Shares of class {class} cannot be transferred.")
        }
        (LedgerError::ApprovalRequired { class }, Nl) => format!(
            "Een overdracht in klasse {class} vraagt de goedkeuring van de raad van bestuur: vul de beslissing in als referentie."
        ),
        (LedgerError::ApprovalRequired { class }, Fr) => format!(
            "Une cession en classe {class} requiert l'accord du conseil d'administration : indiquez la décision comme référence."
        ),
        (LedgerError::ApprovalRequired { class }, En) => format!(
            "A transfer in class {class} needs the board's approval: give the decision as the reference."
        ),
        (LedgerError::PaidAboveSubscription { subscription, .. }, Nl) => format!(
            "Meer dan de inschrijving ({}).",
            money(lang, subscription.cents())
        ),
        (LedgerError::PaidAboveSubscription { subscription, .. }, Fr) => format!(
            "Plus que la souscription ({}).",
            money(lang, subscription.cents())
        ),
        (LedgerError::PaidAboveSubscription { subscription, .. }, En) => format!(
            "More than the subscription ({}).",
            money(lang, subscription.cents())
        ),
        (LedgerError::RepaymentAbovePaidUp { paid_up, .. }, Nl) => format!(
            "Meer dan wat op deze aandelen volgestort is ({}).",
            money(lang, paid_up.cents())
        ),
        (LedgerError::RepaymentAbovePaidUp { paid_up, .. }, Fr) => format!(
            "Plus que ce qui est libéré sur ces parts ({}).",
            money(lang, paid_up.cents())
        ),
        (LedgerError::RepaymentAbovePaidUp { paid_up, .. }, En) => format!(
            "More than what is paid up on these shares ({}).",
            money(lang, paid_up.cents())
        ),
        (LedgerError::AmountTooLarge, Nl) => "Dit bedrag is te groot.".into(),
        (LedgerError::AmountTooLarge, Fr) => "Ce montant est trop élevé.".into(),
        (LedgerError::AmountTooLarge, En) => "This amount is too large.".into(),
        (LedgerError::ZeroPayment, Nl) => "Een storting is meer dan nul.".into(),
        (LedgerError::ZeroPayment, Fr) => "Un versement est supérieur à zéro.".into(),
        (LedgerError::ZeroPayment, En) => "A payment is more than zero.".into(),
        (LedgerError::ReversalOfReversal { seq }, Nl) => format!(
            "Boeking {seq} is zelf een tegenboeking; boek de oorspronkelijke boeking opnieuw."
        ),
        (LedgerError::ReversalOfReversal { seq }, Fr) => format!(
            "L'opération {seq} est elle-même une extourne ; enregistrez à nouveau l'opération d'origine."
        ),
        (LedgerError::ReversalOfReversal { seq }, En) => {
            format!("Entry {seq} is itself a reversal; post the original entry again instead.")
        }
        (LedgerError::AlreadyReversed { seq }, Nl) => {
            format!("Boeking {seq} is al tegengeboekt.")
        }
        (LedgerError::AlreadyReversed { seq }, Fr) => {
            format!("L'opération {seq} est déjà extournée.")
        }
        (LedgerError::AlreadyReversed { seq }, En) => format!("Entry {seq} is already reversed."),
        (LedgerError::ReversalBeforeEntry { date: on }, Nl) => format!(
            "Een tegenboeking kan niet vroeger gedateerd zijn dan de boeking zelf ({}).",
            d(on)
        ),
        (LedgerError::ReversalBeforeEntry { date: on }, Fr) => format!(
            "Une extourne ne peut pas être antérieure à l'opération elle-même ({}).",
            d(on)
        ),
        (LedgerError::ReversalBeforeEntry { date: on }, En) => format!(
            "A reversal cannot be dated before the entry itself ({}).",
            d(on)
        ),
        (LedgerError::ReasonRequired, _) => t(lang, EntryText::Required).to_string(),
        (LedgerError::TextTooLong { max, .. }, Nl) => format!("Hoogstens {max} tekens."),
        (LedgerError::TextTooLong { max, .. }, Fr) => format!("{max} caractères au maximum."),
        (LedgerError::TextTooLong { max, .. }, En) => format!("At most {max} characters."),
    }
}

/// What the entry form holds, as typed (kept to fill the form again after a refusal).
#[derive(Clone, Debug, Default)]
pub struct EntryValues {
    pub share_class: String,
    pub from: String,
    pub to: String,
    pub quantity: String,
    pub price_per_share: String,
    pub paid: String,
    pub amount: String,
    pub effective_date: String,
    pub reason: String,
    pub external_reference: String,
    /// The entry a reversal cancels (its id).
    pub reverses: String,
}

impl EntryValues {
    /// The values as hidden fields, so the preview can post exactly what was reviewed.
    fn hidden(&self) -> Markup {
        let pairs = [
            ("share_class", &self.share_class),
            ("from", &self.from),
            ("to", &self.to),
            ("quantity", &self.quantity),
            ("price_per_share", &self.price_per_share),
            ("paid", &self.paid),
            ("amount", &self.amount),
            ("effective_date", &self.effective_date),
            ("reason", &self.reason),
            ("external_reference", &self.external_reference),
            ("reverses", &self.reverses),
        ];
        html! {
            @for (name, value) in pairs {
                @if !value.is_empty() {
                    input type="hidden" name=(name) value=(value);
                }
            }
        }
    }
}

/// The kinds an administrator records, in the order the choice page lists them.
pub const RECORDED_KINDS: [EntryKind; 4] = [
    EntryKind::Issue,
    EntryKind::Transfer,
    EntryKind::Redemption,
    EntryKind::Payment,
];

fn help(kind: EntryKind) -> EntryText {
    match kind {
        EntryKind::Issue => EntryText::IssueHelp,
        EntryKind::Transfer => EntryText::TransferHelp,
        EntryKind::Redemption => EntryText::RedemptionHelp,
        EntryKind::Payment => EntryText::PaymentHelp,
        EntryKind::Reversal => EntryText::ReversalHelp,
    }
}

/// The cooperative a page belongs to, for its heading and navigation.
pub struct Cooperative<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub tools: Tools,
}

/// The choice of what to record.
pub fn choose_kind(frame: &Frame, coop: &Cooperative, query: &str) -> String {
    let lang = frame.lang;
    page(
        frame,
        html! {
            p.context { (coop.name) }
            (cooperative_nav(lang, coop.slug, coop.tools, Section::Overview))
            h1 { (t(lang, EntryText::NewEntry)) }
            h2 { (t(lang, EntryText::ChooseKind)) }
            ul.cards {
                @for kind in RECORDED_KINDS {
                    li { a href=(format!("/c/{}/entries/new/{}{}", coop.slug, kind.as_str(), query)) {
                        span.name { (t(lang, kind_text(kind))) }
                        span.role { (t(lang, help(kind))) }
                    } }
                }
            }
        },
    )
}

/// What the form of one kind needs besides its values.
pub struct EntryForm<'a> {
    pub kind: EntryKind,
    pub csrf: &'a str,
    pub values: &'a EntryValues,
    pub errors: &'a FieldErrors,
    /// The share classes as (code, "code · name").
    pub classes: Vec<(String, String)>,
    /// For a reversal: the entry it cancels, described.
    pub reversed: Option<EntrySummary>,
}

/// The fields a kind's form shows, in order, with their labels.
fn labels(lang: Language, kind: EntryKind) -> Vec<(&'static str, &'static str)> {
    let l = |x: EntryText| t(lang, x);
    let class = ("share_class", t(lang, Text::Class));
    let quantity = ("quantity", t(lang, Text::Quantity));
    let date = ("effective_date", t(lang, Text::EffectiveDate));
    let reason = ("reason", l(EntryText::Reason));
    let reference = ("external_reference", l(EntryText::ExternalReference));
    match kind {
        EntryKind::Issue => vec![
            class,
            ("to", l(EntryText::HolderNumber)),
            quantity,
            ("price_per_share", l(EntryText::PricePerShare)),
            ("paid", l(EntryText::PaidAtIssue)),
            date,
            reason,
            reference,
        ],
        EntryKind::Transfer => vec![
            class,
            ("from", l(EntryText::FromHolder)),
            ("to", l(EntryText::ToHolder)),
            quantity,
            ("price_per_share", l(EntryText::PricePerShare)),
            date,
            reason,
            reference,
        ],
        EntryKind::Redemption => vec![
            class,
            ("from", l(EntryText::HolderNumber)),
            quantity,
            ("amount", l(EntryText::AmountRepaid)),
            date,
            reason,
            reference,
        ],
        EntryKind::Payment => vec![
            class,
            ("to", l(EntryText::HolderNumber)),
            ("amount", l(EntryText::AmountPaid)),
            date,
            reason,
            reference,
        ],
        EntryKind::Reversal => vec![date, reason, reference],
    }
}

/// The form of one kind of entry, with every refused field marked.
pub fn entry_form(frame: &Frame, coop: &Cooperative, form: &EntryForm) -> String {
    let lang = frame.lang;
    let kind = form.kind;
    let v = form.values;
    let labels = labels(lang, kind);
    let action = match kind {
        EntryKind::Reversal => format!("/c/{}/entries/{}/reverse", coop.slug, v.reverses),
        _ => format!("/c/{}/entries/new/{}", coop.slug, kind.as_str()),
    };
    let value_of = |name: &str| -> &str {
        match name {
            "share_class" => &v.share_class,
            "from" => &v.from,
            "to" => &v.to,
            "quantity" => &v.quantity,
            "price_per_share" => &v.price_per_share,
            "paid" => &v.paid,
            "amount" => &v.amount,
            "effective_date" => &v.effective_date,
            "reason" => &v.reason,
            "external_reference" => &v.external_reference,
            _ => "",
        }
    };
    let fields: Vec<Field> = labels
        .iter()
        .map(|(name, label)| {
            let control = match *name {
                "share_class" => Control::Select {
                    options: form.classes.clone(),
                },
                "from" | "to" | "quantity" => Control::Count,
                "price_per_share" | "paid" | "amount" => Control::Amount,
                "effective_date" => Control::Date,
                "reason" => Control::Area,
                _ => Control::Text,
            };
            let mut f = Field::new(name, label, value_of(name), control).error_from(form.errors);
            let required = match *name {
                "price_per_share" | "paid" | "external_reference" => false,
                "reason" => matches!(kind, EntryKind::Redemption | EntryKind::Reversal),
                "effective_date" => kind != EntryKind::Reversal,
                _ => true,
            };
            if required {
                f = f.required();
            }
            let hint = match (*name, kind) {
                ("from" | "to", _) => Some(EntryText::HolderNumberHint),
                ("price_per_share", EntryKind::Issue) => Some(EntryText::PricePerShareHint),
                ("price_per_share", _) => Some(EntryText::TransferPriceHint),
                ("paid", _) => Some(EntryText::PaidAtIssueHint),
                ("effective_date", EntryKind::Reversal) => Some(EntryText::ReversalDateHint),
                ("effective_date", _) => Some(EntryText::DateHint),
                ("reason", EntryKind::Redemption) => Some(EntryText::ReasonHintRedemption),
                ("external_reference", _) => Some(EntryText::ExternalReferenceHint),
                _ => None,
            };
            if let Some(h) = hint {
                f = f.hint(t(lang, h));
            }
            f
        })
        .collect();
    page(
        frame,
        html! {
            p.context { (coop.name) }
            (cooperative_nav(lang, coop.slug, coop.tools, Section::Overview))
            h1 { (t(lang, EntryText::NewEntry)) ": " (t(lang, kind_text(kind)).to_lowercase()) }
            p { (t(lang, help(kind))) }
            @if let Some(r) = &form.reversed {
                (summary(lang, r))
            }
            (error_summary(t(lang, Text::FormProblems), form.errors, &labels))
            form method="post" action=(action) novalidate {
                input type="hidden" name="csrf" value=(form.csrf);
                input type="hidden" name="step" value="preview";
                @if kind == EntryKind::Reversal {
                    input type="hidden" name="reverses" value=(v.reverses);
                }
                div.form-grid {
                    @for f in &fields { (field(f)) }
                }
                div.actions {
                    button type="submit" { (t(lang, EntryText::ShowPreview)) }
                    a href=(format!("/c/{}", coop.slug)) { (t(lang, Text::BackHome)) }
                }
            }
        },
    )
}

/// An entry described for a person: what, when, which class, who, how much.
#[derive(Clone, Debug)]
pub struct EntrySummary {
    pub seq: Option<i64>,
    pub kind: EntryKind,
    pub effective_date: NaiveDate,
    pub class: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub quantity: i64,
    pub price_per_share_cents: Option<i64>,
    pub amount_cents: Option<i64>,
    pub subscribed_cents: i64,
    pub paid_cents: i64,
    pub reason: Option<String>,
    pub external_reference: Option<String>,
    pub reverses_seq: Option<i64>,
}

fn summary(lang: Language, e: &EntrySummary) -> Markup {
    html! {
        dl.facts {
            @if let Some(seq) = e.seq {
                dt { (t(lang, Text::EntryNumber)) } dd { (seq) }
            }
            dt { (t(lang, Text::Kind)) } dd { (t(lang, kind_text(e.kind))) }
            dt { (t(lang, Text::EffectiveDate)) } dd { (date(e.effective_date)) }
            dt { (t(lang, Text::Class)) } dd { (e.class) }
            @if let Some(from) = &e.from { dt { (t(lang, Text::From)) } dd { (from) } }
            @if let Some(to) = &e.to { dt { (t(lang, Text::To)) } dd { (to) } }
            @if e.quantity != 0 {
                dt { (t(lang, Text::Quantity)) } dd { (count(lang, e.quantity)) }
            }
            @if let Some(p) = e.price_per_share_cents {
                dt { (t(lang, EntryText::PricePerShare)) } dd { (money(lang, p)) }
            }
            @if let Some(a) = e.amount_cents {
                dt { (t(lang, EntryText::Amount)) } dd { (money(lang, a)) }
            }
            dt { (t(lang, Text::Subscribed)) } dd { (money(lang, e.subscribed_cents)) }
            dt { (t(lang, Text::PaidUp)) } dd { (money(lang, e.paid_cents)) }
            @if let Some(seq) = e.reverses_seq {
                dt { (t(lang, EntryText::Reverses)) } dd { (seq) }
            }
            @if let Some(r) = &e.reason { dt { (t(lang, EntryText::Reason)) } dd { (r) } }
            @if let Some(r) = &e.external_reference {
                dt { (t(lang, EntryText::ExternalReference)) } dd { (r) }
            }
        }
    }
}

/// One holder's holdings after the entry.
pub struct HolderAfter {
    pub name: String,
    pub holdings: Vec<HoldingLine>,
}

pub struct PreviewPage<'a> {
    pub kind: EntryKind,
    pub csrf: &'a str,
    /// Posting twice with this key posts once.
    pub key: &'a str,
    pub values: &'a EntryValues,
    pub entries: Vec<EntrySummary>,
    pub after: Vec<HolderAfter>,
}

/// What the entry will do, before it is posted: the entry, then each holder's holdings
/// after it ("after this entry X holds N shares of class B").
pub fn preview(frame: &Frame, coop: &Cooperative, p: &PreviewPage) -> String {
    let lang = frame.lang;
    let action = match p.kind {
        EntryKind::Reversal => format!("/c/{}/entries/{}/reverse", coop.slug, p.values.reverses),
        kind => format!("/c/{}/entries/new/{}", coop.slug, kind.as_str()),
    };
    page(
        frame,
        html! {
            p.context { (coop.name) }
            (cooperative_nav(lang, coop.slug, coop.tools, Section::Overview))
            h1 { (t(lang, EntryText::PreviewTitle)) }
            p.preview role="status" { (t(lang, EntryText::PreviewIntro)) }
            @for e in &p.entries { (summary(lang, e)) }
            @for h in &p.after {
                section {
                    h2 { (t(lang, EntryText::AfterThisEntry)) " " (h.name) }
                    @if h.holdings.is_empty() {
                        p { (t(lang, EntryText::HoldsNothing)) }
                    } @else {
                        (holdings_table(lang, &h.holdings))
                    }
                }
            }
            form method="post" action=(action) {
                input type="hidden" name="csrf" value=(p.csrf);
                input type="hidden" name="key" value=(p.key);
                (p.values.hidden())
                div.actions {
                    button type="submit" name="step" value="post" { (t(lang, EntryText::PostEntry)) }
                    button.secondary type="submit" name="step" value="edit" { (t(lang, EntryText::ChangeEntry)) }
                }
            }
        },
    )
}

pub struct EntryPage {
    pub entry: EntrySummary,
    pub id: String,
    pub recorded_at: String,
    pub actor: String,
    pub hash: String,
    pub reversed_by: Option<i64>,
    /// Whether the reader may reverse it (an administrator, and it is not a reversal or
    /// already reversed).
    pub may_reverse: bool,
    /// Just posted: say so.
    pub posted: bool,
}

/// One entry of the ledger, with its place in the hash chain.
pub fn entry_page(frame: &Frame, coop: &Cooperative, p: &EntryPage) -> String {
    let lang = frame.lang;
    let e = &p.entry;
    page(
        frame,
        html! {
            p.context { (coop.name) }
            (cooperative_nav(lang, coop.slug, coop.tools, Section::Overview))
            @if p.posted {
                p.status.ok role="status" { (t(lang, EntryText::Posted)) }
            }
            h1 { (t(lang, EntryText::EntryTitle)) " " (e.seq.unwrap_or_default()) }
            (summary(lang, e))
            dl.facts {
                dt { (t(lang, EntryText::RecordedAt)) } dd { (p.recorded_at) }
                dt { (t(lang, EntryText::RecordedBy)) } dd { (p.actor) }
                @if let Some(by) = p.reversed_by {
                    dt { (t(lang, EntryText::ReversedBy)) } dd { (by) }
                }
                dt { (t(lang, EntryText::Hash)) } dd { code.hash { (p.hash) } }
            }
            @if p.may_reverse {
                p { a.button href=(format!("/c/{}/entries/{}/reverse", coop.slug, p.id)) { (t(lang, EntryText::ReverseEntry)) } }
            }
        },
    )
}

/// The capital movements form of the ledger page: the dates as typed, and what is wrong
/// with them after a refused download.
pub struct PeriodForm {
    pub from: String,
    pub to: String,
    pub from_error: Option<PeriodProblem>,
    pub to_error: Option<PeriodProblem>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodProblem {
    NotADate,
    Backwards,
}

impl PeriodProblem {
    fn text(self, lang: Language) -> &'static str {
        match self {
            PeriodProblem::NotADate => t(lang, EntryText::NotADate),
            PeriodProblem::Backwards => t(lang, Text::PeriodBackwards),
        }
    }
}

pub struct LedgerPage {
    pub cooperative: String,
    pub slug: String,
    pub period: PeriodForm,
    /// Newest first.
    pub entries: Vec<crate::pages::EntryLine>,
    /// The `before` of the next (older) page, if there is one.
    pub older: Option<i64>,
    /// Whether this is not the newest page.
    pub newer: bool,
    pub may_write: bool,
    pub tools: Tools,
}

/// The download of a period's capital movements: two Belgian dates, a button per format.
fn period_form(lang: Language, slug: &str, p: &PeriodForm) -> Markup {
    let date = |name, label: Text, value, error: Option<PeriodProblem>| {
        let mut f = Field::new(name, t(lang, label), value, Control::Date);
        f.error = error.map(|e| e.text(lang));
        field(&f)
    };
    html! {
        section aria-labelledby="capital-movements" {
            h2 #capital-movements { (t(lang, Text::CapitalMovements)) }
            p { (t(lang, Text::CapitalMovementsHint)) }
            form method="get" action=(format!("/c/{slug}/ledger")) {
                div.form-grid {
                    (date("from", Text::PeriodFrom, &p.from, p.from_error))
                    (date("to", Text::PeriodTo, &p.to, p.to_error))
                }
                p.downloads {
                    button type="submit" name="download" value="csv" { (t(lang, Text::DownloadCsv)) }
                    " "
                    button type="submit" name="download" value="xlsx" { (t(lang, Text::DownloadXlsx)) }
                }
            }
        }
    }
}

/// The ledger, newest entry first, 50 at a time.
pub fn ledger_page(frame: &Frame, p: &LedgerPage) -> String {
    let lang = frame.lang;
    page(
        frame,
        html! {
            p.context { (p.cooperative) }
            (cooperative_nav(lang, &p.slug, p.tools, Section::Ledger))
            h1 { (t(lang, Text::Ledger)) }
            @if p.may_write {
                p { a.button href=(format!("/c/{}/entries/new", p.slug)) { (t(lang, EntryText::NewEntry)) } }
            }
            p.downloads {
                (crate::pages::table_downloads(lang, &p.slug, "ledger", None))
                " "
                a.button href=(format!("/c/{}/exports/ocf.zip", p.slug)) download { (t(lang, Text::DownloadOcf)) }
            }
            @if p.entries.is_empty() {
                p { (t(lang, Text::NoEntries)) }
            } @else {
                (crate::pages::entries_table(lang, Text::Ledger, &p.entries))
            }
            nav.paging aria-label=(t(lang, Text::Ledger)) {
                @if p.newer {
                    a href=(format!("/c/{}/ledger", p.slug)) { (t(lang, Text::NewerEntries)) }
                }
                @if let Some(before) = p.older {
                    a href=(format!("/c/{}/ledger?before={before}", p.slug)) { (t(lang, Text::OlderEntries)) }
                }
            }
            (period_form(lang, &p.slug, &p.period))
        },
    )
}
