//! Personal API tokens, stored by the SHA-256 of their secret like sessions: the
//! database never holds a usable token.

use carnet_core::{TokenName, UserId, UserName};
use chrono::{DateTime, Duration, NaiveDateTime, SubsecRound, Utc};
use diesel::prelude::*;

use crate::schema::{api_tokens, users};
use crate::{Store, StoreError, User};

/// `last_used_at` is refreshed at most this often, so that a busy script's reads do
/// not each cost a write (a write lock on SQLite).
const LAST_USED_PRECISION_SECONDS: i64 = 60;

/// A token as listed on its owner's account page (the secret itself is never stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub user: UserId,
    pub name: TokenName,
    /// May read through the API but not write.
    pub read_only: bool,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
struct TokenRow {
    id: i64,
    user_id: i64,
    name: String,
    read_only: bool,
    created_at: NaiveDateTime,
    last_used_at: Option<NaiveDateTime>,
    revoked_at: Option<NaiveDateTime>,
}

impl From<TokenRow> for ApiToken {
    fn from(row: TokenRow) -> ApiToken {
        ApiToken {
            id: row.id,
            user: UserId(row.user_id),
            name: TokenName::from_stored(row.name),
            read_only: row.read_only,
            created_at: row.created_at.and_utc(),
            last_used_at: row.last_used_at.map(|at| at.and_utc()),
            revoked_at: row.revoked_at.map(|at| at.and_utc()),
        }
    }
}

impl Store {
    /// Records a new token of `user` by the hash of its secret.
    pub fn create_api_token(
        &self,
        user: UserId,
        name: &TokenName,
        token_hash: &str,
        read_only: bool,
    ) -> Result<ApiToken, StoreError> {
        let mut conn = self.conn()?;
        // PostgreSQL keeps microseconds: the token returned equals the token read back.
        let now = Utc::now().naive_utc().trunc_subsecs(6);
        let id = diesel::insert_into(api_tokens::table)
            .values((
                api_tokens::user_id.eq(user.0),
                api_tokens::name.eq(name.as_str()),
                api_tokens::token_hash.eq(token_hash),
                api_tokens::read_only.eq(read_only),
                api_tokens::created_at.eq(now),
            ))
            .returning(api_tokens::id)
            .get_result::<i64>(&mut conn)?;
        Ok(ApiToken {
            id,
            user,
            name: name.clone(),
            read_only,
            created_at: now.and_utc(),
            last_used_at: None,
            revoked_at: None,
        })
    }

    /// The live (not revoked) tokens of `user`, newest first.
    pub fn api_tokens(&self, user: UserId) -> Result<Vec<ApiToken>, StoreError> {
        let mut conn = self.conn()?;
        let rows: Vec<TokenRow> = api_tokens::table
            .filter(api_tokens::user_id.eq(user.0))
            .filter(api_tokens::revoked_at.is_null())
            .order(api_tokens::id.desc())
            .select(TokenRow::as_select())
            .load(&mut conn)?;
        Ok(rows.into_iter().map(ApiToken::from).collect())
    }

    /// Revokes one of `user`'s tokens; false when `user` has no such live token (someone
    /// else's token is never touched).
    pub fn revoke_api_token(&self, user: UserId, id: i64) -> Result<bool, StoreError> {
        let mut conn = self.conn()?;
        let updated = diesel::update(
            api_tokens::table
                .filter(api_tokens::id.eq(id))
                .filter(api_tokens::user_id.eq(user.0))
                .filter(api_tokens::revoked_at.is_null()),
        )
        .set(api_tokens::revoked_at.eq(Utc::now().naive_utc()))
        .execute(&mut conn)?;
        Ok(updated == 1)
    }

