/*
 * Subtitles and meeting transcripts: WebVTT (Zoom, Teams), SRT and Zoom
 * chat logs. Speakers come from <v Name> tags or a "Name:" prefix;
 * consecutive cues of one named speaker make one turn, kept with the time
 * of its first cue. Each named speaker who is not an interviewer is a
 * participant (meeting transcripts carry people's names).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../core/mem.h"
#include "../core/text.h"
#include "doc.h"

struct turns {
	struct doc *d;
	struct buf speaker, text, time;
	int line, open;
};

static void flush(struct turns *t)
{
	struct doc *d = t->d;
	struct span *sp;
	size_t start;

	if (!t->open)
		return;
	t->open = 0;
	buf_rtrim(&t->text);
	if (!t->text.len)
		return;
	if (d->text.len)
		buf_adds(&d->text, "\n\n");
	if (t->speaker.len)
		buf_addf(&d->text, "%s: ", t->speaker.data);
	start = d->text.len;
	buf_add(&d->text, t->text.data, t->text.len);
	sp = doc_span(d, start, d->text.len, t->line);
	span_set(d, &sp->location, t->time.data);
	if (t->speaker.len) {
		span_set(d, &sp->speaker, t->speaker.data);
		sp->interviewer = doc_is_interviewer(d, t->speaker.data);
		if (!sp->interviewer)
			span_set(d, &sp->participant, t->speaker.data);
	}
}

/* One cue or message: joins the open turn when the same named speaker
 * goes on, else starts a turn. */
static void add(struct turns *t, const char *speaker, size_t speaker_len,
		const char *text, const char *time, int line)
{
	if (t->open && speaker_len && t->speaker.len == speaker_len &&
	    !memcmp(t->speaker.data, speaker, speaker_len)) {
		buf_addch(&t->text, ' ');
		buf_adds(&t->text, text);
		return;
	}
	flush(t);
	buf_reset(&t->speaker);
	buf_add(&t->speaker, speaker, speaker_len);
	buf_reset(&t->text);
	buf_adds(&t->text, text);
	buf_reset(&t->time);
	buf_adds(&t->time, time);
	t->line = line;
	t->open = 1;
}

static void turns_release(struct turns *t)
{
	buf_release(&t->speaker);
	buf_release(&t->text);
	buf_release(&t->time);
}

/* [HH:]MM:SS<sep>mmm, minutes and seconds two digits under 60, hours
 * at most four digits; returns its length, 0 when it is not one. */
static size_t timestamp(const char *s, char sep)
{
	const char *p = s, *start[3];
	size_t len[3];
	int groups = 0;

	for (;;) {
		if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]))
			return 0;
		start[groups] = p;
		while (isdigit((unsigned char)*p))
			p++;
		len[groups] = (size_t)(p - start[groups]);
		groups++;
		if (*p == ':' && groups < 3) {
			p++;
			continue;
		}
		break;
	}
	if (groups < 2 || *p != sep || !isdigit((unsigned char)p[1]) ||
	    !isdigit((unsigned char)p[2]) || !isdigit((unsigned char)p[3]))
		return 0;
	for (int g = groups - 2; g < groups; g++)       /* minutes, seconds */
		if (len[g] != 2 || digits_value(start[g], 2) > 59)
			return 0;
	if (groups == 3 && len[0] > 4)                  /* hours */
		return 0;
	return (size_t)(p + 4 - s);
}

/* "START --> END[ settings]" with the format's millisecond separator. */
static int timing(const char *line, char sep, struct buf *start)
{
	size_t a = timestamp(line, sep), b;
	const char *p = line + a;

	if (!a || strncmp(p, " --> ", 5))
		return -1;
	b = timestamp(p + 5, sep);
	if (!b || (p[5 + b] && p[5 + b] != ' ' && p[5 + b] != '\t'))
		return -1;
	buf_reset(start);
	buf_add(start, line, a);
	return 0;
}

/* The text of a cue: a <v Name> voice gives the speaker, else a "Name:"
 * prefix does; other tags go and entities are decoded by libxml2. */
static void cue_text(const char *raw, struct buf *speaker, struct buf *out)
{
	const char *name, *words;
	struct buf rest = BUF_INIT;
	size_t n;

	buf_reset(speaker);
	buf_reset(out);
	if (!strncmp(raw, "<v ", 3) || !strncmp(raw, "<v.", 3)) {
		const char *sp = strchr(raw, ' '), *gt = strchr(raw, '>');

		if (sp && gt && sp < gt) {
			buf_add(speaker, sp + 1, (size_t)(gt - sp - 1));
			buf_rtrim(speaker);
			raw = gt + 1;
		}
	}
	html_fragment_text(raw, strlen(raw), &rest);
	for (size_t i = 0; i < rest.len; i++)
		if (rest.data[i] == '\n')
			rest.data[i] = ' ';
	if (!speaker->len && (n = turn_start(rest.data, rest.data + rest.len, &name, &words))) {
		buf_add(speaker, name, n);
		buf_adds(out, words);
	} else {
		buf_adds(out, rest.data);
	}
	buf_release(&rest);
}

/* A line of a cue block. */
struct line {
	const char *s;
	size_t n;
};

#define MAX_CUE_LINES 64

