/*
 * import qdpx: a REFI-QDA project written by another tool (or by export
 * qdpx), its codings stored as coders' decisions (core/decisions.h), so
 * that `agreement` compares the rules with what people coded in NVivo,
 * ATLAS.ti, MAXQDA or QualCoder. import qdc: a codebook printed as
 * papercut INI sections to start rules from.
 *
 * A project's source is matched to a stored one by its text (a BOM,
 * CRLF line ends and a trailing newline do not matter), else by name;
 * a selection's code points map through the text to the passages it
 * overlaps; a code maps by GUID, by the "papercut id:" its description
 * starts with, or by name (an id or a label). What does not map is
 * listed, not imported. libzip reads the zip, libxml2 the XML.
 */
#include <ctype.h>
#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#include "../core/buf.h"
#include "../core/cli.h"
#include "../core/decisions.h"
#include "../core/guid.h"
#include "../core/mem.h"
#include "../core/text.h"
#include "tag.h"

static const char import_usage[] =
	"papercut import qdpx FILE.qdpx [--coder NAME] | papercut import qdc FILE.qdc";
static const char import_help[] =
	"qdpx: stores the codings of a REFI-QDA project (NVivo, ATLAS.ti, MAXQDA,\n"
	"QualCoder) as coders' decisions: each Coding's user becomes the coder, unless\n"
	"--coder names one for all. Sources are matched to stored ones by their text\n"
	"(BOM, CRLF and a trailing newline aside), else by name; selections map to\n"
	"the passages they overlap; codes map by GUID, by name (a papercut id or\n"
	"label). A source a coder coded counts as coded in full by them. Codes not\n"
	"in the codebook, sources not in the database and selections between\n"
	"passages are listed, not imported; characters' cues are left out (set a\n"
	"character with participant --character). The rules' own codings (user\n"
	"\"papercut rules\", as export qdpx writes them) are left out unless --coder\n"
	"is given.\n\n"
	"qdc: prints the codebook as papercut INI sections (no patterns yet).\n\n"
	"  --coder NAME   the coder of every coding\n"
	"  --db FILE      database\n";

#define RULES_USER "papercut rules"

/* libxml2's own messages carry a line end: this keeps them to one line. */
static void one_line(char *s)
{
	size_t n = strlen(s);

	for (char *p = s; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	while (n && s[n - 1] == ' ')
		s[--n] = '\0';
}

static const char *xml_attr(xmlNodePtr n, const char *name, struct buf *out)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST name);

	buf_reset(out);
	if (!v)
		return NULL;
	buf_adds(out, (const char *)v);
	xmlFree(v);
	return out->data;
}

static int named(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

/* An entry of the zip whose name, any folder aside and case folded,
 * is `base` (Sources/x.txt, sources/x.txt, x.txt); read whole. */
static int zip_entry(zip_t *z, const char *base, struct buf *out)
{
	zip_int64_t n = zip_get_num_entries(z, 0);

	for (zip_int64_t i = 0; i < n; i++) {
		const char *name = zip_get_name(z, (zip_uint64_t)i, 0), *slash;
		zip_file_t *f;
		char chunk[65536];
		zip_int64_t got;

		if (!name)
			continue;
		slash = strrchr(name, '/');
		if (strcasecmp(slash ? slash + 1 : name, base))
			continue;
		if (!(f = zip_fopen_index(z, (zip_uint64_t)i, 0)))
			return -1;
		buf_reset(out);
		while ((got = zip_fread(f, chunk, sizeof(chunk))) > 0)
			buf_add(out, chunk, (size_t)got);
		zip_fclose(f);
		return got < 0 ? -1 : 0;
	}
	return -1;
}

/* The .qde inside: project.qde, else the first *.qde. */
static int read_qde(zip_t *z, struct buf *out)
{
	zip_int64_t n = zip_get_num_entries(z, 0);

	if (!zip_entry(z, "project.qde", out))
		return 0;
	for (zip_int64_t i = 0; i < n; i++) {
		const char *name = zip_get_name(z, (zip_uint64_t)i, 0), *slash;
		size_t len = name ? strlen(name) : 0;

		if (len > 4 && !strcasecmp(name + len - 4, ".qde")) {
			slash = strrchr(name, '/');
			return zip_entry(z, slash ? slash + 1 : name, out);
		}
	}
	return -1;
}

/* Text as compared: no BOM, LF line ends, no trailing line ends. */
static void normalize(const char *s, size_t len, struct buf *out)
{
	buf_reset(out);
	if (len >= 3 && !memcmp(s, "\xef\xbb\xbf", 3))
		s += 3, len -= 3;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\r') {
			if (i + 1 < len && s[i + 1] == '\n')
				continue;
			buf_addch(out, '\n');
			continue;
		}
		buf_addch(out, s[i]);
	}
	while (out->len && out->data[out->len - 1] == '\n')
		out->data[--out->len] = '\0';
}

