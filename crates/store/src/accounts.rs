//! Accounts and server-side sessions.

use carnet_core::{Role, UserId, UserName};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::connection::{AnyConnection, write_transaction};
use crate::schema::{sessions, temporary_names, users};
use crate::{Store, StoreError};

/// A registered account, without its password hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub name: UserName,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    /// A temporary identity (`~2026-42`) given to a logged-out writer: no password, no
    /// login, same history, blocks and limits as an account.
    pub temporary: bool,
}

/// An account with its password hash, for checking a login.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub user: User,
    /// An argon2id PHC string.
    pub password_hash: String,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
struct UserRow {
    id: i64,
    name: String,
    password_hash: String,
    role: String,
    created_at: chrono::NaiveDateTime,
    temporary: bool,
}

impl UserRow {
    fn into_credentials(self) -> Result<Credentials, StoreError> {
        let role = Role::parse(&self.role).ok_or_else(|| {
            StoreError::Corrupt(format!("user {} has role {:?}", self.id, self.role))
        })?;
        Ok(Credentials {
            user: User {
                id: UserId(self.id),
                name: UserName::from_stored(self.name),
                role,
                created_at: self.created_at.and_utc(),
                temporary: self.temporary,
            },
            password_hash: self.password_hash,
        })
    }
}

impl Store {
    /// Creates an account; `Ok(None)` when the name is taken.
    pub fn create_user(
        &self,
        name: &UserName,
        password_hash: &str,
        role: Role,
    ) -> Result<Option<User>, StoreError> {
        let mut conn = self.conn()?;
        let now = Utc::now().naive_utc();
        let inserted = diesel::insert_into(users::table)
            .values((
                users::name.eq(name.as_str()),
                users::password_hash.eq(password_hash),
                users::role.eq(role.code()),
                users::created_at.eq(now),
            ))
            .returning(users::id)
            .get_result::<i64>(&mut conn);
        match inserted {
            Ok(id) => Ok(Some(User {
                id: UserId(id),
                name: name.clone(),
                role,
                created_at: now.and_utc(),
                temporary: false,
            })),
            Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }

    /// The account with this name and its password hash.
    pub fn credentials(&self, name: &UserName) -> Result<Option<Credentials>, StoreError> {
        let mut conn = self.conn()?;
        let row: Option<UserRow> = users::table
            .filter(users::name.eq(name.as_str()))
            .select(UserRow::as_select())
            .first(&mut conn)
            .optional()?;
        row.map(UserRow::into_credentials).transpose()
    }

    /// Every registered account (not temporary identities), by name.
    pub fn users(&self) -> Result<Vec<User>, StoreError> {
        let mut conn = self.conn()?;
        let rows: Vec<UserRow> = users::table
            .filter(users::temporary.eq(false))
            .order(users::name.asc())
            .select(UserRow::as_select())
            .load(&mut conn)?;
        rows.into_iter()
            .map(|row| row.into_credentials().map(|c| c.user))
            .collect()
    }

    /// Changes a role and logs it; false when there is no such registered user.
    /// `by` is `None` from the command line.
    pub fn set_role(
        &self,
        name: &UserName,
        role: Role,
        by: Option<&User>,
        reason: &str,
    ) -> Result<bool, StoreError> {
        let mut conn = self.conn()?;
        crate::connection::write_transaction(&mut conn, |conn| -> Result<bool, StoreError> {
            let old: Option<String> = users::table
                .filter(users::name.eq(name.as_str()))
                .filter(users::temporary.eq(false))
                .select(users::role)
                .first(conn)
                .optional()?;
            let Some(old) = old else {
                return Ok(false);
            };
            diesel::update(users::table.filter(users::name.eq(name.as_str())))
                .set(users::role.eq(role.code()))
                .execute(conn)?;
            crate::moderation::write_log(
                conn,
                carnet_core::LogAction::Rights,
                by,
                crate::LogTarget::User(name.as_str().to_owned()),
                reason,
                &format!("{old} → {}", role.code()),
            )?;
            Ok(true)
        })
    }

    /// Any account by name, temporary identities included (for blocks).
    pub fn user_named(&self, name: &str) -> Result<Option<User>, StoreError> {
        let mut conn = self.conn()?;
        let row: Option<UserRow> = users::table
            .filter(users::name.eq(name))
            .select(UserRow::as_select())
            .first(&mut conn)
            .optional()?;
        row.map(|row| row.into_credentials().map(|c| c.user))
            .transpose()
    }

    /// Gives a logged-out writer a temporary identity, `~YEAR-N` with N the year's next
    /// number. It has no password: it lives in its session cookie.
    ///
    /// The number is taken by bumping the year's counter in the same write transaction
    /// that inserts the account, so many newcomers saving at the same moment (a workshop
    /// behind one address) each get a number at once, with no race to lose.
    pub fn create_temporary_user(&self, now: DateTime<Utc>) -> Result<User, StoreError> {
        use chrono::Datelike;
        let year = now.year();
        let mut conn = self.conn()?;
        let (id, name) = write_transaction(&mut conn, |conn| {
            // A name already taken (an account renamed or imported by hand, or a counter
            // behind an older wiki's numbers) is skipped, never an error.
            loop {
                let number = take_temporary_number(conn, year)?;
                let name = format!("~{year}-{number}");
                let inserted = insert_temporary_user(conn, &name, now)?;
                if let Some(id) = inserted {
                    return Ok::<_, StoreError>((id, name));
                }
            }
        })?;
        Ok(User {
            id: UserId(id),
            name: UserName::from_stored(name),
            role: Role::Writer,
            created_at: now,
            temporary: true,
        })
    }

    /// Replaces a password and ends every session of the account but `keep`.
    pub fn set_password(
        &self,
        user: UserId,
        password_hash: &str,
        keep: Option<&str>,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        crate::connection::write_transaction(&mut conn, |conn| -> Result<(), StoreError> {
            diesel::update(users::table.find(user.0))
                .set(users::password_hash.eq(password_hash))
                .execute(conn)?;
            let others = sessions::table
                .filter(sessions::user_id.eq(user.0))
                .filter(sessions::token_hash.ne(keep.unwrap_or_default()));
            diesel::delete(others).execute(conn)?;
            Ok(())
        })
    }

    /// Records a session by the hash of its token.
    pub fn create_session(
        &self,
        user: UserId,
        token_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        diesel::insert_into(sessions::table)
            .values((
                sessions::token_hash.eq(token_hash),
                sessions::user_id.eq(user.0),
                sessions::created_at.eq(Utc::now().naive_utc()),
                sessions::expires_at.eq(expires_at.naive_utc()),
            ))
            .execute(&mut conn)?;
        Ok(())
    }

    /// The user of a live session.
    pub fn session_user(&self, token_hash: &str) -> Result<Option<User>, StoreError> {
        let mut conn = self.conn()?;
        let row: Option<UserRow> = sessions::table
            .inner_join(users::table)
            .filter(sessions::token_hash.eq(token_hash))
            .filter(sessions::expires_at.gt(Utc::now().naive_utc()))
            .select(UserRow::as_select())
            .first(&mut conn)
            .optional()?;
        row.map(|row| row.into_credentials().map(|c| c.user))
            .transpose()
    }

    /// Ends a session (logout).
    pub fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        diesel::delete(sessions::table.filter(sessions::token_hash.eq(token_hash)))
            .execute(&mut conn)?;
        Ok(())
    }
}

