/*
 * export qdpx, export qdc: the project, or the codebook alone, in the
 * REFI-QDA 1.0 exchange format that NVivo, ATLAS.ti, MAXQDA and QualCoder
 * read (a .qdpx is a zip of project.qde and sources/GUID.txt).
 *
 * Every source goes in as the text papercut stored for it (UTF-8, no
 * BOM), so a selection's startPosition and endPosition are the code
 * points of its passage's own offsets, with no re-reading. The codebook
 * is a folder per theme; every coding that counts (the rules', by a user
 * named "papercut rules", and each coder's, by that coder) is a
 * PlainTextSelection with a Coding; participants are Cases with their
 * character and attributes as Variables. GUIDs come from stored keys
 * (core/guid.h): the same database gives the same project.qde but for
 * its creation time. libxml2 writes (and escapes) the XML, libzip the zip.
 */
#include <errno.h>
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#include "../core/buf.h"
#include "../core/cli.h"
#include "../core/guid.h"
#include "../core/mem.h"
#include "../core/results.h"
#include "../core/text.h"
#include "report.h"

static const char refi_usage[] =
	"papercut export qdpx FILE.qdpx [--coder NAME] [filters] | papercut export qdc FILE.qdc";
static const char refi_help[] =
	"Writes a REFI-QDA 1.0 project (.qdpx: project.qde and the sources' texts)\n"
	"for NVivo, ATLAS.ti, MAXQDA or QualCoder, or the codebook alone (.qdc).\n"
	"The project holds the sources the filters keep, the codebook (a folder\n"
	"per theme), every coding that counts as a selection coded by its user\n"
	"(\"papercut rules\", or the coder), and the participants as cases with\n"
	"their character and attributes.\n\n"
	CODER_HELP
	FILTER_HELP
	"  --db FILE           database\n";

/* The user the rules' codings are by. */
#define RULES_USER "papercut rules"

/* A colour-blind-safe palette (Okabe-Ito), a colour per theme in turn. */
static const char *const palette[] = {
	"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999",
};

struct refi {
	struct db *db;
	struct filter f;
	xmlTextWriterPtr w;
	int bad;                /* a write failed */
	struct buf clean;       /* scratch for xml_text() */
	long sources, selections, cases;
	char **users;           /* sorted, RULES_USER among them */
	size_t nusers, ausers;
};

/* `s` with what XML 1.0 cannot hold (C0 controls but tab and line ends,
 * U+FFFE, U+FFFF) as spaces: names and descriptions come from user text. */
static const char *xml_text(struct refi *r, const char *s)
{
	buf_reset(&r->clean);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') ||
		    (p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf))) {
			buf_addch(&r->clean, ' ');
			if (*p == 0xef)
				p += 2;
			continue;
		}
		buf_addch(&r->clean, (char)*p);
	}
	return r->clean.data;
}

static void start(struct refi *r, const char *name)
{
	r->bad |= xmlTextWriterStartElement(r->w, BAD_CAST name) < 0;
}

static void end(struct refi *r)
{
	r->bad |= xmlTextWriterEndElement(r->w) < 0;
}

static void attr(struct refi *r, const char *name, const char *value)
{
	r->bad |= xmlTextWriterWriteAttribute(r->w, BAD_CAST name, BAD_CAST xml_text(r, value)) < 0;
}

static void attr_long(struct refi *r, const char *name, long long v)
{
	char s[32];

	snprintf(s, sizeof(s), "%lld", v);
	attr(r, name, s);
}

static void element_text(struct refi *r, const char *name, const char *text)
{
	r->bad |= xmlTextWriterWriteElement(r->w, BAD_CAST name,
					    BAD_CAST xml_text(r, text)) < 0;
}

static void attr_guid(struct refi *r, const char *name, const char *kind, const char *key)
{
	char g[GUID_SIZE];

	guid_of(kind, key, g);
	attr(r, name, g);
}

/* The codebook's codes: a folder per theme (not codable), then the
 * characters' folder; each code its label, id and description. */
