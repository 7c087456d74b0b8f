-- The papercut database. This file is the newest schema; core/db.c applies
-- it to a new database and holds the migrations that bring older ones here.
-- Every stage talks to the others only through these tables.

CREATE TABLE batch (
	id       INTEGER PRIMARY KEY,
	name     TEXT NOT NULL UNIQUE,
	created  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- A person whose words are evidence. The character is decided by
-- attribution (ingest/tag.c) unless a source overrides it or a coder set
-- it by hand (character_decision); auto_* keep what the rules and front
-- matter said, for `agreement` and `participant --auto` (v5).
CREATE TABLE participant (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL UNIQUE,
	override    TEXT,                      -- character named in front matter
	character   TEXT NOT NULL DEFAULT 'unknown',
	decided_by  TEXT NOT NULL DEFAULT 'no cues',
	auto_character   TEXT NOT NULL DEFAULT 'unknown',
	auto_decided_by  TEXT NOT NULL DEFAULT 'no cues'
);

CREATE TABLE participant_attr (
	participant_id  INTEGER NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
	key             TEXT NOT NULL,
	value           TEXT NOT NULL,
	PRIMARY KEY (participant_id, key)
) WITHOUT ROWID;

-- A character rule that matched an attribute (`attribute = KEY: REGEX`):
-- a hit for attribution, like a coded passage (v2).
CREATE TABLE attr_coding (
	participant_id  INTEGER NOT NULL REFERENCES participant(id) ON DELETE CASCADE,
	key             TEXT NOT NULL,
	code_id         TEXT NOT NULL,
	rule            TEXT NOT NULL,
	PRIMARY KEY (participant_id, key, code_id)
) WITHOUT ROWID;

-- One file as read. `hash` identifies the content: the same bytes are
-- never stored twice.
CREATE TABLE source (
	id              INTEGER PRIMARY KEY,
	batch_id        INTEGER NOT NULL REFERENCES batch(id) ON DELETE CASCADE,
	path            TEXT NOT NULL,
	format          TEXT NOT NULL,
	hash            TEXT NOT NULL UNIQUE,
	bytes           INTEGER NOT NULL,
	participant_id  INTEGER REFERENCES participant(id),
	date            TEXT,                 -- ISO 8601 (YYYY-MM-DD...)
	interviewers    TEXT NOT NULL DEFAULT '[]',   -- JSON array of names
	title           TEXT,
	url             TEXT,
	ingested        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	text            TEXT          -- the stored text passages point into (v2)
);
CREATE INDEX source_batch ON source(batch_id);
CREATE INDEX source_path ON source(path);   -- a file ingested again replaces its old self
CREATE INDEX source_participant ON source(participant_id);
CREATE INDEX source_format ON source(format);    -- search --kind (v3)

-- A speaker turn, a paragraph, a post or an answer. Offsets point into the
-- source's stored text: bytes, and code points (as REFI-QDA counts).
CREATE TABLE passage (
	id              INTEGER PRIMARY KEY,
	source_id       INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
	seq             INTEGER NOT NULL,
	participant_id  INTEGER REFERENCES participant(id),  -- NULL: interviewer
	speaker         TEXT,
	interviewer     INTEGER NOT NULL DEFAULT 0,
	line            INTEGER NOT NULL,
	start_byte      INTEGER NOT NULL,
	end_byte        INTEGER NOT NULL,
	start_char      INTEGER NOT NULL,
	end_char        INTEGER NOT NULL,
	text            TEXT NOT NULL,
	date            TEXT,         -- its own date (a post's), else the source's
	location        TEXT,         -- cue time, CSV row and column, paragraph
	context         TEXT,         -- heading path, question, content warning
	platform_id     TEXT,         -- "twitter:123": one passage per id
	url             TEXT,
	parent_id       TEXT,         -- platform id of the post it replies to
	tagged          INTEGER NOT NULL DEFAULT 1,   -- how tagging reads it (core/text.h): 0 code, 1 prose, 2 all
	UNIQUE (source_id, seq)
);
CREATE INDEX passage_participant ON passage(participant_id);
-- Newest first, a conversation in order, with what search's filters read:
-- listing passages walks this index alone (v3).
CREATE INDEX passage_date ON passage(date DESC, source_id, seq, interviewer,
	participant_id);
CREATE UNIQUE INDEX passage_platform ON passage(platform_id)
	WHERE platform_id IS NOT NULL;

-- No docsize table (columnsize = 0): what ranking reads of a passage's
-- length is in passage_len, counted by ingest's workers with this
-- tokenizer (core/lengths.h), and FTS5 spent a sixteenth of ingest's
-- writing on its own copy. Databases made before keep theirs, unread.
CREATE VIRTUAL TABLE passage_fts USING fts5(
	text, content = 'passage', content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 2', columnsize = 0
);
-- Ingest indexes a batch's new passages in one statement at its end (an
-- insert trigger would make FTS5 flush its buffers row by row: ten times
-- slower); deletes follow by trigger.
CREATE TRIGGER passage_ad AFTER DELETE ON passage BEGIN
	INSERT INTO passage_fts(passage_fts, rowid, text)
		VALUES ('delete', old.id, old.text);
END;

-- Each passage's length in tokens as FTS5 counted it, 1024 to a row
-- (core/lengths.h): what ranking reads instead of FTS5's docsize (v3).
CREATE TABLE passage_len (
	chunk  INTEGER PRIMARY KEY,
	lens   BLOB NOT NULL
);

-- Each passage's date as a day key, 1024 to a row (core/lengths.h): what
-- ranking reads to put tied matches newest first without their rows (v4).
CREATE TABLE passage_day (
	chunk  INTEGER PRIMARY KEY,
	days   BLOB NOT NULL
);

-- The codebook of the last tagging run, so later stages can name codes
-- without reading the codebook files.
CREATE TABLE code (
	id           TEXT PRIMARY KEY,
	kind         TEXT NOT NULL CHECK (kind IN ('papercut', 'character')),
	label        TEXT NOT NULL,
	theme        TEXT,
	description  TEXT,
	patterns     TEXT NOT NULL DEFAULT '[]',   -- JSON array
	position     INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE tag_run (
	id             INTEGER PRIMARY KEY,
	codebook_hash  TEXT NOT NULL,
	codebook_dir   TEXT NOT NULL,
	started        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
	passages       INTEGER NOT NULL DEFAULT 0,
	codings        INTEGER NOT NULL DEFAULT 0
);

-- A code on a passage: once per passage, with the span (bytes into the
-- passage text) of its first match and the rule ("file.ini:line") that fired.
CREATE TABLE coding (
	passage_id  INTEGER NOT NULL REFERENCES passage(id) ON DELETE CASCADE,
	code_id     TEXT NOT NULL,
	rule        TEXT NOT NULL,
	start_byte  INTEGER NOT NULL,
	end_byte    INTEGER NOT NULL,
	run_id      INTEGER NOT NULL REFERENCES tag_run(id),
	PRIMARY KEY (passage_id, code_id)
) WITHOUT ROWID;
CREATE INDEX coding_code ON coding(code_id, passage_id);

-- Coders' decisions (v5) are in data/decisions.sql, applied after this.
