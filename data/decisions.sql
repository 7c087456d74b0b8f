-- Coders' decisions beside the rules' codings (schema v5): applied after
-- schema.sql to a new database, and by the migration to v5.

-- A coder's judgement (v5), apart from the rules' codings so that `tag`
-- never touches it: a code added to a passage, a coding rejected, or a
-- unit marked as coded in full ('seen': there the coder's codes are
-- exactly those they added). passage_id 0: about the whole source (a
-- gold file's document-level rows). core/decisions.h says how they count.
CREATE TABLE decision (
	id          INTEGER PRIMARY KEY,
	coder       TEXT NOT NULL,
	source_id   INTEGER NOT NULL,
	passage_id  INTEGER NOT NULL DEFAULT 0,
	code_id     TEXT NOT NULL DEFAULT '',
	verdict     TEXT NOT NULL CHECK (verdict IN ('add', 'reject', 'seen')),
	note        TEXT,
	created     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	UNIQUE (passage_id, source_id, coder, code_id)
);
CREATE INDEX decision_source ON decision(source_id, passage_id);

-- Decisions whose passage or source was removed (replaced or forgotten):
-- kept, with where they were, for `papercut code --orphans`.
CREATE TABLE decision_orphan (
	id        INTEGER PRIMARY KEY,
	coder     TEXT NOT NULL,
	code_id   TEXT NOT NULL,
	verdict   TEXT NOT NULL,
	note      TEXT,
	created   TEXT NOT NULL,
	path      TEXT,
	line      INTEGER,
	quote     TEXT,
	orphaned  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TRIGGER passage_decisions AFTER DELETE ON passage
WHEN EXISTS (SELECT 1 FROM decision WHERE passage_id = old.id) BEGIN
	INSERT INTO decision_orphan(coder, code_id, verdict, note, created, path, line, quote)
		SELECT coder, code_id, verdict, note, created,
		       (SELECT path FROM source WHERE id = old.source_id), old.line, old.text
		FROM decision WHERE passage_id = old.id AND verdict <> 'seen';
	DELETE FROM decision WHERE passage_id = old.id;
END;
CREATE TRIGGER source_decisions AFTER DELETE ON source
WHEN EXISTS (SELECT 1 FROM decision WHERE source_id = old.id) BEGIN
	INSERT INTO decision_orphan(coder, code_id, verdict, note, created, path)
		SELECT coder, code_id, verdict, note, created, old.path
		FROM decision WHERE source_id = old.id AND passage_id = 0 AND verdict <> 'seen';
	DELETE FROM decision WHERE source_id = old.id;
END;

-- A participant's character set by a coder (v5), by the participant's
-- name: it outlives the participant's removal and applies when the name
-- comes back. The newest decision wins over attribution and front matter.
CREATE TABLE character_decision (
	participant  TEXT NOT NULL,
	coder        TEXT NOT NULL,
	character    TEXT NOT NULL,
	note         TEXT,
	created      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	PRIMARY KEY (participant, coder)
) WITHOUT ROWID;