static int write_codes(struct refi *r, struct err *e)
{
	sqlite3_stmt *st = db_prepare(r->db,
		"SELECT id, kind, label, coalesce(theme, ''), coalesce(description, ''),"
		" iif(kind = 'character', 'characters', theme) AS folder"
		" FROM code ORDER BY kind = 'character', (SELECT min(position) FROM code k"
		"  WHERE coalesce(k.theme, '') = coalesce(code.theme, '') AND k.kind = code.kind),"
		" position", e);
	struct buf folder = BUF_INIT, desc = BUF_INIT;
	int step, nfolders = 0;
	const char *colour = palette[0];

	if (!st)
		return e->code;
	start(r, "Codes");
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *f = db_col_text(st, 5);

		if (!nfolders || strcmp(folder.data, f)) {
			if (nfolders)
				end(r);
			colour = palette[nfolders++ % (sizeof(palette) / sizeof(*palette))];
			buf_reset(&folder);
			buf_adds(&folder, f);
			start(r, "Code");
			attr_guid(r, "guid", "theme", f);
			attr(r, "name", f);
			attr(r, "isCodable", "false");
			attr(r, "color", colour);
		}
		start(r, "Code");
		attr_guid(r, "guid", "code", db_col_text(st, 0));
		attr(r, "name", db_col_text(st, 2));
		attr(r, "isCodable", "true");
		attr(r, "color", colour);
		buf_reset(&desc);
		buf_addf(&desc, "papercut id: %s. %s", db_col_text(st, 0), db_col_text(st, 4));
		element_text(r, "Description", desc.data);
		end(r);
	}
	if (nfolders)
		end(r);
	end(r);
	sqlite3_finalize(st);
	buf_release(&folder);
	buf_release(&desc);
	if (step != SQLITE_DONE)
		return db_fail(r->db, e, "reading the codebook");
	if (!nfolders)
		return err_set(e, E_DATA, "database '%s' holds no codebook yet: ingest or tag first",
			       r->db->path);
	return 0;
}

/* The passages the filters keep, of source s (s.id = ?1 where given). */
#define PASSAGE_IN_SCOPE \
	" p.interviewer = 0 AND (:character IS NULL OR pt.character = :character)" \
	" AND (:since IS NULL OR substr(coalesce(p.date, s.date), 1, 10) >= :since)" \
	" AND (:until IS NULL OR substr(coalesce(p.date, s.date), 1, 10) <= :until)"
#define SOURCE_IN_SCOPE \
	" s.text IS NOT NULL AND (:kind IS NULL OR s.format = :kind)" \
	" AND (:batch IS NULL OR s.batch_id = (SELECT id FROM batch WHERE name = :batch))" \
	" AND EXISTS (SELECT 1 FROM passage p LEFT JOIN participant pt" \
	"  ON pt.id = p.participant_id WHERE p.source_id = s.id AND" PASSAGE_IN_SCOPE ")"

static sqlite3_stmt *prepare_scoped(struct refi *r, const char *sql, struct err *e)
{
	sqlite3_stmt *st = db_prepare(r->db, sql, e);

	if (st)
		filter_bind(st, &r->f);
	return st;
}

static void add_user(struct refi *r, const char *name, size_t len)
{
	char *u = xstrndup(name, len);

	for (size_t i = 0; i < r->nusers; i++)
		if (!strcmp(r->users[i], u)) {
			free(u);
			return;
		}
	ALLOC_GROW(r->users, r->nusers + 1, r->ausers);
	r->users[r->nusers++] = u;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The users: the rules, and every coder whose additions are exported. */
static int write_users(struct refi *r, struct err *e)
{
	sqlite3_stmt *st = prepare_scoped(r,
		"SELECT DISTINCT c.coder FROM ecoding c JOIN passage p ON p.id = c.passage_id"
		" JOIN source s ON s.id = p.source_id LEFT JOIN participant pt ON pt.id = p.participant_id"
		" WHERE c.origin = 'human' AND" PASSAGE_IN_SCOPE " AND" SOURCE_IN_SCOPE, e);
	int step;

	if (!st)
		return e->code;
	add_user(r, RULES_USER, strlen(RULES_USER));
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		for (const char *p = db_col_text(st, 0), *comma; *p; p = comma ? comma + 1 : "") {
			comma = strchr(p, ',');
			add_user(r, p, comma ? (size_t)(comma - p) : strlen(p));
		}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE)
		return db_fail(r->db, e, "reading coders");
	qsort(r->users, r->nusers, sizeof(*r->users), by_name);
	start(r, "Users");
	for (size_t i = 0; i < r->nusers; i++) {
		start(r, "User");
		attr_guid(r, "guid", "user", r->users[i]);
		attr(r, "name", r->users[i]);
		end(r);
	}
	end(r);
	return 0;
}

