#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "buf.h"
#include "codebook.h"
#include "mem.h"
#include "proc.h"
#include "text.h"

/* The longest codebook line libinih reads whole (its INI_MAX_LINE less
 * the newline and the NUL). */
#define INI_LINE_MAX 198

/* Codebook files are small; a larger one is a mistake. */
#define CODEBOOK_FILE_MAX (4 << 20)

struct parse_state {
	struct codebook *cb;
	const char *file;       /* name shown in problems */
	const char *p, *end;    /* what the reader has not handed out */
	int line;
	int section_line;       /* of the last '[id]' line handed out */
	int new_section;        /* a '[id]' line came since the last key */
	struct code *cur;       /* section being read */
	struct wordlist *list;  /* or the [list NAME] being read */
};

static void problem(struct codebook *cb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void problem(struct codebook *cb, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	ALLOC_GROW(cb->problems, cb->nproblems + 1, cb->aproblems);
	cb->problems[cb->nproblems++] = s;
}

void codebook_init(struct codebook *cb)
{
	memset(cb, 0, sizeof(*cb));
}

static void rule_release(struct rule *r)
{
	free(r->pattern);
	free(r->written);
	free(r->where);
	pcre2_code_free(r->re);
}

static void rules_free(struct rule *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		rule_release(&r[i]);
	free(r);
}

static void samples_free(struct sample *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(s[i].text);
		free(s[i].where);
	}
	free(s);
}

void codebook_release(struct codebook *cb)
{
	for (size_t i = 0; i < cb->n; i++) {
		struct code *c = &cb->codes[i];

		free(c->id);
		free(c->where);
		free(c->label);
		free(c->theme);
		free(c->description);
		rules_free(c->rules, c->nrules);
		rules_free(c->excludes, c->nexcludes);
		rules_free(c->requires, c->nrequires);
		for (size_t k = 0; k < c->nattrs; k++) {
			free(c->attrs[k].key);
			rule_release(&c->attrs[k].rule);
		}
		free(c->attrs);
		samples_free(c->examples, c->nexamples);
		samples_free(c->counters, c->ncounters);
	}
	free(cb->codes);
	wordlists_release(&cb->lists);
	hs_free_database(cb->hs);
	hs_free_scratch(cb->hs_scratch);
	free(cb->slot_code);
	free(cb->code_always);
	for (size_t i = 0; i < cb->nproblems; i++)
		free(cb->problems[i]);
	free(cb->problems);
	free(cb->dir);
	codebook_init(cb);
}

long codebook_find(const struct codebook *cb, const char *id)
{
	for (size_t i = 0; i < cb->n; i++)
		if (!strcmp(cb->codes[i].id, id))
			return (long)i;
	return -1;
}

/* libinih's reader: hands out one line at a time, counting lines so that
 * every problem can name one, and refusing lines libinih would cut. */
static char *read_line(char *str, int num, void *stream)
{
	struct parse_state *ps = stream;
	const char *nl;
	size_t len;

	if (ps->p >= ps->end)
		return NULL;
	nl = memchr(ps->p, '\n', (size_t)(ps->end - ps->p));
	len = nl ? (size_t)(nl - ps->p) : (size_t)(ps->end - ps->p);
	ps->line++;
	if (len > INI_LINE_MAX || len + 2 > (size_t)num) {
		problem(ps->cb, "%s:%d: line longer than %d characters (split a long pattern into several 'pattern =' lines)",
			ps->file, ps->line, INI_LINE_MAX);
		memcpy(str, ";\n", 3);
	} else {
		memcpy(str, ps->p, len);
		str[len] = '\n';
		str[len + 1] = '\0';
		if (str[strspn(str, " \t")] == '[') {
			ps->section_line = ps->line;
			ps->new_section = 1;
		}
	}
	ps->p += len + (nl ? 1 : 0);
	return str;
}

static char *where_line(const struct parse_state *ps, int line)
{
	struct buf b = BUF_INIT;

	buf_addf(&b, "%s:%d", ps->file, line);
	return buf_detach(&b, NULL);
}

static char *where(const struct parse_state *ps)
{
	return where_line(ps, ps->line);
}

static int valid_id(const char *id)
{
	if (!*id)
		return 0;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_'))
			return 0;
	return 1;
}

static void add_rule(struct rule **arr, size_t *n, size_t *alloc,
		     const struct parse_state *ps, const char *pattern)
{
	struct rule *r;

	ALLOC_GROW(*arr, *n + 1, *alloc);
	r = &(*arr)[(*n)++];
	r->pattern = xstrdup(pattern);
	r->written = NULL;
	r->near = 0;
	r->where = where(ps);
	r->re = NULL;
	r->hs_id = -1;
}

