-- Migrations are forward-only (docs/ADMIN.md, "Mettre à jour"): once compacted, texts
-- live only in `content`, and dropping it would lose them.
SELECT RAISE(ABORT, 'forward-only migration: restore a backup instead');