/* Each attribute's type: Integer or Date when every value is one, else Text. */
#define ATTRIBUTE_TYPES \
	"SELECT key, CASE WHEN min(value GLOB '[0-9]*' AND value NOT GLOB '*[^0-9]*'" \
	"  AND length(value) < 19) THEN 'Integer'" \
	" WHEN min(value GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]') THEN 'Date'" \
	" ELSE 'Text' END AS type FROM participant_attr GROUP BY key"

static int write_variables(struct refi *r, struct err *e)
{
	static const char *const own[] = { "character", "decided_by" };
	sqlite3_stmt *st = db_prepare(r->db, ATTRIBUTE_TYPES " ORDER BY key", e);
	int step;

	if (!st)
		return e->code;
	start(r, "Variables");
	for (size_t i = 0; i < 2; i++) {
		start(r, "Variable");
		attr_guid(r, "guid", "variable", own[i]);
		attr(r, "name", own[i]);
		attr(r, "typeOfVariable", "Text");
		end(r);
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct buf key = BUF_INIT;

		buf_addf(&key, "attribute:%s", db_col_text(st, 0));
		start(r, "Variable");
		attr_guid(r, "guid", "variable", key.data);
		attr(r, "name", db_col_text(st, 0));
		attr(r, "typeOfVariable", db_col_text(st, 1));
		end(r);
		buf_release(&key);
	}
	end(r);
	sqlite3_finalize(st);
	return step == SQLITE_DONE ? 0 : db_fail(r->db, e, "reading attributes");
}

static void variable_value(struct refi *r, const char *key, const char *type,
			   const char *value)
{
	start(r, "VariableValue");
	start(r, "VariableRef");
	attr_guid(r, "targetGUID", "variable", key);
	end(r);
	element_text(r, !strcmp(type, "Integer") ? "IntegerValue" : !strcmp(type, "Date")
		     ? "DateValue" : "TextValue", value);
	end(r);
}

/* Each participant with a passage in scope: a case with its character,
 * what decided it, its attributes, and its sources. */
static int write_cases(struct refi *r, struct err *e)
{
	sqlite3_stmt *people = prepare_scoped(r,
		"SELECT pt.id, pt.name, pt.character, pt.decided_by FROM participant pt"
		" WHERE EXISTS (SELECT 1 FROM passage p JOIN source s ON s.id = p.source_id"
		"  WHERE p.participant_id = pt.id AND" PASSAGE_IN_SCOPE " AND" SOURCE_IN_SCOPE ")"
		" ORDER BY pt.name", e);
	sqlite3_stmt *attrs = people ? db_prepare(r->db,
		"SELECT a.key, t.type, a.value FROM participant_attr a"
		" JOIN (" ATTRIBUTE_TYPES ") t ON t.key = a.key"
		" WHERE a.participant_id = ?1 ORDER BY a.key", e) : NULL;
	sqlite3_stmt *sources = attrs ? prepare_scoped(r,
		"SELECT DISTINCT s.hash FROM source s JOIN passage p ON p.source_id = s.id"
		" WHERE p.participant_id = :pid AND" SOURCE_IN_SCOPE " ORDER BY s.id", e) : NULL;
	int step, rc = 0;

	if (!sources) {
		rc = e->code;
		goto out;
	}
	start(r, "Cases");
	while ((step = sqlite3_step(people)) == SQLITE_ROW) {
		sqlite3_int64 pid = sqlite3_column_int64(people, 0);
		int s2;

		start(r, "Case");
		attr_guid(r, "guid", "case", db_col_text(people, 1));
		attr(r, "name", db_col_text(people, 1));
		variable_value(r, "character", "Text", db_col_text(people, 2));
		variable_value(r, "decided_by", "Text", db_col_text(people, 3));
		sqlite3_bind_int64(attrs, 1, pid);
		while ((s2 = sqlite3_step(attrs)) == SQLITE_ROW) {
			struct buf key = BUF_INIT;

			buf_addf(&key, "attribute:%s", db_col_text(attrs, 0));
			variable_value(r, key.data, db_col_text(attrs, 1), db_col_text(attrs, 2));
			buf_release(&key);
		}
		sqlite3_reset(attrs);
		if (s2 != SQLITE_DONE)
			break;
		sqlite3_bind_int64(sources, sqlite3_bind_parameter_index(sources, ":pid"), pid);
		while ((s2 = sqlite3_step(sources)) == SQLITE_ROW) {
			start(r, "SourceRef");
			attr_guid(r, "targetGUID", "source", db_col_text(sources, 0));
			end(r);
		}
		sqlite3_reset(sources);
		if (s2 != SQLITE_DONE)
			break;
		end(r);
		r->cases++;
	}
	end(r);
	if (step != SQLITE_DONE)
		rc = db_fail(r->db, e, "reading participants");
out:
	sqlite3_finalize(people);
	sqlite3_finalize(attrs);
	sqlite3_finalize(sources);
	return rc;
}