/* A line of a [list NAME] section. */
static void on_list_key(struct parse_state *ps, const char *name, const char *key,
			const char *value)
{
	struct wordlists *l = &ps->cb->lists;

	if (!ps->list || strcmp(ps->list->name, name) || ps->new_section) {
		struct wordlist *dup = wordlist_find(l, name);

		if (dup)
			problem(ps->cb, "%s:%d: list '%s' given twice (first at %s)", ps->file,
				ps->section_line, name, dup->where);
		ALLOC_GROW(l->v, l->n + 1, l->alloc);
		ps->list = &l->v[l->n++];
		memset(ps->list, 0, sizeof(*ps->list));
		ps->list->name = xstrdup(name);
		ps->list->where = where_line(ps, ps->section_line);
		if (!valid_id(name))
			problem(ps->cb, "%s: list name '%s' may hold only a-z, 0-9, '-' and '_'",
				ps->list->where, name);
	}
	ps->new_section = 0;
	ps->cur = NULL;
	if (!strcmp(key, "words")) {
		struct wordlist *w = ps->list;
		const char *p = value;

		/* comma separated; phrases keep their spaces */
		while (*p) {
			const char *comma = strchr(p, ',');
			size_t n = comma ? (size_t)(comma - p) : strlen(p);
			char *word;

			while (n && (*p == ' ' || *p == '\t'))
				p++, n--;
			while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
				n--;
			if (n) {
				word = xstrndup(p, n);
				ALLOC_GROW(w->words, w->nwords + 1, w->awords);
				w->words[w->nwords++] = word;
			}
			p = comma ? comma + 1 : p + strlen(p);
		}
	} else if (!strcmp(key, "inflect")) {
		if (strcmp(value, "yes") && strcmp(value, "no"))
			problem(ps->cb, "%s:%d: inflect takes yes or no, not '%s'", ps->file,
				ps->line, value);
		ps->list->inflect = !strcmp(value, "yes");
	} else {
		problem(ps->cb, "%s:%d: unknown key '%s' in [list %s] (known: words, inflect)",
			ps->file, ps->line, key, name);
	}
}

static void add_sample(struct sample **arr, size_t *n, size_t *alloc,
		       const struct parse_state *ps, const char *text)
{
	struct sample *s;

	ALLOC_GROW(*arr, *n + 1, *alloc);
	s = &(*arr)[(*n)++];
	s->text = xstrdup(text);
	s->where = where(ps);
}

static void set_once(struct parse_state *ps, char **field, const char *key,
		     const char *value)
{
	if (*field) {
		problem(ps->cb, "%s:%d: '%s' given twice in [%s]", ps->file,
			ps->line, key, ps->cur->id);
		return;
	}
	*field = xstrdup(value);
}

static void start_code(struct parse_state *ps, const char *id)
{
	struct codebook *cb = ps->cb;
	long dup = codebook_find(cb, id);
	struct code *c;

	if (dup >= 0)
		problem(cb, "%s:%d: duplicate code id '%s' (first at %s)",
			ps->file, ps->section_line, id, cb->codes[dup].where);
	ALLOC_GROW(cb->codes, cb->n + 1, cb->alloc);
	c = &cb->codes[cb->n++];
	memset(c, 0, sizeof(*c));
	c->id = xstrdup(id);
	c->where = where_line(ps, ps->section_line);
	c->kind = -1;
}

static int on_key(void *user, const char *section, const char *key,
		  const char *value)
{
	struct parse_state *ps = user;
	struct code *c;

	if (!*section) {
		problem(ps->cb, "%s:%d: '%s' stands before any [code-id] section",
			ps->file, ps->line, key);
		return 1;
	}
	if (!strncmp(section, "list ", 5)) {
		on_list_key(ps, section + 5, key, value);
		return 1;
	}
	if (!ps->cur || strcmp(ps->cur->id, section) || ps->new_section)
		start_code(ps, section);
	ps->new_section = 0;
	/* start_code may have moved the array: take the pointer anew */
	c = ps->cur = &ps->cb->codes[ps->cb->n - 1];

	if (!strcmp(key, "kind")) {
		if (c->kind != -1)
			problem(ps->cb, "%s:%d: 'kind' given twice in [%s]",
				ps->file, ps->line, c->id);
		else if (!strcmp(value, "papercut"))
			c->kind = KIND_PAPERCUT;
		else if (!strcmp(value, "character"))
			c->kind = KIND_CHARACTER;
		else
			problem(ps->cb, "%s:%d: kind '%s' is neither 'papercut' nor 'character'",
				ps->file, ps->line, value);
	} else if (!strcmp(key, "label")) {
		set_once(ps, &c->label, key, value);
	} else if (!strcmp(key, "theme")) {
		set_once(ps, &c->theme, key, value);
	} else if (!strcmp(key, "description")) {
		if (c->description) {   /* a continuation line */
			struct buf b = BUF_INIT;

			buf_addf(&b, "%s %s", c->description, value);
			free(c->description);
			c->description = buf_detach(&b, NULL);
		} else {
			c->description = xstrdup(value);
		}
	} else if (!strcmp(key, "pattern")) {
		add_rule(&c->rules, &c->nrules, &c->arules, ps, value);
	} else if (!strcmp(key, "near")) {
		struct buf b = BUF_INIT;
		char *why = near_pattern(value, &b);

		if (why)
			problem(ps->cb, "%s:%d: %s", ps->file, ps->line, why);
		else
			add_rule(&c->rules, &c->nrules, &c->arules, ps, b.data);
		if (!why) {
			c->rules[c->nrules - 1].written = xstrdup(value);
			c->rules[c->nrules - 1].near = 1;
		}
		free(why);
		buf_release(&b);
	} else if (!strcmp(key, "exclude") || !strcmp(key, "unless")) {
		add_rule(&c->excludes, &c->nexcludes, &c->aexcludes, ps, value);
	} else if (!strcmp(key, "requires")) {
		add_rule(&c->requires, &c->nrequires, &c->arequires, ps, value);
	} else if (!strcmp(key, "attribute")) {
		const char *colon = strchr(value, ':');
		struct attr_rule *a;

		if (!colon || colon == value || c->kind == KIND_PAPERCUT) {
			problem(ps->cb, "%s:%d: %s", ps->file, ps->line,
				c->kind == KIND_PAPERCUT ? "'attribute' is for characters"
				: "attribute takes 'KEY: REGEX', as 'prior_language: ^(Java|C#)$'");
			return 1;
		}
		ALLOC_GROW(c->attrs, c->nattrs + 1, c->aattrs);
		a = &c->attrs[c->nattrs++];
		memset(a, 0, sizeof(*a));
		a->key = xstrndup(value, (size_t)(colon - value));
		colon++;
		while (*colon == ' ')
			colon++;
		a->rule.pattern = xstrdup(colon);
		a->rule.where = where(ps);
		a->rule.hs_id = -1;
	} else if (!strcmp(key, "negation") || !strcmp(key, "questions")) {
		int *flag = key[0] == 'n' ? &c->count_negated : &c->count_questions;

		if (strcmp(value, "count") && strcmp(value, "skip"))
			problem(ps->cb, "%s:%d: %s takes count or skip, not '%s'", ps->file,
				ps->line, key, value);
		*flag = !strcmp(value, "count");
	} else if (!strcmp(key, "example")) {
		add_sample(&c->examples, &c->nexamples, &c->aexamples, ps, value);
	} else if (!strcmp(key, "counter")) {
		add_sample(&c->counters, &c->ncounters, &c->acounters, ps, value);
	} else {
		problem(ps->cb, "%s:%d: unknown key '%s' in [%s] (known: kind, label, theme, description, pattern, near, exclude, unless, requires, negation, questions, attribute, example, counter)",
			ps->file, ps->line, key, section);
	}
	return 1;
}


