//! Access tokens (short-lived JWTs, HS256) and opaque refresh and invitation tokens.

use base64::Engine;
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use dar_core::ids::UserId;
use dar_db::users::Grant;

/// A grant as carried inside the access token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantClaim {
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shareholder_id: Option<String>,
}

impl From<&Grant> for GrantClaim {
    fn from(g: &Grant) -> Self {
        GrantClaim {
            role: g.role.as_str().to_string(),
            tenant_id: g.tenant_id.map(|t| t.to_string()),
            shareholder_id: g.shareholder_id.map(|s| s.to_string()),
        }
    }
}

/// The claims of an access token. Grants ride along so that a request needs no database
/// read to know who may do what; a changed grant takes effect at the next refresh.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub grants: Vec<GrantClaim>,
}

const ISSUER: &str = "dar";

#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl TokenKeys {
    pub fn new(secret: &str) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "sub", "iss"]);
        validation.leeway = 5;
        TokenKeys {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            validation,
        }
    }

    pub fn issue(
        &self,
        user: &UserId,
        grants: &[Grant],
        now: DateTime<Utc>,
        lifetime_seconds: i64,
    ) -> String {
        let claims = Claims {
            sub: user.to_string(),
            iat: now.timestamp(),
            exp: now.timestamp() + lifetime_seconds,
            iss: ISSUER.into(),
            grants: grants.iter().map(GrantClaim::from).collect(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing cannot fail")
    }

    /// Checks signature, algorithm (HS256 only), issuer and expiry.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|d| d.claims)
    }
}

/// A random opaque token (refresh, invitation) and the hash that is stored instead of it.
pub fn opaque_token() -> (String, String) {
    let bytes: [u8; 32] = rand::rng().random();
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use dar_core::types::Role;

    fn keys() -> TokenKeys {
        TokenKeys::new("a test secret that is long enough!")
    }

    #[test]
    fn an_issued_token_verifies_with_its_grants() {
        let user = UserId::new();
        let grant = Grant {
            role: Role::Coordinator,
            tenant_id: None,
            shareholder_id: None,
        };
        let token = keys().issue(&user, &[grant], Utc::now(), 60);
        let claims = keys().verify(&token).expect("valid");
        assert_eq!(claims.sub, user.to_string());
        assert_eq!(claims.grants[0].role, "coordinator");
    }

    #[test]
    fn an_expired_token_is_refused() {
        let token = keys().issue(
            &UserId::new(),
            &[],
            Utc::now() - chrono::Duration::hours(1),
            60,
        );
        assert!(keys().verify(&token).is_none());
    }

    #[test]
    fn a_token_signed_with_another_key_is_refused() {
        let token = TokenKeys::new("another secret, also long enough!!").issue(
            &UserId::new(),
            &[],
            Utc::now(),
            60,
        );
        assert!(keys().verify(&token).is_none());
    }

    #[test]
    fn a_token_with_another_algorithm_is_refused() {
        let claims = Claims {
            sub: UserId::new().to_string(),
            iat: 0,
            exp: i64::MAX / 2,
            iss: ISSUER.into(),
            grants: vec![],
        };
        let token = jsonwebtoken::encode(
            &Header::new(Algorithm::HS512),
            &claims,
            &EncodingKey::from_secret(b"a test secret that is long enough!"),
        )
        .unwrap();
        assert!(keys().verify(&token).is_none());
    }
}