/* One source's selections: each coding that counts, in code points of
 * the source's stored text, with a Coding by each of its users. */
static int write_selections(struct refi *r, sqlite3_stmt *sel, sqlite3_int64 source,
			    const char *hash, struct err *e)
{
	struct buf key = BUF_INIT, users = BUF_INIT;
	int step;

	sqlite3_bind_int64(sel, sqlite3_bind_parameter_index(sel, ":source"), source);
	while ((step = sqlite3_step(sel)) == SQLITE_ROW) {
		const char *code = db_col_text(sel, 0), *text = db_col_text(sel, 4);
		int human = !strcmp(db_col_text(sel, 1), "human");
		size_t sb = (size_t)sqlite3_column_int64(sel, 5), eb = (size_t)sqlite3_column_int64(sel, 6);
		size_t tlen = (size_t)sqlite3_column_bytes(sel, 4);
		long long at = sqlite3_column_int64(sel, 3);
		long long s, en;
		char first[GUID_SIZE];

		if (sb > tlen)
			sb = tlen;
		if (eb > tlen || eb < sb)
			eb = tlen;
		s = at + (long long)utf8_chars(text, sb);
		en = at + (long long)utf8_chars(text, eb);
		buf_reset(&users);
		buf_adds(&users, human ? db_col_text(sel, 2) : RULES_USER);
		buf_reset(&key);
		buf_addf(&key, "%s:%lld:%lld:%s:%s", hash, s, en, code, users.data);
		start(r, "PlainTextSelection");
		attr_guid(r, "guid", "selection", key.data);
		{
			struct buf name = BUF_INIT;
			size_t n = eb - sb > 100 ? 100 : eb - sb;

			while (n && n < eb - sb && ((unsigned char)text[sb + n] & 0xc0) == 0x80)
				n--;
			buf_add(&name, text + sb, n);
			attr(r, "name", name.data);
			buf_release(&name);
		}
		attr_long(r, "startPosition", s);
		attr_long(r, "endPosition", en);
		for (char *u = users.data, *comma; *u; u = comma ? comma + 1 : u + strlen(u)) {
			comma = strchr(u, ',');
			if (comma)
				*comma = '\0';
			guid_of("user", u, first);
			if (u == users.data)
				attr(r, "creatingUser", first);
			start(r, "Coding");
			buf_reset(&key);
			buf_addf(&key, "%s:%lld:%lld:%s:%s", hash, s, en, code, u);
			attr_guid(r, "guid", "coding", key.data);
			attr(r, "creatingUser", first);
			start(r, "CodeRef");
			attr_guid(r, "targetGUID", "code", code);
			end(r);
			end(r);
		}
		end(r);
		r->selections++;
	}
	sqlite3_reset(sel);
	buf_release(&key);
	buf_release(&users);
	return step == SQLITE_DONE ? 0 : db_fail(r->db, e, "reading codings");
}

/* The sources: each a TextSource whose text is sources/GUID.txt in the
 * zip (`zip` NULL: the XML only). */