/* WebVTT and SRT differ in the header and the millisecond separator. */
static int read_cues(struct doc *d, const char *data, size_t len, int vtt, struct err *e)
{
	const char *p = data, *end = data + len;
	struct turns t = { .d = d };
	struct buf block = BUF_INIT, time = BUF_INIT, speaker = BUF_INIT, words = BUF_INIT;
	int line = 0, rc = 0, first = 1;

	d->format = vtt ? "vtt" : "srt";
	if (vtt && (len < 6 || memcmp(data, "WEBVTT", 6) || (len > 6 && !strchr(" \t\n", data[6]))))
		return err_set(e, E_DATA, "%s:1: not WebVTT (it must start with 'WEBVTT')", d->path);
	while (p < end) {
		struct line lines[MAX_CUE_LINES];
		int nlines = 0, block_line = line + 1, tline = -1;

		/* a block: the lines up to a blank one */
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

			line++;
			if (strspn(p, " \t") >= n) {
				p += n + 1;
				if (nlines)
					break;
				block_line = line + 1;
				continue;
			}
			if (nlines < MAX_CUE_LINES)
				lines[nlines++] = (struct line){ p, n };
			p += n + 1;
		}
		if (!nlines)
			break;
		if (first && vtt) {     /* the WEBVTT header block */
			first = 0;
			continue;
		}
		first = 0;
		if (vtt && (!strncmp(lines[0].s, "NOTE", 4) || !strncmp(lines[0].s, "STYLE", 5) ||
			    !strncmp(lines[0].s, "REGION", 6)))
			continue;
		/* the timing line comes first, or after a cue id */
		for (int i = 0; i < nlines && i < 2 && tline < 0; i++)
			if (memmem(lines[i].s, lines[i].n, "-->", 3))
				tline = i;
		if (tline < 0) {
			rc = err_set(e, E_DATA, "%s:%d: a cue without a timing line (START --> END)",
				     d->path, block_line);
			goto out;
		}
		buf_reset(&block);
		buf_add(&block, lines[tline].s, lines[tline].n);
		buf_rtrim(&block);
		if (timing(block.data, vtt ? '.' : ',', &time)) {
			rc = err_set(e, E_DATA, "%s:%d: malformed cue timing '%s' (want %s)",
				     d->path, block_line + tline, block.data,
				     vtt ? "00:00:02.070 --> 00:00:04.050" : "00:00:01,000 --> 00:00:04,000");
			goto out;
		}
		buf_reset(&block);
		for (int i = tline + 1; i < nlines; i++) {
			if (block.len)
				buf_addch(&block, '\n');
			buf_add(&block, lines[i].s, lines[i].n);
		}
		cue_text(block.data, &speaker, &words);
		if (words.len)
			add(&t, speaker.data, speaker.len, words.data, time.data, block_line + tline);
	}
	flush(&t);
out:
	turns_release(&t);
	buf_release(&block);
	buf_release(&time);
	buf_release(&speaker);
	buf_release(&words);
	return rc;
}

int vtt_read(struct doc *d, const char *data, size_t len, struct err *e)
{
	return read_cues(d, data, len, 1, e);
}

int srt_read(struct doc *d, const char *data, size_t len, struct err *e)
{
	return read_cues(d, data, len, 0, e);
}

/* HH:MM:SS<TAB>Name:<TAB>text; lines without a time go on the message. */
int zoomchat_read(struct doc *d, const char *data, size_t len, struct err *e)
{
	const char *p = data, *end = data + len;
	struct turns t = { .d = d };
	struct buf time = BUF_INIT, text = BUF_INIT, name = BUF_INIT;
	int line = 0, rc = 0, have = 0, mline = 0;

	d->format = "zoom-chat";
	while (p <= end) {
		const char *nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
		size_t n = p < end ? (nl ? (size_t)(nl - p) : (size_t)(end - p)) : 0;
		const char *tab1, *tab2;

		line++;
		if (p == end || (n >= 9 && p[2] == ':' && p[5] == ':' && p[8] == '\t')) {
			if (have)
				add(&t, name.data, name.len, text.data, time.data, mline);
			if (p == end)
				break;
			tab1 = p + 8;
			tab2 = memchr(tab1 + 1, '\t', n - 9);
			if (!tab2 || tab2 == tab1 + 1 || tab2[-1] != ':') {
				rc = err_set(e, E_DATA, "%s:%d: not a Zoom chat line (HH:MM:SS<TAB>Name:<TAB>text)",
					     d->path, line);
				goto out;
			}
			buf_reset(&time);
			buf_add(&time, p, 8);
			buf_reset(&name);
			buf_add(&name, tab1 + 1, (size_t)(tab2 - tab1 - 2));
			buf_rtrim(&name);
			buf_reset(&text);
			buf_add(&text, tab2 + 1, n - (size_t)(tab2 + 1 - p));
			have = 1;
			mline = line;
		} else if (have) {
			buf_addch(&text, '\n');
			buf_add(&text, p, n);
		} else if (strspn(p, " \t") < n) {
			rc = err_set(e, E_DATA, "%s:%d: not a Zoom chat line (HH:MM:SS<TAB>Name:<TAB>text)",
				     d->path, line);
			goto out;
		}
		p += n + 1;
	}
	flush(&t);
out:
	turns_release(&t);
	buf_release(&time);
	buf_release(&text);
	buf_release(&name);
	return rc;
}