/* Per code point of the project's text (BOM dropped), the code point of
 * the stored text it stands at: a CR before LF stands where the LF does. */
static size_t *position_map(const char *text, size_t len, size_t *n)
{
	size_t cap = len + 2, k = 0, to = 0;
	size_t *map = xcalloc(cap, sizeof(*map));

	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		text += 3, len -= 3;
	for (size_t i = 0; i < len; i++) {
		if (((unsigned char)text[i] & 0xc0) == 0x80)
			continue;       /* inside a code point */
		map[k++] = to;
		if (!(text[i] == '\r' && i + 1 < len && text[i + 1] == '\n'))
			to++;
	}
	map[k] = to;
	*n = k;
	return map;
}

struct code_map {
	char *guid, *name, *id;     /* id: the codebook's, or NULL */
	int character;              /* a character's cue: set per participant,
				       never a hand code on a passage */
	int used;
};

struct import {
	struct db *db;
	const char *path, *coder;   /* coder: --coder, or NULL */
	zip_t *zip;
	struct code_map *codes;
	size_t ncodes, acodes;
	char **users;               /* guid, name, guid, name... */
	size_t nusers, ausers;
	long codings, passages, sources, rules_left, between;
	struct buf unknown_sources, unknown_codes;
	char **coders;              /* who the imported decisions are by */
	size_t ncoders, acoders;
};

/* The codebook's id for a project code (*id, NULL when none), and its
 * kind. Returns 0, or the database's error. */
