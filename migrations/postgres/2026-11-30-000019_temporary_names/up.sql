-- How many temporary identities (`~2026-42`) each year has handed out. A new identity
-- takes the next number by bumping this row inside its write transaction, so writers
-- who start at the same moment (a workshop behind one address) get distinct numbers at
-- once, instead of counting the year's identities and racing for the same name.
CREATE TABLE temporary_names (
    year INTEGER PRIMARY KEY,
    taken BIGINT NOT NULL
);
-- An existing wiki goes on after its highest number.
INSERT INTO temporary_names (year, taken)
    SELECT CAST(substring(name FROM 2 FOR 4) AS INTEGER), MAX(CAST(substring(name FROM 7) AS BIGINT))
    FROM users
    WHERE temporary AND name ~ '^~[0-9]{4}-[0-9]+$'
    GROUP BY 1;
