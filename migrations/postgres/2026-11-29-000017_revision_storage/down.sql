-- Migrations are forward-only (docs/ADMIN.md, "Mettre à jour"): once compacted, texts
-- live only in `content`, and dropping it would lose them.
DO $$ BEGIN RAISE EXCEPTION 'forward-only migration: restore a backup instead'; END $$;