static int map_code(struct import *im, const char *guid, const char *name, const char *desc,
		    char **id_out, int *character, struct err *e)
{
	sqlite3_stmt *st = db_prepare(im->db, "SELECT id, kind = 'character' FROM code", e);
	char g[GUID_SIZE];
	const char *tag = "papercut id: ";
	int step = SQLITE_DONE;

	*id_out = NULL;
	if (!st)
		return e->code;
	while (!*id_out && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = db_col_text(st, 0);

		guid_of("code", id, g);
		if ((guid && !strcasecmp(guid, g)) ||
		    (desc && !strncmp(desc, tag, strlen(tag)) &&
		     !strncmp(desc + strlen(tag), id, strlen(id)) &&
		     (desc[strlen(tag) + strlen(id)] == '.' || !desc[strlen(tag) + strlen(id)])) ||
		    (name && !strcasecmp(name, id))) {
			*id_out = xstrdup(id);
			*character = sqlite3_column_int(st, 1);
		}
	}
	sqlite3_finalize(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return db_fail(im->db, e, "reading the codebook");
	if (*id_out || !name)
		return 0;
	if (!(st = db_prepare(im->db, "SELECT id, kind = 'character' FROM code"
			      " WHERE label = ?1 COLLATE NOCASE", e)))
		return e->code;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if ((step = sqlite3_step(st)) == SQLITE_ROW) {
		*id_out = xstrdup(db_col_text(st, 0));
		*character = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	return step == SQLITE_ROW || step == SQLITE_DONE ? 0
		: db_fail(im->db, e, "reading the codebook");
}

static int add_code(struct import *im, xmlNodePtr n, struct buf *tmp, struct err *e)
{
	struct code_map *c;
	char *desc = NULL;

	for (xmlNodePtr k = n->children; k; k = k->next)
		if (named(k, "Description")) {
			xmlChar *t = xmlNodeGetContent(k);

			desc = xstrdup(t ? (const char *)t : "");
			xmlFree(t);
		}
	ALLOC_GROW(im->codes, im->ncodes + 1, im->acodes);
	c = &im->codes[im->ncodes++];
	memset(c, 0, sizeof(*c));
	c->guid = xstrdup(xml_attr(n, "guid", tmp) ? tmp->data : "");
	c->name = xstrdup(xml_attr(n, "name", tmp) ? tmp->data : "");
	if (map_code(im, c->guid, c->name, desc, &c->id, &c->character, e)) {
		free(desc);
		return e->code;
	}
	free(desc);
	for (xmlNodePtr k = n->children; k; k = k->next)
		if (named(k, "Code") && add_code(im, k, tmp, e))
			return e->code;
	return 0;
}

static struct code_map *find_code(struct import *im, const char *guid)
{
	for (size_t i = 0; i < im->ncodes; i++)
		if (!strcasecmp(im->codes[i].guid, guid))
			return &im->codes[i];
	return NULL;
}

static const char *user_name(struct import *im, const char *guid)
{
	for (size_t i = 0; i + 1 < im->nusers; i += 2)
		if (!strcasecmp(im->users[i], guid))
			return im->users[i + 1];
	return NULL;
}

static void list_add(struct buf *list, const char *item)
{
	buf_addf(list, "%s%s", list->len ? ", " : "", item);
}

/* The stored source whose text is `text` (normalized), else the one
 * named `name`: its id (0: none); *same: whether the text is the same. */
static int match_source(struct import *im, const char *text, size_t len, const char *name,
			sqlite3_int64 *id, int *same, struct err *e)
{
	sqlite3_stmt *st = db_prepare(im->db, "SELECT id, path, text FROM source"
				      " WHERE text IS NOT NULL ORDER BY id", e);
	struct buf mine = BUF_INIT, theirs = BUF_INIT;
	sqlite3_int64 by_name = 0;
	int step, names = 0;

	*id = 0;
	*same = 0;
	if (!st)
		return e->code;
	normalize(text, len, &theirs);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *path = db_col_text(st, 1), *slash = strrchr(path, '/');
		const char *base = slash ? slash + 1 : path;

		normalize((const char *)sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2),
			  &mine);
		if (mine.len == theirs.len && !memcmp(mine.data, theirs.data, mine.len)) {
			*id = sqlite3_column_int64(st, 0);
			*same = 1;
			break;
		}
		if (name && (!strcmp(name, path) || !strcmp(name, base))) {
			by_name = sqlite3_column_int64(st, 0);
			names++;
		}
	}
	sqlite3_finalize(st);
	buf_release(&mine);
	buf_release(&theirs);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return db_fail(im->db, e, "matching sources");
	if (!*id && names == 1)
		*id = by_name;
	return 0;
}

/* The coder of a coding: --coder, else its user's name. NULL: left out
 * (the rules' own codings, without --coder). */
static const char *coder_of(struct import *im, xmlNodePtr coding, xmlNodePtr sel,
			    struct buf *tmp)
{
	const char *who = NULL;

	if (im->coder)
		return im->coder;
	if (xml_attr(coding, "creatingUser", tmp) || (sel && xml_attr(sel, "creatingUser", tmp)))
		who = user_name(im, tmp->data);
	if (!who)
		who = "imported";
	if (!strcmp(who, RULES_USER)) {
		im->rules_left++;
		return NULL;
	}
	return who;
}

/* Stores `coder`'s code on the passages overlapping [s, e) (code points
 * of the stored text), or (whole) on the source. */
