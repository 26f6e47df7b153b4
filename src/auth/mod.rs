//! Bearer tokens: HS256 JWTs naming a company and its scopes, turned into a `Viewer`.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// A permission a token can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Every query (and later, subscription).
    ReadConversations,
    /// Every mutation.
    WriteConversations,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::ReadConversations => "read:conversations",
            Scope::WriteConversations => "write:conversations",
        }
    }

    fn parse(s: &str) -> Option<Scope> {
        match s {
            "read:conversations" => Some(Scope::ReadConversations),
            "write:conversations" => Some(Scope::WriteConversations),
            _ => None,
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who is asking: the company every statement of the request is scoped to, and its scopes.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub company_id: Uuid,
    pub subject: String,
    pub scopes: Vec<Scope>,
}

impl Viewer {
    pub fn has(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }
}

/// The claims this service reads and writes.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    pub company_id: Uuid,
    /// Space-separated scopes (OAuth style).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Scopes as a list (Auth0 style).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<String>>,
    pub exp: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<u64>,
}

/// Why a token was refused; the message is safe to show the client.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("missing bearer token: send `Authorization: Bearer <token>`")]
    Missing,
    #[error("malformed Authorization header: expected `Bearer <token>`")]
    Malformed,
    #[error("the bearer token has expired")]
    Expired,
    #[error("invalid bearer token")]
    Invalid,
}

/// Signs and verifies tokens with one HS256 secret.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl TokenKeys {
    pub fn hs256(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp"]);
        validation.leeway = 30;
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    /// A fresh random secret, for a server started without JWT_SECRET.
    pub fn random_secret() -> String {
        use base64::Engine;
        let bytes: [u8; 32] = rand::random();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    /// Signs a token for `company_id` with the given space-separated scopes.
    pub fn issue(&self, company_id: Uuid, scope: &str, subject: &str, ttl_seconds: u64) -> String {
        let now = jsonwebtoken::get_current_timestamp();
        let claims = Claims {
            sub: Some(subject.to_owned()),
            company_id,
            scope: Some(scope.to_owned()),
            permissions: None,
            exp: now + ttl_seconds,
            iat: Some(now),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing with an in-memory key cannot fail")
    }

    /// Reads an `Authorization` header value into a `Viewer`.
    pub fn authenticate(&self, header: Option<&str>) -> Result<Viewer, TokenError> {
        let header = header.ok_or(TokenError::Missing)?.trim();
        let (scheme, token) = header.split_once(' ').ok_or(TokenError::Malformed)?;
        if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
            return Err(TokenError::Malformed);
        }
        let data = jsonwebtoken::decode::<Claims>(token.trim(), &self.decoding, &self.validation)
            .map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
            _ => TokenError::Invalid,
        })?;
        let claims = data.claims;
        let words: Vec<String> = match (claims.scope, claims.permissions) {
            (Some(s), _) => s.split_whitespace().map(str::to_owned).collect(),
            (None, Some(list)) => list,
            (None, None) => Vec::new(),
        };
        Ok(Viewer {
            company_id: claims.company_id,
            subject: claims.sub.unwrap_or_default(),
            scopes: words.iter().filter_map(|w| Scope::parse(w)).collect(),
        })
    }
}
