/*
 * Charts by gnuplot, run as a child (fork/exec, script on its stdin) in
 * the report's directory. Everything taken from the database goes into
 * the .dat files, never into a script: a label like `' . system('rm')`
 * stays a label. The scripts hold fixed text and numbers only.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../core/proc.h"
#include "parts.h"

const char *const chart_names[NCHARTS] = {
	"papercuts-by-character", "heatmap", "trends", "sources",
};
const char *const chart_titles[NCHARTS] = {
	"Top papercuts by character: share of each character's participants",
	"Character x papercut: share of each character's participants (%)",
	"Trends: participants reporting the top papercuts, per quarter",
	"Sources per quarter, by kind",
};

/* Okabe-Ito: told apart by every kind of colour vision. */
static const char *const palette[] = {
	"#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#0072B2", "#D55E00",
	"#F0E442", "#000000",
};
#define NPALETTE (sizeof(palette) / sizeof(*palette))
#define UNKNOWN_COLOUR "#999999"

#define CHART_TOP 12     /* papercuts in the bar chart */
#define TOP_S "6"        /* papercuts in the trend chart */
#define MAX_SERIES 16

/* A string field of a .dat file: quoted, and what would end it made
 * harmless. */
static void dat_text(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++)
		fputc(*s == '"' || *s == '\n' || *s == '\t' || *s == '\r' ? '\'' : *s, f);
	fputc('"', f);
}

static FILE *dat_open(struct report *r, const char *name, struct buf *path, struct err *e)
{
	FILE *f;

	buf_reset(path);
	buf_addf(path, "%s/%s.dat", r->out, name);
	if (!(f = fopen(path->data, "w")))
		err_set(e, E_DATA, "%s: %s", path->data, strerror(errno));
	return f;
}

static int dat_close(FILE *f, struct buf *path, struct err *e)
{
	if (fclose(f))
		return err_set(e, E_DATA, "%s: %s", path->data, strerror(errno));
	return 0;
}

/*
 * A grid of numbers: a header row of series names, then a row per
 * category (its label quoted, then one value per series). `series` lists
 * the series (col 0); `cells` gives category label and value, series
 * varying fastest. Sets *nseries, *nrows and *unknown (the series named
 * 'unknown', or -1).
 */
static int write_grid(struct report *r, const char *name, const char *series,
		      const char *cells, int limit, int *nseries, int *nrows,
		      int *unknown, struct err *e)
{
	struct buf path = BUF_INIT;
	sqlite3_stmt *s = NULL, *c = NULL;
	FILE *f = dat_open(r, name, &path, e);
	int rc = 0, n = 0;

	*nseries = *nrows = 0;
	*unknown = -1;
	if (!f) {
		rc = e->code;
		goto out;
	}
	s = db_prepare(r->db, series, e);
	c = db_prepare(r->db, cells, e);
	if (!s || !c) {
		fclose(f);
		rc = e->code;
		goto out;
	}
	fputs("\"\"", f);
	while (n < MAX_SERIES && sqlite3_step(s) == SQLITE_ROW) {
		if (!strcmp(db_col_text(s, 0), "unknown"))
			*unknown = n;
		fputc('\t', f);
		dat_text(f, db_col_text(s, 0));
		n++;
	}
	fputc('\n', f);
	if (sqlite3_bind_parameter_count(c) > 0)
		sqlite3_bind_int(c, 1, limit);
	for (int i = 0; n && sqlite3_step(c) == SQLITE_ROW; i = (i + 1) % n) {
		if (i == 0) {
			dat_text(f, db_col_text(c, 0));
			(*nrows)++;
		}
		fprintf(f, "\t%.2f", sqlite3_column_double(c, 1));
		if (i == n - 1)
			fputc('\n', f);
	}
	*nseries = n;
	rc = dat_close(f, &path, e);
out:
	sqlite3_finalize(s);
	sqlite3_finalize(c);
	buf_release(&path);
	return rc;
}

/* Colours by series; lines also differ in point and dash (`lines`), so
 * they can be told apart without colour. */
static void colours(struct buf *s, int n, int unknown, int lines)
{
	for (int i = 0, k = 0; i < n; i++)
		buf_addf(s, "set linetype %d lc rgb '%s' lw %d pt %d dt %d\n", i + 1,
			 i == unknown ? UNKNOWN_COLOUR : palette[k++ % NPALETTE],
			 lines ? 2 : 1, (i % 7) + 1, lines ? (i % 5) + 1 : 1);
}

/* Appends, for SVG then PNG, the terminal, the output and the plot (or a
 * "no data" notice). */