/* The fewest characters a compiled pattern can match (PCRE2's reckoning). */
static uint32_t min_match(const pcre2_code *re)
{
	uint32_t n = 1;

	pcre2_pattern_info(re, PCRE2_INFO_MINLENGTH, &n);
	return n;
}

static void compile_rules(struct codebook *cb, struct rule *r, size_t n,
			  pcre2_match_data *md)
{
	struct buf x = BUF_INIT;

	for (size_t i = 0; i < n; i++) {
		int code;
		PCRE2_SIZE off;
		char *why = wordlists_expand(&cb->lists, r[i].pattern, &x);

		if (why) {
			problem(cb, "%s: %s", r[i].where, why);
			free(why);
			continue;
		}
		if (strcmp(x.data, r[i].pattern)) {
			if (!r[i].written)
				r[i].written = r[i].pattern;
			else
				free(r[i].pattern);
			r[i].pattern = buf_detach(&x, NULL);
		}

		/* \C matches one byte: a match could end inside a character */
		r[i].re = pcre2_compile((PCRE2_SPTR)r[i].pattern,
					PCRE2_ZERO_TERMINATED,
					PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS |
					PCRE2_NEVER_BACKSLASH_C, &code, &off, NULL);
		if (!r[i].re) {
			PCRE2_UCHAR msg[256];

			pcre2_get_error_message(code, msg, sizeof(msg));
			if (code == PCRE2_ERROR_BACKSLASH_C_CALLER_DISABLED)
				snprintf((char *)msg, sizeof(msg), "\\C (one byte) could end a"
					 " match inside a character: not allowed");
			problem(cb, "%s: bad pattern at offset %zu: %s", r[i].where,
				(size_t)off, (const char *)msg);
			continue;
		}
		pcre2_jit_compile(r[i].re, PCRE2_JIT_COMPLETE);
		/* not only the empty text: `\b|x` matches nothing at a word's
		 * edge, so PCRE2's least length is asked, which is 0 then */
		if (min_match(r[i].re) == 0 ||
		    pcre2_match(r[i].re, (PCRE2_SPTR) "", 0, 0, 0, md, NULL) >= 0) {
			problem(cb, "%s: pattern matches empty text, so it would tag every passage",
				r[i].where);
			pcre2_code_free(r[i].re);
			r[i].re = NULL;
		}
	}
	buf_release(&x);
}

/* Checks one code once all files are read. */
static void check_code(struct codebook *cb, struct code *c)
{
	if (!valid_id(c->id))
		problem(cb, "%s: code id '%s' may hold only a-z, 0-9, '-' and '_'",
			c->where, c->id);
	if (!strcmp(c->id, "unknown") || !strcmp(c->id, "total"))
		problem(cb, "%s: '%s' is reserved and cannot be a code id",
			c->where, c->id);
	if (c->kind == -1)
		problem(cb, "%s: [%s] has no 'kind' (papercut or character)",
			c->where, c->id);
	if (!c->label)
		problem(cb, "%s: [%s] has no 'label'", c->where, c->id);
	if (c->kind == KIND_PAPERCUT && !c->theme)
		problem(cb, "%s: papercut [%s] has no 'theme'", c->where, c->id);
	if (!c->nrules && !c->nattrs)
		problem(cb, "%s: [%s] has no 'pattern'", c->where, c->id);
}