    /// The account and token behind a live token's hash, noting that it was used.
    pub fn api_token_user(&self, token_hash: &str) -> Result<Option<(User, ApiToken)>, StoreError> {
        let found: Option<(TokenRow, String)> = {
            let mut conn = self.conn()?;
            api_tokens::table
                .inner_join(users::table)
                .filter(api_tokens::token_hash.eq(token_hash))
                .filter(api_tokens::revoked_at.is_null())
                .select((TokenRow::as_select(), users::name))
                .first(&mut conn)
                .optional()?
        };
        let Some((row, user_name)) = found else {
            return Ok(None);
        };
        // Through `credentials`, so the account is read exactly as a login reads it.
        let Some(credentials) = self.credentials(&UserName::from_stored(user_name))? else {
            return Ok(None);
        };
        let mut token = ApiToken::from(row);
        let now = Utc::now();
        let stale = token
            .last_used_at
            .is_none_or(|at| now - at >= Duration::seconds(LAST_USED_PRECISION_SECONDS));
        if stale {
            let mut conn = self.conn()?;
            diesel::update(api_tokens::table.find(token.id))
                .set(api_tokens::last_used_at.eq(now.naive_utc()))
                .execute(&mut conn)?;
            token.last_used_at = Some(now);
        }
        Ok(Some((credentials.user, token)))
    }
}

#[cfg(test)]
mod tests {
    use carnet_core::{Role, TokenName, UserName};

    use crate::testing::TestDb;

    #[test]
    fn tokens_are_created_listed_used_and_revoked() {
        let db = TestDb::new();
        let store = db.store().unwrap();
        let lea = store
            .create_user(&UserName::parse("Léa").unwrap(), "hash", Role::Writer)
            .unwrap()
            .unwrap();
        let paul = store
            .create_user(&UserName::parse("Paul").unwrap(), "hash", Role::Writer)
            .unwrap()
            .unwrap();
        let name = TokenName::parse("robot").unwrap();
        let reader = store
            .create_api_token(lea.id, &name, "hash-reader", true)
            .unwrap();
        let writer = store
            .create_api_token(
                lea.id,
                &TokenName::parse("éditeur").unwrap(),
                "hash-writer",
                false,
            )
            .unwrap();
        assert!(reader.read_only && !writer.read_only);
        assert_eq!(store.api_tokens(lea.id).unwrap().last(), Some(&reader));

        let listed = store.api_tokens(lea.id).unwrap();
        assert_eq!(
            listed.iter().map(|t| t.id).collect::<Vec<_>>(),
            vec![writer.id, reader.id],
            "newest first"
        );
        assert!(store.api_tokens(paul.id).unwrap().is_empty());
        assert!(listed.iter().all(|t| t.last_used_at.is_none()));

        let (user, token) = store.api_token_user("hash-reader").unwrap().unwrap();
        assert_eq!((user.id, &user.name), (lea.id, &lea.name));
        assert_eq!(token.id, reader.id);
        assert!(token.read_only);
        assert!(token.last_used_at.is_some());
        let listed = store.api_tokens(lea.id).unwrap();
        assert!(
            listed
                .iter()
                .any(|t| t.id == reader.id && t.last_used_at.is_some())
        );
        assert!(store.api_token_user("unknown").unwrap().is_none());

        // Only the owner revokes, once.
        assert!(!store.revoke_api_token(paul.id, reader.id).unwrap());
        assert!(store.api_token_user("hash-reader").unwrap().is_some());
        assert!(store.revoke_api_token(lea.id, reader.id).unwrap());
        assert!(!store.revoke_api_token(lea.id, reader.id).unwrap());
        assert!(store.api_token_user("hash-reader").unwrap().is_none());
        let listed = store.api_tokens(lea.id).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed.first().unwrap().name.as_str(), "éditeur");
    }

    #[test]
    fn token_hashes_are_unique() {
        let db = TestDb::new();
        let store = db.store().unwrap();
        let lea = store
            .create_user(&UserName::parse("Léa").unwrap(), "hash", Role::Writer)
            .unwrap()
            .unwrap();
        let name = TokenName::parse("robot").unwrap();
        store
            .create_api_token(lea.id, &name, "same", false)
            .unwrap();
        assert!(
            store
                .create_api_token(lea.id, &name, "same", false)
                .is_err()
        );
    }
}