/// Bumps the year's count of temporary identities; the number just taken.
fn take_temporary_number(conn: &mut AnyConnection, year: i32) -> Result<i64, DieselError> {
    let query = diesel::insert_into(temporary_names::table)
        .values((
            temporary_names::year.eq(year),
            temporary_names::taken.eq(1_i64),
        ))
        .on_conflict(temporary_names::year)
        .do_update()
        .set(temporary_names::taken.eq(temporary_names::taken + 1_i64))
        .returning(temporary_names::taken);
    // `on_conflict` is not available through the multi-connection.
    match conn {
        AnyConnection::Sqlite(inner) => query.get_result(inner),
        AnyConnection::Postgresql(inner) => query.get_result(inner),
    }
}

/// Inserts a temporary account unless its name is taken; its id, or `None`. A taken
/// name must not abort the transaction (PostgreSQL would refuse every later statement).
fn insert_temporary_user(
    conn: &mut AnyConnection,
    name: &str,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DieselError> {
    let query = diesel::insert_into(users::table)
        .values((
            users::name.eq(name),
            users::password_hash.eq(""),
            users::role.eq(Role::Writer.code()),
            users::created_at.eq(now.naive_utc()),
            users::temporary.eq(true),
        ))
        .on_conflict_do_nothing()
        .returning(users::id);
    // `on_conflict` is not available through the multi-connection.
    match conn {
        AnyConnection::Sqlite(inner) => query.get_result(inner).optional(),
        AnyConnection::Postgresql(inner) => query.get_result(inner).optional(),
    }
}