static int store_coding(struct import *im, sqlite3_int64 source, long long s, long long e_,
			int whole, const char *coder, const char *code, struct err *e)
{
	sqlite3_stmt *st;
	int step, changed = 0;
	long n = 0;
	const char *problem = decisions_coder_problem(coder);

	if (problem)
		return err_set(e, E_DATA, "%s: a user's name: %s", im->path, problem);
	if (whole) {
		if (decisions_put(im->db, coder, source, 0, code, "add", NULL, &changed, e))
			return e->code;
		im->codings++;
		return 0;
	}
	if (!(st = db_prepare(im->db, "SELECT id FROM passage WHERE source_id = ?1"
			      " AND start_char < ?3 AND end_char > ?2 AND interviewer = 0", e)))
		return e->code;
	sqlite3_bind_int64(st, 1, source);
	sqlite3_bind_int64(st, 2, s);
	sqlite3_bind_int64(st, 3, e_);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (decisions_put(im->db, coder, source, sqlite3_column_int64(st, 0), code, "add",
				  NULL, &changed, e)) {
			sqlite3_finalize(st);
			return e->code;
		}
		n++;
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE)
		return db_fail(im->db, e, "finding passages");
	if (!n)
		im->between++;
	im->codings += n > 0;
	im->passages += n;
	return 0;
}

/* The source counts as coded in full by `coder`, who is listed. */
static int note_coder(struct import *im, sqlite3_int64 source, const char *coder,
		      struct err *e)
{
	size_t i;

	if (decisions_put(im->db, coder, source, 0, "", "seen", NULL, NULL, e))
		return e->code;
	for (i = 0; i < im->ncoders && strcmp(im->coders[i], coder); i++)
		;
	if (i == im->ncoders) {
		ALLOC_GROW(im->coders, im->ncoders + 1, im->acoders);
		im->coders[im->ncoders++] = xstrdup(coder);
	}
	return 0;
}

/* One Coding (on a selection, or on the whole source). */
static int import_coding(struct import *im, xmlNodePtr coding, xmlNodePtr sel,
			 sqlite3_int64 source, const size_t *map, size_t nmap, struct buf *tmp,
			 struct err *e)
{
	struct code_map *c = NULL;
	const char *coder;
	long long s = 0, en = 0;
	char *who;
	int rc;

	for (xmlNodePtr k = coding->children; k; k = k->next)
		if (named(k, "CodeRef") && xml_attr(k, "targetGUID", tmp))
			c = find_code(im, tmp->data);
	if (!c || !c->id || c->character) {
		if (c && !c->used && !c->character)
			list_add(&im->unknown_codes, c->name);
		if (c)
			c->used = 1;
		return 0;
	}
	if (!(coder = coder_of(im, coding, sel, tmp)))
		return 0;
	who = xstrdup(coder);
	if (sel) {
		s = strtoll(xml_attr(sel, "startPosition", tmp) ? tmp->data : "0", NULL, 10);
		en = strtoll(xml_attr(sel, "endPosition", tmp) ? tmp->data : "0", NULL, 10);
		if (s < 0 || en < s || (size_t)en > nmap) {
			free(who);
			return err_set(e, E_DATA, "%s: a selection runs past its source's text"
				       " (%lld-%lld of %zu code points)", im->path, s, en, nmap);
		}
		s = (long long)map[s];
		en = (long long)map[en];
	}
	rc = store_coding(im, source, s, en, !sel, who, c->id, e) ||
	     note_coder(im, source, who, e);
	free(who);
	return rc ? e->code : 0;
}