static int code_broken(const struct code *c)
{
	for (size_t k = 0; k < c->nrules; k++)
		if (!c->rules[k].re)
			return 1;
	for (size_t k = 0; k < c->nattrs; k++)
		if (!c->attrs[k].rule.re)
			return 1;
	for (size_t k = 0; k < c->nexcludes; k++)
		if (!c->excludes[k].re)
			return 1;
	for (size_t k = 0; k < c->nrequires; k++)
		if (!c->requires[k].re)
			return 1;
	return 0;
}

/*
 * A pattern as the prefilter sees it: Hyperscan runs without Unicode
 * properties (far smaller and faster), so what could match more under
 * PCRE2's UCP is widened, and what only narrows a match is dropped; the
 * result matches wherever the pattern does (and more), as a prefilter
 * must. \b and \B go; \w, \d and \s also take any non-ASCII
 * character; a bounded repeat {m,n} loses its bound.
 */
static void widen(const char *p, struct buf *out)
{
	static const char any[] = "\\x{80}-\\x{10ffff}";
	int in_class = 0;

	buf_reset(out);
	for (; *p; p++) {
		if (*p == '\\' && p[1]) {
			char c = p[1];

			p++;
			if (!in_class && (c == 'b' || c == 'B'))
				continue;
			if (c == 'w' || c == 'd' || c == 's') {
				buf_addf(out, in_class ? "\\%c%s" : "[\\%c%s]", c, any);
				continue;
			}
			buf_addch(out, '\\');
			buf_addch(out, c);
			continue;
		}
		if (*p == '[' && !in_class) {
			in_class = 1;
			buf_addch(out, *p);
			/* a ']' first in a class is a literal */
			if (p[1] == '^')
				buf_addch(out, *++p);
			if (p[1] == ']')
				buf_addch(out, *++p);
			continue;
		}
		if (*p == ']' && in_class) {
			in_class = 0;
			buf_addch(out, *p);
			continue;
		}
		if (*p == '{' && !in_class) {
			const char *q = p + 1, *comma = NULL;

			while (*q >= '0' && *q <= '9')
				q++;
			if (*q == ',') {
				comma = q++;
				while (*q >= '0' && *q <= '9')
					q++;
			}
			if (*q == '}' && comma && comma > p + 1) {
				buf_add(out, p, (size_t)(comma - p + 1));
				buf_addch(out, '}');
				p = q;
				continue;
			}
		}
		buf_addch(out, *p);
	}
}

void hash_hex(XXH128_hash_t h, char out[33])
{
	snprintf(out, 33, "%016llx%016llx", (unsigned long long)h.high64,
		 (unsigned long long)h.low64);
}

/*
 * Compiling the prefilter is most of a codebook's load (0.3 s of a small
 * batch's ingest), so the database compiled is kept in the user's cache
 * directory ($XDG_CACHE_HOME/papercut, else ~/.cache/papercut), named by a
 * hash of everything compiling reads: Hyperscan's version, the flags and
 * each expression with its id. A file holds "papercut-hs1", how many
 * expressions went in, their ids (those Hyperscan refused are left out),
 * then hs_serialize_database()'s bytes, which Hyperscan checks (version,
 * platform, CRC) when it reads them back. Anything amiss: compile again.
 * The cache is never needed: a directory that cannot be written only
 * costs the time.
 */
#define PREFILTER_MAGIC "papercut-hs1"
#define PREFILTER_CACHE_MAX (64 << 20)
#define PREFILTER_FLAGS (HS_FLAG_CASELESS | HS_FLAG_UTF8 | HS_FLAG_PREFILTER | \
			 HS_FLAG_SINGLEMATCH)

static int prefilter_cache_path(struct buf *path, char **expr, size_t n)
{
	const char *dir = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	XXH3_state_t *st;
	char hex[33];

	if (dir && *dir == '/')
		buf_addf(path, "%s/papercut", dir);
	else if (home && *home == '/')
		buf_addf(path, "%s/.cache/papercut", home);
	else
		return -1;
	st = XXH3_createState();
	XXH3_128bits_reset(st);
	XXH3_128bits_update(st, hs_version(), strlen(hs_version()) + 1);
	XXH3_128bits_update(st, &(unsigned){ PREFILTER_FLAGS }, sizeof(unsigned));
	for (size_t i = 0; i < n; i++)
		XXH3_128bits_update(st, expr[i], strlen(expr[i]) + 1);
	hash_hex(XXH3_128bits_digest(st), hex);
	XXH3_freeState(st);
	buf_addf(path, "/prefilter-%s.hs", hex);
	return 0;
}

