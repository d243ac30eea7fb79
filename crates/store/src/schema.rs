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
        redirect_namespace -> Nullable<Integer>,
        redirect_name -> Nullable<Text>,
        uses_page_count -> Bool,
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
        user_id -> Nullable<BigInt>,
    }
}

diesel::joinable!(revisions -> pages (page_id));

diesel::table! {
    page_links (from_page, to_namespace, to_name) {
        from_page -> BigInt,
        to_namespace -> Integer,
        to_name -> Text,
    }
}

diesel::table! {
    template_links (from_page, to_namespace, to_name) {
        from_page -> BigInt,
        to_namespace -> Integer,
        to_name -> Text,
    }
}

diesel::table! {
    file_links (from_page, to_name) {
        from_page -> BigInt,
        to_name -> Text,
    }
}

diesel::table! {
    category_links (from_page, category) {
        from_page -> BigInt,
        category -> Text,
        sort_key -> Text,
    }
}

diesel::table! {
    listed_categories (from_page, category) {
        from_page -> BigInt,
        category -> Text,
    }
}

diesel::table! {
    render_cache (page_id) {
        page_id -> BigInt,
        revision_id -> BigInt,
        html -> Text,
        rendered_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        name -> Text,
        password_hash -> Text,
        role -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(category_links -> pages (from_page));
diesel::joinable!(page_links -> pages (from_page));
diesel::joinable!(template_links -> pages (from_page));
diesel::joinable!(render_cache -> pages (page_id));
diesel::allow_tables_to_appear_in_same_query!(
    pages,
    revisions,
    page_links,
    template_links,
    file_links,
    category_links,
    listed_categories,
    render_cache,
    users,
    sessions,
    rate_limit_hits,
    rate_limit_secret,
    event_windows
);

diesel::table! {
    rate_limit_hits (key, window_start) {
        key -> Text,
        window_start -> BigInt,
        expires_at -> BigInt,
        count -> BigInt,
    }
}

diesel::table! {
    rate_limit_secret (id) {
        id -> Integer,
        secret -> Text,
    }
}

diesel::table! {
    event_windows (id) {
        id -> BigInt,
        name -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        ip_range -> Nullable<Text>,
        created_by -> BigInt,
        created_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
        ended_by -> Nullable<BigInt>,
    }
}

diesel::joinable!(event_windows -> users (created_by));