static void outputs(struct buf *s, int chart, int w, int h, const char *plot, int has_data)
{
	/* a fixed title; in a single-quoted gnuplot string ' is written '' */
	buf_adds(s, "set title '");
	for (const char *p = chart_titles[chart]; *p; p++)
		buf_adds(s, *p == '\'' ? "''" : (char[2]){ *p, 0 });
	buf_adds(s, "'\n");
	for (int t = 0; t < 2; t++) {
		if (t == 0)
			buf_addf(s, "set terminal svg size %d,%d dynamic noenhanced font 'sans,11'"
				 " background '#ffffff'\nset output '%s.svg'\n", w, h,
				 chart_names[chart]);
		else
			buf_addf(s, "set terminal pngcairo size %d,%d noenhanced font 'sans,10'\n"
				 "set output '%s.png'\n", w, h, chart_names[chart]);
		if (has_data)
			buf_addf(s, "%s\n", plot);
		else
			buf_adds(s, "unset xtics\nunset ytics\nunset key\nunset colorbox\n"
				 "set xrange [0:1]\nset yrange [0:1]\n"
				 "set label 1 'No coded evidence to chart' at graph 0.5,0.5 center\n"
				 "plot 1/0 notitle\n");
	}
	buf_adds(s, "unset output\nreset\n");
}

static const char preamble[] =
	"set encoding utf8\nset termoption noenhanced\n"
	"set datafile separator '\\t'\n";

static int bars(struct report *r, struct buf *s, struct err *e)
{
	int n, rows, unknown;
	char plot[160];

	if (write_grid(r, chart_names[0],
		       "SELECT id FROM r_character WHERE id <> 'total' AND participants > 0"
		       " ORDER BY position",
		       "SELECT m.label, 100.0 * coalesce(m.share, 0) FROM r_matrix m"
		       " JOIN (SELECT code_id, participants, passages, code_pos FROM r_matrix"
		       "  WHERE character = 'total' AND participants > 0"
		       "  ORDER BY participants DESC, passages DESC, code_pos LIMIT ?1) t"
		       "  ON t.code_id = m.code_id"
		       " JOIN r_character ch ON ch.id = m.character"
		       " WHERE m.character <> 'total' AND ch.participants > 0"
		       " ORDER BY t.participants DESC, t.passages DESC, t.code_pos, m.char_pos",
		       CHART_TOP, &n, &rows, &unknown, e))
		return e->code;
	buf_adds(s, preamble);
	buf_adds(s, "set ylabel 'participants reporting it (%)'\nset xlabel 'papercut'\n"
		 "set yrange [0:100]\nset grid ytics\nset key top right\n"
		 "set style data histograms\nset style histogram cluster gap 1\n"
		 "set style fill solid 0.9 border -1\nset boxwidth 0.9\n"
		 "set xtics rotate by 30 right nomirror\nset bmargin 11\nset lmargin 14\n");
	colours(s, n, unknown, 0);
	snprintf(plot, sizeof(plot), "plot for [i=2:%d] '%s.dat' using i:xtic(1) title columnheader(i)",
		 n + 1, chart_names[0]);
	outputs(s, 0, 1000, 600, plot, n && rows);
	return 0;
}

static int heatmap(struct report *r, struct buf *s, struct err *e)
{
	int n, rows, unknown, h;
	char plot[400];

	if (write_grid(r, chart_names[1],
		       "SELECT id FROM r_character WHERE id <> 'total' AND participants > 0"
		       " ORDER BY position",
		       "SELECT m.label, 100.0 * coalesce(m.share, 0) FROM r_matrix m"
		       " JOIN r_character ch ON ch.id = m.character"
		       " WHERE m.character <> 'total' AND ch.participants > 0"
		       " ORDER BY m.code_pos, m.char_pos",
		       0, &n, &rows, &unknown, e))
		return e->code;
	h = 200 + 26 * (rows ? rows : 10);
	buf_adds(s, preamble);
	/* a light-to-dark sequential palette (YlGnBu): readable in grey and
	 * by every kind of colour vision; numbers printed in every cell */
	buf_adds(s, "set view map\nunset key\nset xtics nomirror\nset ytics nomirror\n"
		 "set palette defined (0 '#ffffd9', 25 '#c7e9b4', 50 '#41b6c4', 75 '#225ea8', 100 '#081d58')\n"
		 "set cbrange [0:100]\nset cblabel 'participants reporting it (%)'\n"
		 "set xlabel 'character'\nset ylabel ''\nset lmargin 46\nset tics scale 0\n");
	snprintf(plot, sizeof(plot),
		 "set xrange [-0.5:%d.5]\nset yrange [%d.5:-0.5]\n"
		 "plot '%s.dat' matrix rowheaders columnheaders using 1:2:3 with image pixels,"
		 " '' matrix rowheaders columnheaders using 1:2:(gprintf('%%.0f', $3)):($3 > 50 ? 0xffffff : 0x000000)"
		 " with labels tc rgb variable",
		 n - 1, rows - 1, chart_names[1]);
	outputs(s, 1, 820, h, plot, n && rows && !r->empty);
	return 0;
}