/* The cached database for these n rules, their hs_id set; 0 if none. */
static int prefilter_from_cache(struct codebook *cb, struct rule **rules, size_t n,
				const char *path)
{
	struct buf f = BUF_INIT;
	const size_t head = sizeof(PREFILTER_MAGIC) + 4;
	uint32_t m, id, prev = 0;
	int ok = 0;

	buf_init(&f, PREFILTER_CACHE_MAX);
	if (buf_read_file(&f, path) || f.len < head ||
	    memcmp(f.data, PREFILTER_MAGIC, sizeof(PREFILTER_MAGIC)))
		goto out;
	memcpy(&m, f.data + sizeof(PREFILTER_MAGIC), 4);
	if (!m || m > n || f.len - head <= 4 * (size_t)m)
		goto out;
	for (size_t i = 0; i < n; i++)
		rules[i]->hs_id = -1;
	for (uint32_t k = 0; k < m; k++) {
		memcpy(&id, f.data + head + 4 * (size_t)k, 4);
		if (id >= n || (k && id <= prev))
			goto out;
		rules[id]->hs_id = (int)id;
		prev = id;
	}
	ok = hs_deserialize_database(f.data + head + 4 * (size_t)m,
				     f.len - head - 4 * (size_t)m, &cb->hs) == HS_SUCCESS;
out:
	if (!ok) {
		cb->hs = NULL;
		for (size_t i = 0; i < n; i++)
			rules[i]->hs_id = (int)i;
	}
	buf_release(&f);
	return ok;
}

/* Writes the file whole under another name, then renames it: a reader
 * never sees half of one. Failing is not an error. */
static void prefilter_to_cache(const struct codebook *cb, struct rule **rules, size_t n,
			       const char *path)
{
	struct buf dir = BUF_INIT, tmp = BUF_INIT;
	char *bytes = NULL;
	size_t len = 0;
	uint32_t m = 0;
	FILE *f = NULL;
	int fd, bad;

	if (hs_serialize_database(cb->hs, &bytes, &len) != HS_SUCCESS)
		return;
	buf_add(&dir, path, (size_t)(strrchr(path, '/') - path));
	if (mkdir(dir.data, 0700) && errno == ENOENT) {
		/* ~/.cache itself may be missing */
		char *slash = strrchr(dir.data, '/');

		*slash = '\0';
		mkdir(dir.data, 0700);
		*slash = '/';
		mkdir(dir.data, 0700);
	}
	buf_addf(&tmp, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp.data)) < 0)
		goto out;
	if (!(f = fdopen(fd, "wb"))) {
		close(fd);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		m += rules[i]->hs_id >= 0;
	fwrite(PREFILTER_MAGIC, 1, sizeof(PREFILTER_MAGIC), f);
	fwrite(&m, 4, 1, f);
	for (size_t i = 0; i < n; i++) {
		uint32_t id = (uint32_t)i;

		if (rules[i]->hs_id >= 0)
			fwrite(&id, 4, 1, f);
	}
	fwrite(bytes, 1, len, f);
	bad = ferror(f);
	if (fclose(f) || bad || rename(tmp.data, path))
		unlink(tmp.data);
out:
	free(bytes);
	buf_release(&dir);
	buf_release(&tmp);
}

/*
 * Builds the prefilter from every compiled pattern and exclude. A pattern
 * Hyperscan cannot take, even in prefilter mode, stays out (hs_id -1) and
 * is always run; a machine without Hyperscan support gets no prefilter.
 */
static void build_prefilter(struct codebook *cb)
{
	struct rule **rules = NULL;
	char **widened = NULL;
	const char **exprs = NULL;
	unsigned *flags = NULL, *ids = NULL;
	size_t n = 0, alloc = 0, slot_alloc = 0;
	hs_compile_error_t *err = NULL;
	struct buf path = BUF_INIT;
	int cached;

	if (hs_valid_platform() != HS_SUCCESS)
		return;
	for (size_t i = 0; i < cb->n; i++) {
		struct code *c = &cb->codes[i];

		for (size_t k = 0; k < c->nrules + c->nexcludes; k++) {
			struct rule *r = k < c->nrules ? &c->rules[k] : &c->excludes[k - c->nrules];

			if (!r->re)
				continue;
			ALLOC_GROW(rules, n + 1, alloc);
			ALLOC_GROW(cb->slot_code, n + 1, slot_alloc);
			cb->slot_code[n] = k < c->nrules ? (int)i : -1;
			rules[n++] = r;
		}
	}
	widened = xcalloc(n ? n : 1, sizeof(*widened));
	for (size_t i = 0; i < n; i++) {
		struct buf w = BUF_INIT;

		widen(rules[i]->pattern, &w);
		widened[i] = buf_detach(&w, NULL);
	}
	exprs = xcalloc(n ? n : 1, sizeof(*exprs));
	flags = xcalloc(n ? n : 1, sizeof(*flags));
	ids = xcalloc(n ? n : 1, sizeof(*ids));
	for (size_t i = 0; i < n; i++)
		rules[i]->hs_id = (int)i;
	cached = n && !prefilter_cache_path(&path, widened, n) &&
		 prefilter_from_cache(cb, rules, n, path.data);
	for (; !cached;) {
		size_t m = 0;

		for (size_t i = 0; i < n; i++) {
			if (rules[i]->hs_id < 0)
				continue;
			exprs[m] = widened[i];
			flags[m] = PREFILTER_FLAGS;
			ids[m] = (unsigned)i;
			m++;
		}
		if (!m)
			break;
		if (hs_compile_multi(exprs, flags, ids, (unsigned)m, HS_MODE_BLOCK, NULL,
				     &cb->hs, &err) == HS_SUCCESS)
			break;
		/* leave out the pattern it named, or give up on the prefilter */
		if (err->expression < 0 || (size_t)err->expression >= m) {
			hs_free_compile_error(err);
			for (size_t i = 0; i < n; i++)
				rules[i]->hs_id = -1;
			cb->hs = NULL;
			break;
		}
		rules[ids[err->expression]]->hs_id = -1;
		hs_free_compile_error(err);
		err = NULL;
	}
	if (cb->hs && !cached && path.len)
		prefilter_to_cache(cb, rules, n, path.data);
	if (cb->hs && hs_alloc_scratch(cb->hs, &cb->hs_scratch) != HS_SUCCESS) {
		hs_free_database(cb->hs);
		cb->hs = NULL;
		for (size_t i = 0; i < n; i++)
			rules[i]->hs_id = -1;
	}
	cb->nrules_all = (int)n;
	for (size_t i = 0; i < n; i++)
		cb->nhs += rules[i]->hs_id >= 0;
	cb->code_always = xcalloc(cb->n ? cb->n : 1, 1);
	for (size_t i = 0; i < cb->n; i++)
		for (size_t k = 0; k < cb->codes[i].nrules; k++)
			if (cb->codes[i].rules[k].re && cb->codes[i].rules[k].hs_id < 0)
				cb->code_always[i] = 1;
	for (size_t i = 0; i < n; i++)
		free(widened[i]);
	free(widened);
	free(rules);
	free(exprs);
	free(flags);
	free(ids);
	buf_release(&path);
}

