#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "feed.h"
#include "mem.h"

/* The table: one per connection (eponymous), reading its feed. */
struct feed_vtab {
	sqlite3_vtab base;
	struct feed *f;
};

struct feed_cursor {
	sqlite3_vtab_cursor base;
	struct feed *f;
	size_t row;
};

static int feed_connect(sqlite3 *h, void *aux, int argc, const char *const *argv,
			sqlite3_vtab **out, char **errmsg)
{
	struct feed *f = aux;
	struct feed_vtab *vt;
	struct buf sql = BUF_INIT;
	int rc;

	(void)argc;
	(void)argv;
	(void)errmsg;
	buf_addf(&sql, "CREATE TABLE x(%s)", f->columns);
	rc = sqlite3_declare_vtab(h, sql.data);
	buf_release(&sql);
	if (rc != SQLITE_OK)
		return rc;
	vt = xcalloc(1, sizeof(*vt));
	vt->f = f;
	*out = &vt->base;
	return SQLITE_OK;
}

static int feed_disconnect(sqlite3_vtab *vt)
{
	free(vt);
	return SQLITE_OK;
}

/* Only ever read whole, in order. */
static int feed_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
	struct feed *f = ((struct feed_vtab *)vt)->f;

	info->estimatedRows = (sqlite3_int64)f->cap;
	info->estimatedCost = (double)f->cap;
	return SQLITE_OK;
}

static int feed_cursor_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out)
{
	struct feed_cursor *c = xcalloc(1, sizeof(*c));

	c->f = ((struct feed_vtab *)vt)->f;
	*out = &c->base;
	return SQLITE_OK;
}

static int feed_cursor_close(sqlite3_vtab_cursor *c)
{
	free(c);
	return SQLITE_OK;
}

static int feed_filter(sqlite3_vtab_cursor *cur, int idx, const char *idxstr, int argc,
		       sqlite3_value **argv)
{
	(void)idx;
	(void)idxstr;
	(void)argc;
	(void)argv;
	((struct feed_cursor *)cur)->row = 0;
	return SQLITE_OK;
}

static int feed_next(sqlite3_vtab_cursor *cur)
{
	((struct feed_cursor *)cur)->row++;
	return SQLITE_OK;
}

static int feed_eof(sqlite3_vtab_cursor *cur)
{
	struct feed_cursor *c = (struct feed_cursor *)cur;

	return c->row >= feed_rows(c->f);
}

static int feed_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
	struct feed_cursor *c = (struct feed_cursor *)cur;
	const struct feed_cell *cell = &c->f->cells[c->row * (size_t)c->f->ncols + (size_t)col];

	switch (cell->type) {
	case FEED_INT:
		sqlite3_result_int64(ctx, cell->v.i);
		break;
	case FEED_TEXT:
		/* longer than SQLite takes: SQLITE_TOOBIG, the statement's error */
		sqlite3_result_text64(ctx, cell->v.s, cell->len, SQLITE_STATIC, SQLITE_UTF8);
		break;
	case FEED_NULL:
		break;   /* a column's result is NULL unless set */
	}
	return SQLITE_OK;
}

static int feed_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
	*rowid = (sqlite3_int64)((struct feed_cursor *)cur)->row;
	return SQLITE_OK;
}

/* No xCreate: eponymous only, the table exists as soon as the module does. */
static const sqlite3_module feed_module = {
	.iVersion = 1,
	.xConnect = feed_connect,
	.xBestIndex = feed_best_index,
	.xDisconnect = feed_disconnect,
	.xOpen = feed_cursor_open,
	.xClose = feed_cursor_close,
	.xFilter = feed_filter,
	.xNext = feed_next,
	.xEof = feed_eof,
	.xColumn = feed_column,
	.xRowid = feed_rowid,
};

int feed_open(struct feed *f, struct db *db, const char *name, const char *columns,
	      size_t cap, struct err *e)
{
	memset(f, 0, sizeof(*f));
	f->ncols = 1;
	for (const char *c = columns; *c; c++)
		f->ncols += *c == ',';
	f->cap = cap;
	f->columns = xstrdup(columns);
	f->name = xstrdup(name);
	if (sqlite3_create_module_v2(db->h, name, &feed_module, f, NULL) != SQLITE_OK) {
		db_fail(db, e, "making a table of rows");
		feed_close(f);
		return e->code;
	}
	f->h = db->h;
	return 0;
}

void feed_close(struct feed *f)
{
	if (f->h)
		sqlite3_create_module_v2(f->h, f->name, NULL, NULL, NULL);
	free(f->name);
	free(f->columns);
	free(f->cells);
	memset(f, 0, sizeof(*f));
}

static struct feed_cell *feed_cell(struct feed *f, enum feed_type type)
{
	struct feed_cell *cell;

	ALLOC_GROW(f->cells, f->ncells + 1, f->alloc);
	cell = &f->cells[f->ncells++];
	cell->type = type;
	return cell;
}

void feed_int(struct feed *f, sqlite3_int64 v)
{
	feed_cell(f, FEED_INT)->v.i = v;
}

void feed_null(struct feed *f)
{
	feed_cell(f, FEED_NULL);
}

void feed_text(struct feed *f, const char *s, size_t len)
{
	struct feed_cell *cell;

	if (!s) {
		feed_null(f);
		return;
	}
	cell = feed_cell(f, FEED_TEXT);
	cell->v.s = s;
	cell->len = len;
}

void feed_str(struct feed *f, const char *s)
{
	feed_text(f, s, s ? strlen(s) : 0);
}

int feed_flush(struct feed *f, struct db *db, enum db_stmt insert, const char *what,
	       struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (!f->ncells)
		return 0;
	if (!(st = db_stmt(db, insert, e)))
		return e->code;
	rc = db_step_done(db, st, e, what);
	f->ncells = 0;
	return rc;
}