static int write_sources(struct refi *r, zip_t *zip, struct err *e)
{
	sqlite3_stmt *src = prepare_scoped(r,
		"SELECT s.id, s.hash, s.path, s.text FROM source s WHERE" SOURCE_IN_SCOPE
		" ORDER BY s.id", e);
	sqlite3_stmt *sel = src ? prepare_scoped(r,
		"SELECT c.code_id, c.origin, c.coder, p.start_char, p.text, c.start_byte, c.end_byte"
		" FROM ecoding c JOIN passage p ON p.id = c.passage_id"
		" JOIN source s ON s.id = p.source_id JOIN code k ON k.id = c.code_id"
		" LEFT JOIN participant pt ON pt.id = p.participant_id"
		" WHERE p.source_id = :source AND" PASSAGE_IN_SCOPE
		" AND (:theme IS NULL OR k.theme = :theme)"
		" ORDER BY p.seq, c.start_byte, k.position", e) : NULL;
	int step, rc = 0;

	if (!sel) {
		rc = e->code;
		goto out;
	}
	start(r, "Sources");
	while ((step = sqlite3_step(src)) == SQLITE_ROW) {
		char g[GUID_SIZE];
		struct buf path = BUF_INIT;
		const char *hash = db_col_text(src, 1);

		guid_of("source", hash, g);
		buf_addf(&path, "internal://%s.txt", g);
		start(r, "TextSource");
		attr(r, "guid", g);
		attr(r, "name", db_col_text(src, 2));
		attr(r, "plainTextPath", path.data);
		rc = write_selections(r, sel, sqlite3_column_int64(src, 0), hash, e);
		end(r);
		if (!rc && zip) {
			size_t n = (size_t)sqlite3_column_bytes(src, 3);
			char *copy = xmalloc(n ? n : 1);
			zip_source_t *zs;

			memcpy(copy, sqlite3_column_blob(src, 3), n);
			buf_reset(&path);
			buf_addf(&path, "sources/%s.txt", g);
			if (!(zs = zip_source_buffer(zip, copy, n, 1))) {
				free(copy);
				rc = err_set(e, E_DATA, "zipping '%s': %s", db_col_text(src, 2),
					     zip_strerror(zip));
			} else if (zip_file_add(zip, path.data, zs, ZIP_FL_ENC_UTF_8) < 0) {
				zip_source_free(zs);
				rc = err_set(e, E_DATA, "zipping '%s': %s", db_col_text(src, 2),
					     zip_strerror(zip));
			}
		}
		buf_release(&path);
		if (rc)
			goto out;
		r->sources++;
	}
	end(r);
	if (step != SQLITE_DONE)
		rc = db_fail(r->db, e, "reading sources");
out:
	sqlite3_finalize(src);
	sqlite3_finalize(sel);
	return rc;
}