/* A TextSource: its text found, matched, and its codings stored. */
static int import_source(struct import *im, xmlNodePtr ts, struct err *e)
{
	struct buf tmp = BUF_INIT, text = BUF_INIT, name = BUF_INIT;
	sqlite3_int64 source = 0;
	size_t *map = NULL, nmap = 0;
	int same = 0, rc = 0, found = 0;

	buf_adds(&name, xml_attr(ts, "name", &tmp) ? tmp.data : "(unnamed)");
	for (xmlNodePtr k = ts->children; k; k = k->next)
		if (named(k, "PlainTextContent")) {
			xmlChar *t = xmlNodeGetContent(k);

			buf_adds(&text, t ? (const char *)t : "");
			xmlFree(t);
			found = 1;
		}
	if (!found && xml_attr(ts, "plainTextPath", &tmp)) {
		const char *p = strstr(tmp.data, "://"), *slash;

		p = p ? p + 3 : tmp.data;
		slash = strrchr(p, '/');
		found = !zip_entry(im->zip, slash ? slash + 1 : p, &text);
		/* relative://: beside the project file, when not inside it */
		if (!found && !strncmp(tmp.data, "relative://", 11)) {
			struct buf file = BUF_INIT;
			const char *dir_end = strrchr(im->path, '/');

			if (dir_end)
				buf_add(&file, im->path, (size_t)(dir_end - im->path + 1));
			buf_adds(&file, p);
			buf_release(&text);
			text.max = (size_t)256 << 20;
			found = !buf_read_file(&text, file.data);
			buf_release(&file);
		}
	}
	if (!found) {
		list_add(&im->unknown_sources, name.data);
		goto out;
	}
	if ((rc = match_source(im, text.data, text.len, name.data, &source, &same, e)))
		goto out;
	if (!source) {
		list_add(&im->unknown_sources, name.data);
		goto out;
	}
	im->sources++;
	map = position_map(text.data, text.len, &nmap);
	if (!same) {
		/* matched by name, other text: positions would point elsewhere */
		struct buf why = BUF_INIT;

		buf_addf(&why, "%s (its text differs from the stored one)", name.data);
		list_add(&im->unknown_sources, why.data);
		buf_release(&why);
		im->sources--;
		goto out;
	}
	for (xmlNodePtr k = ts->children; k && !rc; k = k->next) {
		if (named(k, "Coding"))
			rc = import_coding(im, k, NULL, source, map, nmap, &tmp, e);
		if (!named(k, "PlainTextSelection"))
			continue;
		for (xmlNodePtr c = k->children; c && !rc; c = c->next)
			if (named(c, "Coding"))
				rc = import_coding(im, c, k, source, map, nmap, &tmp, e);
	}
out:
	free(map);
	buf_release(&tmp);
	buf_release(&text);
	buf_release(&name);
	return rc;
}

static int walk(struct import *im, xmlNodePtr n, struct buf *tmp, struct err *e)
{
	for (xmlNodePtr k = n->children; k; k = k->next) {
		if (named(k, "User")) {
			ALLOC_GROW(im->users, im->nusers + 2, im->ausers);
			im->users[im->nusers++] = xstrdup(xml_attr(k, "guid", tmp) ? tmp->data : "");
			im->users[im->nusers++] = xstrdup(xml_attr(k, "name", tmp) ? tmp->data : "");
		} else if (named(k, "Code")) {
			if (add_code(im, k, tmp, e))
				return e->code;
			continue;       /* add_code took its children */
		}
		if ((named(k, "Users") || named(k, "CodeBook") || named(k, "Codes")) &&
		    walk(im, k, tmp, e))
			return e->code;
	}
	return 0;
}

static xmlDocPtr parse_xml(const char *path, const char *what, const struct buf *xml,
			   struct err *e)
{
	xmlDocPtr doc = xmlReadMemory(xml->data, (int)xml->len, what, NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);

	if (!doc) {
		const xmlError *x = xmlGetLastError();
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", x && x->message ? x->message : "unreadable");
		one_line(msg);
		err_set(e, E_DATA, "%s: %s: not well-formed XML (line %d: %s)", path, what,
			x ? x->line : 0, msg);
	}
	return doc;
}