static void run_samples(struct codebook *cb)
{
	struct matcher m;
	struct match *out = xcalloc(cb->n, sizeof(*out));

	matcher_init(&m, cb);
	for (size_t i = 0; i < cb->n; i++) {
		struct code *c = &cb->codes[i];

		if (code_broken(c))
			continue;   /* its pattern problem is reported already */
		for (size_t k = 0; k < c->nexamples; k++) {
			const char *t = c->examples[k].text;
			size_t n = codebook_match(cb, &m, t, strlen(t), out), j;

			if (m.limit) {
				problem(cb, "%s: the rule at %s hits PCRE2's match limit on this"
					" example: it backtracks too much", c->examples[k].where,
					m.limit->where);
				continue;
			}
			for (j = 0; j < n && out[j].code != i; j++)
				;
			if (j == n)
				problem(cb, "%s: example is not tagged '%s': \"%s\"",
					c->examples[k].where, c->id, t);
		}
		for (size_t k = 0; k < c->ncounters; k++) {
			const char *t = c->counters[k].text;
			size_t n = codebook_match(cb, &m, t, strlen(t), out);

			for (size_t j = 0; j < n; j++)
				if (out[j].code == i)
					problem(cb, "%s: counter is tagged '%s' by the rule at %s: \"%s\"",
						c->counters[k].where, c->id,
						out[j].rule->where, t);
		}
	}
	matcher_release(&m);
	free(out);
}

static int ini_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && d->d_name[0] != '.' && !strcmp(d->d_name + n - 4, ".ini");
}

int codebook_load(struct codebook *cb, const char *dir, struct err *e)
{
	struct dirent **names = NULL;
	struct buf content = BUF_INIT, path = BUF_INIT;
	XXH3_state_t *hs = XXH3_createState();
	pcre2_match_data *md = NULL;
	int n;

	cb->dir = xstrdup(dir);
	XXH3_128bits_reset(hs);
	n = scandir(dir, &names, ini_name, alphasort);
	if (n < 0) {
		err_set(e, E_DATA, "codebook '%s': %s", dir, strerror(errno));
		goto out;
	}
	if (n == 0)
		problem(cb, "%s: no .ini files in the codebook directory", dir);

	for (int i = 0; i < n; i++) {
		struct parse_state ps = { .cb = cb, .file = names[i]->d_name };
		const char *nul;
		size_t bad;
		int rc;

		buf_reset(&path);
		buf_addf(&path, "%s/%s", dir, names[i]->d_name);
		buf_init(&content, CODEBOOK_FILE_MAX);
		rc = buf_read_file(&content, path.data);
		if (rc) {
			problem(cb, "%s: %s", path.data,
				rc == -2 ? "larger than 4 MiB" : strerror(errno));
			buf_release(&content);
			continue;
		}
		XXH3_128bits_update(hs, names[i]->d_name, strlen(names[i]->d_name) + 1);
		XXH3_128bits_update(hs, content.data, content.len + 1);
		bad = utf8_invalid_at(content.data, content.len);
		if (bad < content.len) {
			problem(cb, "%s:%d: invalid UTF-8", names[i]->d_name,
				line_at(content.data, bad));
			buf_release(&content);
			continue;
		}
		/* the INI reader stops a value at a NUL: it would cut it short */
		if ((nul = memchr(content.data, '\0', content.len))) {
			problem(cb, "%s:%d: a NUL byte", names[i]->d_name,
				line_at(content.data, (size_t)(nul - content.data)));
			buf_release(&content);
			continue;
		}
		ps.p = content.data;
		ps.end = content.data + content.len;
		rc = ini_parse_stream(read_line, &ps, on_key, &ps);
		if (rc > 0)
			problem(cb, "%s:%d: expected '[code-id]' or 'key = value'",
				names[i]->d_name, rc);
		buf_release(&content);
	}

	/* every list, used or not, so that its problems are seen */
	for (size_t i = 0; i < cb->lists.n; i++) {
		struct buf ref = BUF_INIT, x = BUF_INIT;
		char *why;

		buf_addf(&ref, "{%s}", cb->lists.v[i].name);
		if ((why = wordlists_expand(&cb->lists, ref.data, &x)))
			problem(cb, "%s: %s", cb->lists.v[i].where, why);
		free(why);
		buf_release(&ref);
		buf_release(&x);
	}
	md = pcre2_match_data_create(1, NULL);
	for (size_t i = 0; i < cb->n; i++) {
		check_code(cb, &cb->codes[i]);
		compile_rules(cb, cb->codes[i].rules, cb->codes[i].nrules, md);
		compile_rules(cb, cb->codes[i].excludes, cb->codes[i].nexcludes, md);
		compile_rules(cb, cb->codes[i].requires, cb->codes[i].nrequires, md);
		for (size_t k = 0; k < cb->codes[i].nattrs; k++)
			compile_rules(cb, &cb->codes[i].attrs[k].rule, 1, md);
	}
	build_prefilter(cb);
	run_samples(cb);

	hash_hex(XXH3_128bits_digest(hs), cb->hash);
	if (cb->nproblems) {
		if (cb->nproblems == 1)
			err_set(e, E_DATA, "codebook '%s': %s", dir, cb->problems[0]);
		else
			err_set(e, E_DATA, "codebook '%s': %s (and %zu more problems: run 'papercut codebook check')",
				dir, cb->problems[0], cb->nproblems - 1);
	}
out:
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	pcre2_match_data_free(md);
	XXH3_freeState(hs);
	buf_release(&path);
	return e && e->code ? e->code : (cb->nproblems ? E_DATA : 0);
}