static int trends(struct report *r, struct buf *s, struct err *e)
{
	sqlite3_stmt *st;
	int n, rows, unknown, most = 0;
	char plot[200];

	/* series: the top papercuts over the whole series; rows: quarters */
	if (write_grid(r, chart_names[2],
		       "SELECT k.label FROM r_key k JOIN (SELECT code_id, sum(participants) AS sp,"
		       " sum(passages) AS sq FROM r_trend GROUP BY code_id HAVING sp > 0"
		       " ORDER BY sp DESC, sq DESC, code_id LIMIT " TOP_S ") t ON t.code_id = k.key"
		       " WHERE k.level = 'code' ORDER BY t.sp DESC, t.sq DESC, k.key",
		       "SELECT t.quarter, t.participants FROM r_trend t"
		       " JOIN r_quarter q ON q.label = t.quarter"
		       " JOIN (SELECT code_id, sum(participants) AS sp, sum(passages) AS sq"
		       "  FROM r_trend GROUP BY code_id HAVING sp > 0"
		       "  ORDER BY sp DESC, sq DESC, code_id LIMIT " TOP_S ") top ON top.code_id = t.code_id"
		       " ORDER BY q.position, top.sp DESC, top.sq DESC, t.code_id",
		       0, &n, &rows, &unknown, e))
		return e->code;
	if ((st = db_prepare(r->db, "SELECT max(participants) FROM r_trend", e))) {
		if (sqlite3_step(st) == SQLITE_ROW)
			most = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	buf_adds(s, preamble);
	buf_adds(s, "set ylabel 'participants'\nset xlabel 'quarter'\nset grid ytics\n"
		 "set key outside right top\nset yrange [0:*]\nset offsets 0.2, 0.2, 0.5, 0\n");
	colours(s, n, -1, 1);
	if (most <= 10)
		buf_adds(s, "set ytics 1\n");
	snprintf(plot, sizeof(plot),
		 "plot for [i=2:%d] '%s.dat' using 0:i:xtic(1) with linespoints title columnheader(i)",
		 n + 1, chart_names[2]);
	outputs(s, 2, 1000, 500, plot, n && rows);
	return 0;
}

static int sources(struct report *r, struct buf *s, struct err *e)
{
	int n, rows, unknown;
	char plot[200];

	if (write_grid(r, chart_names[3],
		       "SELECT DISTINCT format FROM r_sources ORDER BY format",
		       "SELECT q.label, coalesce(x.sources, 0) FROM r_quarter q"
		       " CROSS JOIN (SELECT DISTINCT format FROM r_sources) f"
		       " LEFT JOIN r_sources x ON x.quarter = q.label AND x.format = f.format"
		       " ORDER BY q.position, f.format",
		       0, &n, &rows, &unknown, e))
		return e->code;
	buf_adds(s, preamble);
	buf_adds(s, "set ylabel 'sources'\nset xlabel 'quarter'\nset grid ytics\n"
		 "set key top left\nset yrange [0:*]\n"
		 "set style data histograms\nset style histogram rowstacked\n"
		 "set style fill solid 0.9 border -1\nset boxwidth 0.7\n");
	colours(s, n, -1, 0);
	snprintf(plot, sizeof(plot), "plot for [i=2:%d] '%s.dat' using i:xtic(1) title columnheader(i)",
		 n + 1, chart_names[3]);
	outputs(s, 3, 900, 450, plot, n && rows);
	return 0;
}

int draw_charts(struct report *r, struct err *e)
{
	static const char *const gnuplot[] = { "gnuplot", NULL };
	struct buf script = BUF_INIT;
	int rc;

	if ((rc = bars(r, &script, e)) || (rc = heatmap(r, &script, e)) ||
	    (rc = trends(r, &script, e)) || (rc = sources(r, &script, e)))
		goto out;
	if (r->plot_script) {
		FILE *f = fopen(r->plot_script, "w");

		if (!f || fwrite(script.data, 1, script.len, f) != script.len || fclose(f)) {
			rc = err_set(e, E_DATA, "%s: %s", r->plot_script, strerror(errno));
			goto out;
		}
	}
	rc = proc_run(gnuplot, r->out, script.data, script.len, e);
out:
	buf_release(&script);
	return rc;
}
