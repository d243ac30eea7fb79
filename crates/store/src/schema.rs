//! The one schema description, portable across SQLite and PostgreSQL. Written by hand:
//! `diesel print-schema` would differ per backend (INTEGER vs BIGINT ids).

diesel::table! {
    pages (id) {
        id -> BigInt,
        namespace -> Integer,
        name -> Text,
        latest_revision_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        touched_at -> Timestamp,
    }
}

diesel::table! {
    revisions (id) {
        id -> BigInt,
        page_id -> BigInt,
        parent_id -> Nullable<BigInt>,
        author -> Text,
        created_at -> Timestamp,
        comment -> Text,
        minor -> Bool,
        size -> BigInt,
        sha256 -> Text,
        text -> Text,
    }
}

diesel::joinable!(revisions -> pages (page_id));
diesel::allow_tables_to_appear_in_same_query!(pages, revisions);