static int import_qdpx(struct import *im, struct err *e)
{
	struct buf xml = BUF_INIT, tmp = BUF_INIT;
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	int zerr = 0, rc = 0, in_tx = 0;

	if (!(im->zip = zip_open(im->path, ZIP_RDONLY, &zerr))) {
		zip_error_t ze;

		zip_error_init_with_code(&ze, zerr);
		rc = err_set(e, E_DATA, "%s: not a .qdpx (zip) file: %s", im->path,
			     zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return rc;
	}
	if (read_qde(im->zip, &xml)) {
		rc = err_set(e, E_DATA, "%s: no project.qde (or other .qde) inside", im->path);
		goto out;
	}
	if (!(doc = parse_xml(im->path, "project.qde", &xml, e))) {
		rc = e->code;
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (!root || !named(root, "Project")) {
		rc = err_set(e, E_DATA, "%s: project.qde is not a REFI-QDA project (its root is"
			     " not <Project>)", im->path);
		goto out;
	}
	if ((rc = db_exec(im->db, "BEGIN IMMEDIATE", e)))
		goto out;
	in_tx = 1;
	rc = walk(im, root, &tmp, e);
	for (xmlNodePtr k = root->children; k && !rc; k = k->next)
		if (named(k, "Sources"))
			for (xmlNodePtr s = k->children; s && !rc; s = s->next)
				if (named(s, "TextSource"))
					rc = import_source(im, s, e);
	if (!rc && !(rc = db_exec(im->db, "COMMIT", e)))
		in_tx = 0;
out:
	if (in_tx)
		db_rollback(im->db);
	if (doc)
		xmlFreeDoc(doc);
	buf_release(&xml);
	buf_release(&tmp);
	return rc;
}

/* A code's name as a papercut id: lower case, '-' between words. */
static void slug(const char *name, struct buf *out)
{
	buf_reset(out);
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (isalnum(*p))
			buf_addch(out, (char)tolower(*p));
		else if (out->len && out->data[out->len - 1] != '-')
			buf_addch(out, '-');
	}
	while (out->len && out->data[out->len - 1] == '-')
		out->data[--out->len] = '\0';
	if (!out->len)
		buf_adds(out, "code");
}

/* INI values are one line: breaks and ';' comments' spaces removed. */
static void ini_value(const char *s, struct buf *out)
{
	buf_reset(out);
	for (; *s; s++)
		buf_addch(out, *s == '\n' || *s == '\r' || *s == '\t' ? ' ' : *s);
}

static void print_qdc_code(xmlNodePtr n, const char *theme, struct buf *tmp)
{
	struct buf id = BUF_INIT, label = BUF_INIT, v = BUF_INIT, folder = BUF_INIT;
	int codable = xml_attr(n, "isCodable", tmp) && !strcmp(tmp->data, "true");

	buf_adds(&label, xml_attr(n, "name", tmp) ? tmp->data : "code");
	slug(label.data, &id);
	for (xmlNodePtr k = n->children; k; k = k->next)
		if (named(k, "Description")) {
			xmlChar *t = xmlNodeGetContent(k);
			const char *tag = "papercut id: ";

			/* papercut's own export says the id: keep it */
			if (t && !strncmp((const char *)t, tag, strlen(tag))) {
				buf_reset(&v);
				buf_add(&v, (const char *)t + strlen(tag),
					strcspn((const char *)t + strlen(tag), ". \n"));
				slug(v.data, &id);
			}
			xmlFree(t);
		}
	if (codable) {
		printf("[%s]\nkind = papercut\ntheme = %s\n", id.data, theme);
		ini_value(label.data, &v);
		printf("label = %s\n", v.data);
		for (xmlNodePtr k = n->children; k; k = k->next)
			if (named(k, "Description")) {
				xmlChar *t = xmlNodeGetContent(k);

				const char *d = t ? (const char *)t : "", *dot;

				/* the id is the section's name already */
				if (!strncmp(d, "papercut id: ", 13) && (dot = strstr(d, ". ")))
					d = dot + 2;
				ini_value(d, &v);
				xmlFree(t);
				/* long descriptions on several lines (they are joined with a
				 * space), each cut at a space */
				for (const char *at = v.data; *at;) {
					size_t cut = strlen(at);

					if (cut > 150) {
						cut = 150;
						while (cut > 1 && at[cut] != ' ')
							cut--;
						if (cut == 1)
							cut = 150;
					}
					printf("description = %.*s\n", (int)cut, at);
					at += cut;
					while (*at == ' ')
						at++;
				}
			}
		printf("; pattern = ...\n\n");
	}
	buf_adds(&folder, codable ? theme : id.data);
	for (xmlNodePtr k = n->children; k; k = k->next)
		if (named(k, "Code"))
			print_qdc_code(k, folder.data, tmp);
	buf_release(&id);
	buf_release(&label);
	buf_release(&v);
	buf_release(&folder);
}

static int import_qdc(const char *path, struct err *e)
{
	struct buf xml = BUF_INIT, tmp = BUF_INIT;
	xmlDocPtr doc;
	xmlNodePtr root;
	int rc = 0;

	buf_init(&xml, (size_t)64 << 20);
	if (buf_read_file(&xml, path))
		return err_set(e, E_DATA, "%s: cannot read: %s", path, strerror(errno));
	if (!(doc = parse_xml(path, "the codebook", &xml, e))) {
		buf_release(&xml);
		return e->code;
	}
	root = xmlDocGetRootElement(doc);
	if (!root || !named(root, "CodeBook")) {
		rc = err_set(e, E_DATA, "%s: not a REFI-QDA codebook (its root is not <CodeBook>)",
			     path);
	} else {
		printf("; papercut codebook from %s: codes with their labels and descriptions;\n"
		       "; write each one's patterns, examples and counters.\n\n", path);
		for (xmlNodePtr k = root->children; k; k = k->next)
			if (named(k, "Codes"))
				for (xmlNodePtr c = k->children; c; c = c->next)
					if (named(c, "Code"))
						print_qdc_code(c, "imported", &tmp);
	}
	xmlFreeDoc(doc);
	buf_release(&xml);
	buf_release(&tmp);
	return rc;
}

int cmd_import(int argc, char **argv, struct err *e)
{
	static const struct option opts[] = { CODER_OPTION, CLI_OPTIONS, { NULL, 0, NULL, 0 } };
	struct import im = { .unknown_sources = BUF_INIT, .unknown_codes = BUF_INIT };
	struct buf coders = BUF_INIT;
	struct db db = { 0 };
	int rc;

	if ((rc = cli_parse(argc, argv, opts, import_usage, import_help, NULL, NULL, e)))
		return rc < 0 ? 0 : rc;
	if (argc - optind != 2 || (strcmp(argv[optind], "qdpx") && strcmp(argv[optind], "qdc")))
		return err_set(e, E_USAGE, "usage: %s", import_usage);
	LIBXML_TEST_VERSION
	if (!strcmp(argv[optind], "qdc"))
		return import_qdc(argv[optind + 1], e);
	im.path = argv[optind + 1];
	im.coder = cli.coder;
	if ((rc = cli_open_db(&db, e)))
		goto out;
	im.db = &db;
	if ((rc = import_qdpx(&im, e)))
		goto out;
	for (size_t i = 0; i < im.ncoders; i++)
		list_add(&coders, im.coders[i]);
	printf("imported %s: %ld coding%s on %ld passage%s of %ld source%s, by %s\n", im.path,
	       im.codings, im.codings == 1 ? "" : "s", im.passages, im.passages == 1 ? "" : "s",
	       im.sources, im.sources == 1 ? "" : "s", coders.len ? coders.data : "nobody");
	if (im.unknown_codes.len)
		printf("not imported, codes that are not papercuts of the codebook: %s\n",
		       im.unknown_codes.data);
	if (im.unknown_sources.len)
		printf("not imported, sources not in the database: %s\n", im.unknown_sources.data);
	if (im.between)
		printf("not imported: %ld selection%s between passages\n", im.between,
		       im.between == 1 ? "" : "s");
	if (im.rules_left)
		printf("left out: %ld coding%s by \"%s\" (the rules' own; --coder imports them)\n",
		       im.rules_left, im.rules_left == 1 ? "" : "s", RULES_USER);
out:
	if (im.zip)
		zip_discard(im.zip);
	for (size_t i = 0; i < im.ncodes; i++) {
		free(im.codes[i].guid);
		free(im.codes[i].name);
		free(im.codes[i].id);
	}
	free(im.codes);
	for (size_t i = 0; i < im.nusers; i++)
		free(im.users[i]);
	free(im.users);
	buf_release(&im.unknown_sources);
	buf_release(&im.unknown_codes);
	for (size_t i = 0; i < im.ncoders; i++)
		free(im.coders[i]);
	free(im.coders);
	buf_release(&coders);
	db_close(&db);
	return rc;
}
