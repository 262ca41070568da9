//! The register, the ledger and the shareholder list downloaded from the web application:
//! the same tables and the same audit event as the API's (`routes::exports`), as CSV for
//! Excel in Belgium or as XLSX, and the whole register as an Open Cap Format package.

use actix_web::{HttpRequest, get, web};

use super::{PageError, PageResult, TypedDate, session::WebUser};
use crate::exports::{Download, Export};
use crate::request::RequestMeta;
use crate::routes::exports::download;
use crate::routes::holdings::moment;
use crate::state::AppState;
use dar_documents::tabular::{CsvDialect, Format};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(table);
}

enum Table {
    Register,
    Ledger,
    Shareholders,
    CapitalMovements {
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    },
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TableQuery {
    as_of: Option<TypedDate>,
    from: Option<TypedDate>,
    to: Option<TypedDate>,
}

/// `/c/{tenant}/exports/register.csv?as_of=…`, `ledger.xlsx`, `shareholders.csv`, …
#[get("/c/{tenant}/exports/{file}")]
async fn table(
    state: web::Data<AppState>,
    user: WebUser,
    meta: RequestMeta,
    path: web::Path<(String, String)>,
    req: HttpRequest,
) -> PageResult {
    let lang = user.lang;
    let (key, file) = path.into_inner();
    let not_found = || PageError::NotFound { lang };
    if file == "ocf.zip" {
        let as_of = dar_core::time::brussels_date(chrono::Utc::now());
        return download(state, user.principal.clone(), meta, key, move |_| {
            Ok(Download::Ocf { as_of })
        })
        .await
        .map_err(|e| PageError::from_api(e, lang));
    }
    let (name, extension) = file.rsplit_once('.').ok_or_else(not_found)?;
    let format = match extension {
        "csv" => Format::Csv(CsvDialect::Excel),
        "xlsx" => Format::Xlsx,
        _ => return Err(not_found()),
    };
    let query: TableQuery =
        crate::request::parse_query(req.query_string()).map_err(|_| not_found())?;
    let read = |date: Option<TypedDate>| match date {
        None => Ok(None),
        Some(TypedDate::Read(date)) => Ok(Some(date)),
        Some(TypedDate::Unreadable) => Err(not_found()),
    };
    let (as_of, from, to) = (read(query.as_of)?, read(query.from)?, read(query.to)?);
    let which = match name {
        "register" => Table::Register,
        "ledger" => Table::Ledger,
        "shareholders" => Table::Shareholders,
        // The ledger page's form checks the period and links here with readable dates.
        "capital-movements" => match (from, to) {
            (Some(from), Some(to)) if from <= to => Table::CapitalMovements { from, to },
            _ => return Err(not_found()),
        },
        _ => return Err(not_found()),
    };
    download(state, user.principal.clone(), meta, key, move |tenant| {
        let export = match which {
            Table::Register => Export::Register(moment(tenant, as_of, None)?),
            Table::Ledger => Export::Ledger,
            Table::Shareholders => Export::Shareholders,
            Table::CapitalMovements { from, to } => Export::CapitalMovements { from, to },
        };
        Ok(Download::Table(export, format))
    })
    .await
    .map_err(|e| PageError::from_api(e, lang))
}
