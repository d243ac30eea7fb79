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
        text_hidden -> Bool,
        deleted -> Bool,
        format -> Text,
        content -> Nullable<Binary>,
        keyframe_id -> Nullable<BigInt>,
        chain_bytes -> BigInt,
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
        page_created_at -> Timestamp,
        page_touched_at -> Timestamp,
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
        temporary -> Bool,
        watch_own_edits -> Bool,
        watchlist_seen_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    watchlist (user_id, namespace, name) {
        user_id -> BigInt,
        namespace -> Integer,
        name -> Text,
        added_at -> Timestamp,
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

diesel::table! {
    protections (page_id) {
        page_id -> BigInt,
        level -> Text,
        reason -> Text,
        expires_at -> Nullable<Timestamp>,
        user_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    blocks (id) {
        id -> BigInt,
        user_id -> BigInt,
        reason -> Text,
        expires_at -> Nullable<Timestamp>,
        blocked_by -> BigInt,
        created_at -> Timestamp,
        lifted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    log_entries (id) {
        id -> BigInt,
        action -> Text,
        actor_id -> Nullable<BigInt>,
        actor_name -> Text,
        target_namespace -> Nullable<Integer>,
        target_name -> Text,
        reason -> Text,
        details -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        token_hash -> Text,
        read_only -> Bool,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(protections -> pages (page_id));
diesel::joinable!(api_tokens -> users (user_id));
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
    protections,
    blocks,
    log_entries,
    api_tokens,
    watchlist,
    rate_limit_hits,
    rate_limit_secret,
    event_windows
);

diesel::table! {
    /// Temporary identities handed out per year: the last number taken.
    temporary_names (year) {
        year -> Integer,
        taken -> BigInt,
    }
}

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
        target_namespace -> Nullable<Integer>,
        target_name -> Nullable<Text>,
        join_token -> Nullable<Text>,
    }
}

diesel::joinable!(event_windows -> users (created_by));

diesel::table! {
    live_documents (id) {
        id -> BigInt,
        namespace -> Integer,
        name -> Text,
        synced_revision_id -> Nullable<BigInt>,
        snapshot -> Binary,
        snapshot_through -> BigInt,
        updated_at -> Timestamp,
        checkpointer -> Nullable<Text>,
        checkpointer_until -> Nullable<Timestamp>,
        checkpoint_request -> Nullable<Text>,
        closings -> BigInt,
    }
}

diesel::table! {
    live_updates (id) {
        id -> BigInt,
        document_id -> BigInt,
        data -> Binary,
        created_at -> Timestamp,
    }
}

diesel::table! {
    live_participants (document_id, name) {
        document_id -> BigInt,
        position -> Integer,
        name -> Text,
        user_id -> Nullable<BigInt>,
    }
}

diesel::joinable!(live_updates -> live_documents (document_id));
diesel::joinable!(live_participants -> live_documents (document_id));
diesel::allow_tables_to_appear_in_same_query!(live_documents, live_updates, live_participants);

// Full-text search: the tables both backends share. The word index itself is
// backend-specific (an FTS5 table on SQLite, tsvectors on PostgreSQL) and reached only
// through the raw SQL of `search.rs`.
diesel::table! {
    search_titles (page_id) {
        page_id -> BigInt,
        folded -> Text,
    }
}

diesel::table! {
    search_settings (id) {
        id -> Integer,
        language -> Text,
    }
}

diesel::joinable!(search_titles -> pages (page_id));
diesel::allow_tables_to_appear_in_same_query!(search_titles, pages);

diesel::table! {
    event_participants (event_id, user_id) {
        event_id -> BigInt,
        user_id -> BigInt,
        joined_at -> Timestamp,
        via_link -> Bool,
    }
}

diesel::joinable!(event_participants -> event_windows (event_id));
diesel::joinable!(event_participants -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(event_participants, event_windows);
diesel::allow_tables_to_appear_in_same_query!(event_participants, users);
diesel::allow_tables_to_appear_in_same_query!(event_participants, revisions);
diesel::allow_tables_to_appear_in_same_query!(event_participants, pages);

diesel::table! {
    portal_features (portal_id, namespace, name) {
        portal_id -> BigInt,
        namespace -> Integer,
        name -> Text,
        position -> Integer,
        blurb -> Text,
        picture -> Text,
        added_by -> Nullable<BigInt>,
        added_at -> Timestamp,
    }
}

diesel::table! {
    portal_sections (portal_id, category, sort) {
        portal_id -> BigInt,
        category -> Text,
        sort -> Text,
        position -> Integer,
        size -> Integer,
    }
}

diesel::table! {
    portal_animateurs (portal_id, user_id) {
        portal_id -> BigInt,
        user_id -> BigInt,
        added_by -> Nullable<BigInt>,
        added_at -> Timestamp,
    }
}

diesel::joinable!(portal_animateurs -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(portal_features, portal_sections, portal_animateurs);
// The portal tables with the older ones, pair by pair (each pair may be declared once).
diesel::allow_tables_to_appear_in_same_query!(portal_features, pages);
diesel::allow_tables_to_appear_in_same_query!(portal_features, revisions);
diesel::allow_tables_to_appear_in_same_query!(portal_features, category_links);
diesel::allow_tables_to_appear_in_same_query!(portal_sections, pages);
diesel::allow_tables_to_appear_in_same_query!(portal_sections, revisions);
diesel::allow_tables_to_appear_in_same_query!(portal_sections, category_links);
diesel::allow_tables_to_appear_in_same_query!(portal_animateurs, users);
diesel::allow_tables_to_appear_in_same_query!(portal_animateurs, pages);

// `carnet import mediawiki` (import.rs): what came from which wiki, by its ids there.
diesel::table! {
    imported_pages (source, source_page_id) {
        source -> Text,
        source_page_id -> BigInt,
        page_id -> BigInt,
    }
}

diesel::table! {
    imported_revisions (source, source_revision_id) {
        source -> Text,
        source_revision_id -> BigInt,
        revision_id -> BigInt,
    }
}

diesel::joinable!(imported_pages -> pages (page_id));
diesel::joinable!(imported_revisions -> revisions (revision_id));
diesel::allow_tables_to_appear_in_same_query!(imported_pages, pages);
diesel::allow_tables_to_appear_in_same_query!(imported_revisions, revisions);
diesel::allow_tables_to_appear_in_same_query!(imported_revisions, pages);
// Uploaded files (media.rs): every version of a file, the newest per page current.
diesel::table! {
    file_versions (id) {
        id -> BigInt,
        page_id -> BigInt,
        sha256 -> Text,
        kind -> Text,
        bytes -> BigInt,
        width -> Nullable<Integer>,
        height -> Nullable<Integer>,
        uploader_id -> Nullable<BigInt>,
        uploader -> Text,
        author -> Text,
        source -> Text,
        licence -> Text,
        comment -> Text,
        uploaded_at -> Timestamp,
        restored_from -> Nullable<BigInt>,
    }
}

diesel::joinable!(file_versions -> pages (page_id));
diesel::allow_tables_to_appear_in_same_query!(file_versions, pages);
diesel::allow_tables_to_appear_in_same_query!(file_versions, users);
diesel::allow_tables_to_appear_in_same_query!(file_versions, file_links);
diesel::allow_tables_to_appear_in_same_query!(file_versions, render_cache);
diesel::allow_tables_to_appear_in_same_query!(file_versions, event_participants);

// The content generation (generation.rs): one row, bumped by triggers in the
// transaction of every change of what a page view shows.
diesel::table! {
    content_generation (id) {
        id -> Integer,
        generation -> BigInt,
        changed_at -> Timestamp,
    }
}
