//! What a cooperative prints on its documents: uploaded images and its signatory.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::StoreError;
use crate::schema::{document_images, document_settings};
use crate::to_db_time;
use dar_core::ids::TenantId;

/// A stored image; kept forever under the SHA-256 of its bytes.
#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = document_images)]
pub struct ImageRow {
    pub tenant_id: String,
    pub sha256: String,
    pub media_type: String,
    pub bytes: Vec<u8>,
    pub created_at: NaiveDateTime,
}

#[derive(Queryable, Selectable, Insertable, AsChangeset, Clone, Debug, Default, PartialEq)]
#[diesel(table_name = document_settings, treat_none_as_null = true)]
pub struct SettingsRow {
    pub tenant_id: String,
    pub signatory_name: Option<String>,
    pub signatory_title: Option<String>,
    pub logo_sha256: Option<String>,
    pub signature_sha256: Option<String>,
    pub updated_at: NaiveDateTime,
    /// Whether shareholders may ask for a current certificate themselves.
    pub holders_may_request_certificates: bool,
}

/// Stores an image unless the tenant already has these exact bytes.
pub fn store_image(
    conn: &mut DbConnection,
    tenant: &TenantId,
    sha256: &str,
    media_type: &str,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    crate::write_transaction(conn, |conn| {
        if image(conn, tenant, sha256)?.is_some() {
            return Ok(());
        }
        diesel::insert_into(document_images::table)
            .values(ImageRow {
                tenant_id: tenant.to_string(),
                sha256: sha256.to_string(),
                media_type: media_type.to_string(),
                bytes: bytes.to_vec(),
                created_at: to_db_time(now),
            })
            .execute(conn)?;
        Ok(())
    })
}

pub fn image(
    conn: &mut DbConnection,
    tenant: &TenantId,
    sha256: &str,
) -> Result<Option<ImageRow>, StoreError> {
    Ok(document_images::table
        .find((tenant.to_string(), sha256))
        .select(ImageRow::as_select())
        .first(conn)
        .optional()?)
}

/// The tenant's settings; all empty until an admin sets them.
pub fn settings(conn: &mut DbConnection, tenant: &TenantId) -> Result<SettingsRow, StoreError> {
    Ok(document_settings::table
        .find(tenant.to_string())
        .select(SettingsRow::as_select())
        .first(conn)
        .optional()?
        .unwrap_or_else(|| SettingsRow {
            tenant_id: tenant.to_string(),
            ..SettingsRow::default()
        }))
}

/// Replaces the settings. An image must have been uploaded to this tenant first (the
/// composite foreign key refuses another tenant's image).
pub fn put_settings(conn: &mut DbConnection, row: SettingsRow) -> Result<SettingsRow, StoreError> {
    crate::write_transaction(conn, |conn| {
        let tenant: TenantId = crate::parse_id(&row.tenant_id)?;
        for (field, sha) in [
            ("logo_sha256", &row.logo_sha256),
            ("signature_sha256", &row.signature_sha256),
        ] {
            if let Some(sha) = sha
                && image(conn, &tenant, sha)?.is_none()
            {
                return Err(StoreError::Invalid {
                    field: field.to_string(),
                    message: "no image with this SHA-256 was uploaded to this cooperative".into(),
                });
            }
        }
        let updated = diesel::update(document_settings::table.find(&row.tenant_id))
            .set(&row)
            .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(document_settings::table)
                .values(&row)
                .execute(conn)?;
        }
        Ok(row)
    })
}