void matcher_init(struct matcher *m, const struct codebook *cb)
{
	memset(m, 0, sizeof(*m));
	m->md = pcre2_match_data_create(1, NULL);
	if (cb->hs && hs_clone_scratch(cb->hs_scratch, &m->scratch) != HS_SUCCESS)
		m->scratch = NULL;
	m->maybe = xcalloc(cb->nrules_all ? (size_t)cb->nrules_all : 1, 1);
	m->code_maybe = xcalloc(cb->n ? cb->n : 1, 1);
	m->slot_code = cb->slot_code;
	m->mode = TEXT_PROSE;
	buf_init(&m->masked, 0);
}

void matcher_release(struct matcher *m)
{
	pcre2_match_data_free(m->md);
	hs_free_scratch(m->scratch);
	free(m->maybe);
	free(m->code_maybe);
	buf_release(&m->masked);
	memset(m, 0, sizeof(*m));
}

static int on_prefilter(unsigned id, unsigned long long from, unsigned long long to,
			unsigned flags, void *ctx)
{
	struct matcher *m = ctx;

	(void)from, (void)to, (void)flags;
	m->maybe[id] = 1;
	if (m->slot_code[id] >= 0)
		m->code_maybe[m->slot_code[id]] = 1;
	return 0;
}

/* Clause and sentence ends, for negation and questions. */
static int ends_clause(char c)
{
	return c == '.' || c == '!' || c == '?' || c == ';' || c == ':' || c == ',' ||
	       c == '\n' || c == '(' || c == ')';
}

static int ends_sentence(char c)
{
	return c == '.' || c == '!' || c == '?' || c == '\n';
}

/* The words that negate what follows them; not "can't" and its kin,
 * which say that something is impossible: a complaint, not its absence. */
static const char *const negators[] = {
	"no", "not", "never", "without", "none", "nothing", "nobody", "hardly",
	"isn't", "aren't", "wasn't", "weren't", "doesn't", "don't", "didn't",
	"hasn't", "haven't", "hadn't",
};

int hit_negated(const char *text, size_t start)
{
	size_t i = start;

	for (int words = 0; words < 3; words++) {
		size_t end, begin;

		while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '`' ||
				 text[i - 1] == '"' || text[i - 1] == '*' || text[i - 1] == '_'))
			i--;
		if (i == 0 || ends_clause(text[i - 1]))
			return 0;
		end = i;
		while (i > 0 && (isalpha((unsigned char)text[i - 1]) || text[i - 1] == '\''))
			i--;
		begin = i;
		if (begin == end)
			return 0;       /* not a word: code, a number, a symbol */
		for (size_t k = 0; k < sizeof(negators) / sizeof(*negators); k++)
			if (strlen(negators[k]) == end - begin &&
			    !strncasecmp(text + begin, negators[k], end - begin))
				return 1;
	}
	return 0;
}

/* How yes/no questions about whether a thing exists or happens begin. */
static const char *const asking[] = {
	"is there ", "are there ", "was there ", "were there ", "is it ", "is this ",
	"does it ", "does this ", "do you ", "did you ", "have you ", "has anyone ",
	"any ", "anyone ",
};

