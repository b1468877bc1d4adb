-- Failed sign-ins keyed by epoch milliseconds instead of ISO-8601 text. Text written by
-- Instant.toString() has varying precision (…:06Z, …:06.123Z, …:06.123456Z) and so does not sort
-- as time; the lock-out check had to read every failure of an email and parse it. As integers,
-- the check is a range read of the (email, at) index, and the rows past the lock-out window can be
-- deleted by the (at) index. Old rows are converted (unixepoch reads every precision; digits past the
-- millisecond are dropped, as Instant.toEpochMilli() drops them for new rows).
-- V21: after V20, the highest version so far; Flyway runs without outOfOrder, so a lower unused
-- number would be refused on databases that already have V20.
ALTER TABLE sign_in_failures RENAME TO sign_in_failures_text;

CREATE TABLE sign_in_failures (
  email TEXT    NOT NULL COLLATE NOCASE,
  at    INTEGER NOT NULL -- epoch milliseconds
);

INSERT INTO sign_in_failures (email, at)
SELECT email, CAST(round(unixepoch(at, 'subsec') * 1000) AS INTEGER)
FROM sign_in_failures_text
WHERE unixepoch(at, 'subsec') IS NOT NULL;

DROP TABLE sign_in_failures_text;

CREATE INDEX sign_in_failures_email ON sign_in_failures (email, at);
CREATE INDEX sign_in_failures_at ON sign_in_failures (at);