static void now_iso(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The XML document into `xb`: a project, or (`qdc`) the codebook alone. */
static int write_xml(struct refi *r, xmlBufferPtr xb, zip_t *zip, int qdc, struct err *e)
{
	char when[32];
	int rc;

	if (!(r->w = xmlNewTextWriterMemory(xb, 0)))
		return err_set(e, E_DATA, "cannot start the XML writer");
	xmlTextWriterSetIndent(r->w, 1);
	r->bad |= xmlTextWriterStartDocument(r->w, "1.0", "utf-8", "yes") < 0;
	now_iso(when);
	if (qdc) {
		start(r, "CodeBook");
		attr(r, "xmlns", "urn:QDA-XML:codebook:1.0");
		attr(r, "origin", "papercut " PAPERCUT_VERSION);
		rc = write_codes(r, e);
	} else {
		start(r, "Project");
		attr(r, "xmlns", "urn:QDA-XML:project:1.0");
		attr(r, "name", "papercut");
		attr(r, "origin", "papercut " PAPERCUT_VERSION);
		attr(r, "creationDateTime", when);
		rc = write_users(r, e);
		if (!rc) {
			start(r, "CodeBook");
			rc = write_codes(r, e);
			end(r);
		}
		if (!rc)
			rc = write_variables(r, e);
		if (!rc)
			rc = write_cases(r, e);
		if (!rc)
			rc = write_sources(r, zip, e);
	}
	end(r);
	r->bad |= xmlTextWriterEndDocument(r->w) < 0;
	xmlFreeTextWriter(r->w);
	r->w = NULL;
	if (!rc && r->bad)
		rc = err_set(e, E_DATA, "cannot write the XML");
	return rc;
}

/* Writes `data` to `path` by way of a file beside it, renamed into place. */
static int write_file(const char *path, const char *data, size_t len, struct err *e)
{
	struct buf tmp = BUF_INIT;
	FILE *f;
	int rc = 0;

	buf_addf(&tmp, "%s.part-%ld", path, (long)getpid());
	if (!(f = fopen(tmp.data, "wb"))) {
		rc = err_set(e, E_DATA, "'%s': cannot write: %s", path, strerror(errno));
	} else {
		if (fwrite(data, 1, len, f) != len)
			rc = err_set(e, E_DATA, "'%s': cannot write: %s", path, strerror(errno));
		if (fclose(f) && !rc)
			rc = err_set(e, E_DATA, "'%s': cannot write: %s", path, strerror(errno));
		if (!rc && rename(tmp.data, path))
			rc = err_set(e, E_DATA, "'%s': cannot write: %s", path, strerror(errno));
		if (rc)
			unlink(tmp.data);
	}
	buf_release(&tmp);
	return rc;
}

static int write_qdpx(struct refi *r, const char *path, struct err *e)
{
	struct buf tmp = BUF_INIT;
	xmlBufferPtr xb = xmlBufferCreate();
	zip_t *zip;
	zip_source_t *zs;
	int zerr = 0, rc;

	buf_addf(&tmp, "%s.part-%ld", path, (long)getpid());
	if (!xb || !(zip = zip_open(tmp.data, ZIP_CREATE | ZIP_TRUNCATE, &zerr))) {
		rc = err_set(e, E_DATA, "'%s': cannot write: %s", path,
			     xb ? "the zip could not be started" : "out of memory");
		goto out;
	}
	rc = write_xml(r, xb, zip, 0, e);
	if (!rc) {
		size_t n = (size_t)xmlBufferLength(xb);
		char *copy = xmalloc(n ? n : 1);

		memcpy(copy, xmlBufferContent(xb), n);
		if (!(zs = zip_source_buffer(zip, copy, n, 1)) ||
		    zip_file_add(zip, "project.qde", zs, ZIP_FL_ENC_UTF_8) < 0) {
			if (zs)
				zip_source_free(zs);
			else
				free(copy);
			rc = err_set(e, E_DATA, "'%s': %s", path, zip_strerror(zip));
		}
	}
	if (rc) {
		zip_discard(zip);
	} else if (zip_close(zip)) {
		rc = err_set(e, E_DATA, "'%s': cannot write: %s", path, zip_strerror(zip));
		zip_discard(zip);
	} else if (rename(tmp.data, path)) {
		rc = err_set(e, E_DATA, "'%s': cannot write: %s", path, strerror(errno));
	}
	if (rc)
		unlink(tmp.data);
out:
	if (xb)
		xmlBufferFree(xb);
	buf_release(&tmp);
	return rc;
}

static int refi_opt(int opt, const char *arg, void *ctx, struct err *e)
{
	struct refi *r = ctx;
	int rc = filter_opt(&r->f, opt, arg, e);

	return rc == 1 ? 0 : rc;
}

int cmd_export_refi(int argc, char **argv, struct err *e)
{
	static const struct option opts[] = {
		FILTER_OPTIONS,
		CODER_OPTION,
		CLI_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct refi r = { .clean = BUF_INIT };
	struct db db = { 0 };
	int rc, qdc;

	if ((rc = cli_parse(argc, argv, opts, refi_usage, refi_help, refi_opt, &r, e)))
		return rc < 0 ? 0 : rc;
	if (argc - optind != 2 || (strcmp(argv[optind], "qdpx") && strcmp(argv[optind], "qdc")))
		return err_set(e, E_USAGE, "usage: %s", refi_usage);
	qdc = !strcmp(argv[optind], "qdc");
	if ((rc = cli_open_db_reading(&db, e)))
		goto out;
	r.db = &db;
	if (qdc) {
		xmlBufferPtr xb = xmlBufferCreate();

		rc = xb ? write_xml(&r, xb, NULL, 1, e) : err_set(e, E_DATA, "out of memory");
		if (!rc)
			rc = write_file(argv[optind + 1], (const char *)xmlBufferContent(xb),
					(size_t)xmlBufferLength(xb), e);
		if (xb)
			xmlBufferFree(xb);
		if (!rc)
			printf("exported the codebook to %s\n", argv[optind + 1]);
		goto out;
	}
	if ((rc = write_qdpx(&r, argv[optind + 1], e)))
		goto out;
	printf("exported %ld source%s, %ld coded selection%s by %zu user%s and %ld case%s to %s\n",
	       r.sources, r.sources == 1 ? "" : "s", r.selections, r.selections == 1 ? "" : "s",
	       r.nusers, r.nusers == 1 ? "" : "s", r.cases, r.cases == 1 ? "" : "s",
	       argv[optind + 1]);
out:
	for (size_t i = 0; i < r.nusers; i++)
		free(r.users[i]);
	free(r.users);
	buf_release(&r.clean);
	db_close(&db);
	return rc;
}