int hit_in_question(const char *text, size_t len, size_t start, size_t end)
{
	size_t b = start, e = end;

	while (b > 0 && !ends_sentence(text[b - 1]))
		b--;
	while (e < len && !ends_sentence(text[e]))
		e++;
	if (e == len || text[e] != '?')
		return 0;
	while (b < start && !isalpha((unsigned char)text[b]))
		b++;
	for (size_t k = 0; k < sizeof(asking) / sizeof(*asking); k++)
		if (!strncasecmp(text + b, asking[k], strlen(asking[k])))
			return 1;
	return 0;
}

/* The first match of `r` in `text`; for a code's pattern (`c`), the
 * first that is neither negated nor in a question, unless the code
 * counts those. */
#define MATCH_TRIES 16
static int first_match(const struct rule *r, const struct code *c, struct matcher *m,
		       const char *text, size_t len, size_t *start, size_t *end)
{
	size_t from = 0;

	if (!r->re || (r->hs_id >= 0 && !m->maybe[r->hs_id]))
		return 0;   /* the prefilter says it cannot match */
	for (int tries = 0; tries < MATCH_TRIES && from <= len; tries++) {
		PCRE2_SIZE *ov;

		int rc = pcre2_match(r->re, (PCRE2_SPTR)text, len, from, PCRE2_NO_UTF_CHECK,
				     m->md, NULL);

		if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
		    rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT) {
			if (!m->limit)
				m->limit = r;
			return 0;
		}
		if (rc < 0)
			return 0;
		ov = pcre2_get_ovector_pointer(m->md);
		*start = ov[0];
		*end = ov[1];
		/* a code's hit has words: an empty one (a lookahead) is passed over */
		if (!c || (*end > *start && (c->count_negated || !hit_negated(text, *start)) &&
			   (c->count_questions || !hit_in_question(text, len, *start, *end))))
			return 1;
		/* on past this hit's first character */
		from = *start + 1;
		while (from < len && ((unsigned char)text[from] & 0xc0) == 0x80)
			from++;
	}
	return 0;
}

size_t codebook_attr_match(const struct codebook *cb, struct matcher *m,
			   const char *key, const char *value, struct match *out)
{
	size_t n = 0, s, e;

	m->limit = NULL;
	for (size_t i = 0; i < cb->n; i++) {
		const struct code *c = &cb->codes[i];

		for (size_t k = 0; k < c->nattrs; k++)
			if (!strcmp(c->attrs[k].key, key) &&
			    first_match(&c->attrs[k].rule, NULL, m, value, strlen(value), &s, &e)) {
				out[n++] = (struct match){ i, &c->attrs[k].rule, 0, 0 };
				break;
			}
	}
	return n;
}

size_t codebook_match(const struct codebook *cb, struct matcher *m,
		      const char *text, size_t len, struct match *out)
{
	size_t n = 0;

	/* the prefilter marks what may match; without it, everything may */
	int all = !(cb->hs && m->scratch && !m->plain);

	m->limit = NULL;
	if (text_mask_code(text, len, m->mode, &m->masked))
		text = m->masked.data;

	memset(m->maybe, all, (size_t)cb->nrules_all);
	memset(m->code_maybe, all, cb->n);
	if (!all && hs_scan(cb->hs, text, (unsigned)len, 0, m->scratch, on_prefilter, m) != HS_SUCCESS) {
		memset(m->maybe, 1, (size_t)cb->nrules_all);
		memset(m->code_maybe, 1, cb->n);
	}

	for (size_t i = 0; i < cb->n; i++) {
		const struct code *c = &cb->codes[i];
		struct match best = { .rule = NULL };
		size_t s, e;

		if (!m->code_maybe[i] && !cb->code_always[i])
			continue;       /* none of its patterns can match */

		for (size_t k = 0; k < c->nrules; k++)
			if (first_match(&c->rules[k], c, m, text, len, &s, &e) &&
			    (!best.rule || s < best.start)) {
				best.rule = &c->rules[k];
				best.start = s;
				best.end = e;
			}
		if (!best.rule)
			continue;
		for (size_t k = 0; k < c->nexcludes && best.rule; k++)
			if (first_match(&c->excludes[k], NULL, m, text, len, &s, &e))
				best.rule = NULL;
		for (size_t k = 0; k < c->nrequires && best.rule; k++)
			if (!first_match(&c->requires[k], NULL, m, text, len, &s, &e))
				best.rule = NULL;
		if (!best.rule)
			continue;
		best.code = i;
		out[n++] = best;
	}
	return n;
}

char *codebook_default_dir(void)
{
	const char *env = getenv("PAPERCUT_CODEBOOK");
	char exe[PATH_MAX];
	struct buf b = BUF_INIT;
	struct stat st;
	static const char *const rel[] = {
		"/../share/papercut/codebook", /* make install: bin/papercut */
		"/../../share/papercut/codebook", /* libexec/papercut/papercut-full */
		"/data/codebook",              /* the source tree */
		"/../data/codebook",           /* build/ in the source tree */
		"/../../data/codebook",        /* build/test in the source tree */
	};

	if (env && *env)
		return xstrdup(env);
	if (proc_self_dir(exe, sizeof(exe)))
		return NULL;
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		buf_reset(&b);
		buf_addf(&b, "%s%s", exe, rel[i]);
		if (stat(b.data, &st) == 0 && S_ISDIR(st.st_mode))
			return buf_detach(&b, NULL);
	}
	buf_release(&b);
	return NULL;
}
