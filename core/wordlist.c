/* Word lists, English inflections and proximity, as PCRE2 patterns. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "wordlist.h"

void wordlists_release(struct wordlists *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct wordlist *w = &l->v[i];

		free(w->name);
		free(w->where);
		for (size_t k = 0; k < w->nwords; k++)
			free(w->words[k]);
		free(w->words);
		free(w->regex);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

struct wordlist *wordlist_find(const struct wordlists *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].name, name))
			return &l->v[i];
	return NULL;
}

/* Irregular forms the suffix rules below do not make: base, then forms. */
static const char *const irregular[][4] = {
	{ "hang", "hung", NULL, NULL },
	{ "stick", "stuck", NULL, NULL },
	{ "get", "got", "gotten", NULL },
	{ "take", "took", "taken", NULL },
	{ "break", "broke", "broken", NULL },
	{ "write", "wrote", "written", NULL },
	{ "run", "ran", NULL, NULL },
	{ "find", "found", NULL, NULL },
	{ "make", "made", NULL, NULL },
	{ "hold", "held", NULL, NULL },
	{ "lose", "lost", NULL, NULL },
	{ "go", "went", "gone", "goes" },
	{ "do", "did", "done", "does" },
	{ "fall", "fell", "fallen", NULL },
	{ "freeze", "froze", "frozen", NULL },
	{ "hide", "hid", "hidden", NULL },
	{ "bite", "bit", "bitten", NULL },
	{ "spend", "spent", NULL, NULL },
	{ "send", "sent", NULL, NULL },
	{ "build", "built", NULL, NULL },
	{ "keep", "kept", NULL, NULL },
	{ "catch", "caught", NULL, NULL },
	{ "teach", "taught", NULL, NULL },
	{ "think", "thought", NULL, NULL },
	{ "understand", "understood", NULL, NULL },
	{ "leave", "left", NULL, NULL },
	{ "feel", "felt", NULL, NULL },
	{ "sit", "sat", NULL, NULL },
	{ "wake", "woke", "woken", NULL },
	{ "bad", "worse", "worst", NULL },
	{ "good", "better", "best", NULL },
};

static int is_vowel(char c)
{
	return strchr("aeiou", c) != NULL;
}

/* A short word ending consonant-vowel-consonant doubles its last letter
 * before -ed and -ing (stop: stopped; pin: pinning). */
static int doubles(const char *w, size_t n)
{
	return n >= 3 && n <= 4 && !is_vowel(w[n - 1]) && !strchr("wxy", w[n - 1]) &&
	       is_vowel(w[n - 2]) && !is_vowel(w[n - 3]);
}

void inflect_forms(const char *w, struct buf *out)
{
	size_t n = strlen(w);
	char last = n ? w[n - 1] : 0;
	int cy = n >= 2 && last == 'y' && !is_vowel(w[n - 2]);
	int e = last == 'e';

	buf_adds(out, w);
	for (size_t i = 0; i < n; i++)
		if (!isalpha((unsigned char)w[i]) || isupper((unsigned char)w[i]))
			return;
	if (n < 2)
		return;
	for (size_t i = 0; i < sizeof(irregular) / sizeof(*irregular); i++)
		if (!strcmp(irregular[i][0], w))
			for (int k = 1; k < 4 && irregular[i][k]; k++)
				buf_addf(out, "|%s", irregular[i][k]);
	/* -s, -ed, -ing; -er, -est, -ly: a few forms too many never hurt */
	if (cy) {
		buf_addf(out, "|%.*sies|%.*sied|%sing|%.*sier|%.*siest|%.*sily", (int)n - 1, w,
			 (int)n - 1, w, w, (int)n - 1, w, (int)n - 1, w, (int)n - 1, w);
		return;
	}
	if (strchr("sxz", last) || (n >= 2 && (!strcmp(w + n - 2, "ch") || !strcmp(w + n - 2, "sh"))))
		buf_addf(out, "|%ses", w);
	else
		buf_addf(out, "|%ss", w);
	if (e) {
		buf_addf(out, "|%sd|%.*sing|%sr|%sst", w, (int)n - 1, w, w, w);
		if (n >= 3 && w[n - 2] == 'l')
			buf_addf(out, "|%.*sy", (int)n - 1, w);   /* simple: simply */
		else
			buf_addf(out, "|%sly", w);
	} else if (doubles(w, n)) {
		buf_addf(out, "|%s%ced|%s%cing|%sed|%sing|%s%cer|%sly", w, last, w, last, w, w, w,
			 last, w);
	} else {
		buf_addf(out, "|%sed|%sing|%ser|%sest|%sly", w, w, w, w, w);
	}
}

/* A word as a pattern: its metacharacters escaped, an apostrophe
 * matching the typographic one too (can't, can’t). */
static void add_escaped(struct buf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\'') {
			buf_adds(out, "['\u2019]");
			continue;
		}
		if (strchr("\\^$.|?*+()[]{}#", s[i]))
			buf_addch(out, '\\');
		buf_addch(out, s[i]);
	}
}

static int is_sep(char c)
{
	return c == ' ' || c == '-' || c == '_' || c == '\t';
}

/* The length of a {name} reference at `s` (0: none): '{', a lowercase
 * letter, then lowercase letters, digits, '-' or '_', then '}'. */
static size_t ref_len(const char *s)
{
	size_t n = 1;

	if (s[0] != '{' || !islower((unsigned char)s[1]))
		return 0;
	while (islower((unsigned char)s[n]) || isdigit((unsigned char)s[n]) || s[n] == '-' ||
	       s[n] == '_')
		n++;
	return s[n] == '}' ? n + 1 : 0;
}

static char *resolve(struct wordlists *l, struct wordlist *w);

/* Appends the regex of `ref` ("{name}", `n` bytes): NULL or a problem. */
static char *expand_ref(struct wordlists *l, const char *ref, size_t n, struct buf *out)
{
	char *name = xstrndup(ref + 1, n - 2), *why;
	struct wordlist *w = wordlist_find(l, name);

	if (!w) {
		struct buf b = BUF_INIT;

		buf_addf(&b, "unknown list '%s' (a [list %s] section gives it)", name, name);
		free(name);
		return buf_detach(&b, NULL);
	}
	free(name);
	if ((why = resolve(l, w)))
		return why;
	buf_adds(out, w->regex);
	return NULL;
}

/* One phrase of list `w` as a regex. */
static char *phrase(struct wordlists *l, const struct wordlist *w, const char *s,
		    struct buf *out)
{
	const char *end = s + strlen(s), *tok;
	size_t ntok = 0, last = 0;
	char *why;

	/* how many words, to know which is the last */
	for (const char *p = s; p < end;) {
		while (p < end && is_sep(*p))
			p++;
		if (p == end)
			break;
		last = ntok++;
		while (p < end && !is_sep(*p))
			p++;
	}
	ntok = 0;
	for (const char *p = s; p < end; ntok++) {
		size_t n;

		while (p < end && is_sep(*p))
			p++;
		if (p == end)
			break;
		tok = p;
		while (p < end && !is_sep(*p))
			p++;
		n = (size_t)(p - tok);
		if (ntok)
			buf_adds(out, "[\\s_-]*");
		if (ref_len(tok) == n) {
			if ((why = expand_ref(l, tok, n, out)))
				return why;
		} else if (w->inflect && (ntok == 0 || ntok == last)) {
			char *word = xstrndup(tok, n);

			buf_adds(out, "(?:");
			inflect_forms(word, out);
			buf_addch(out, ')');
			free(word);
		} else {
			add_escaped(out, tok, n);
		}
	}
	return NULL;
}

static char *resolve(struct wordlists *l, struct wordlist *w)
{
	struct buf b = BUF_INIT;
	char *why = NULL;

	if (w->state == 2)
		return NULL;
	if (w->state == 1) {
		buf_addf(&b, "list '%s' names itself through its words (a cycle)", w->name);
		return buf_detach(&b, NULL);
	}
	w->state = 1;
	buf_adds(&b, "(?:");
	for (size_t i = 0; i < w->nwords && !why; i++) {
		if (i)
			buf_addch(&b, '|');
		why = phrase(l, w, w->words[i], &b);
	}
	buf_addch(&b, ')');
	if (why) {
		buf_release(&b);
		return why;
	}
	w->regex = buf_detach(&b, NULL);
	w->state = 2;
	return NULL;
}

char *wordlists_expand(struct wordlists *l, const char *in, struct buf *out)
{
	char *why;

	buf_reset(out);
	for (const char *p = in; *p;) {
		size_t n;

		if (*p == '\\' && p[1]) {
			/* an escape stands as it is, \x{41} and \p{L} whole */
			const char *q = p + 2, *close;

			if (strchr("xopPNgk", p[1]) && *q == '{' && (close = strchr(q, '}')))
				q = close + 1;
			buf_add(out, p, (size_t)(q - p));
			p = q;
			continue;
		}
		if ((n = ref_len(p))) {
			if ((why = expand_ref(l, p, n, out)))
				return why;
			p += n;
			continue;
		}
		buf_addch(out, *p++);
	}
	return NULL;
}

char *near_pattern(const char *spec, struct buf *out)
{
	const char *bar = strstr(spec, " | "), *comma = strrchr(spec, ',');
	char *end;
	long n;
	struct buf a = BUF_INIT, b = BUF_INIT;

	buf_reset(out);
	if (!bar || !comma || comma < bar)
		return xstrdup("near takes 'A | B, N' (two patterns and a distance in words)");
	n = strtol(comma + 1, &end, 10);
	while (*end == ' ')
		end++;
	if (end == comma + 1 || *end || n < 0 || n > 50)
		return xstrdup("near's distance is a whole number of words from 0 to 50");
	buf_add(&a, spec, (size_t)(bar - spec));
	buf_add(&b, bar + 3, (size_t)(comma - bar - 3));
	buf_rtrim(&a);
	buf_rtrim(&b);
	if (!a.len || !b.len || strstr(b.data, " | ")) {
		buf_release(&a);
		buf_release(&b);
		return xstrdup("near takes exactly two patterns, 'A | B, N'");
	}
	/* either order; what lies between is up to n words and what separates
	 * them; neither part starts or ends inside a word (\\b would ask a
	 * part that ends in a symbol, as C# or C++, for a word after it) */
#define START "(?:(?<!\\w)|(?!\\w))"
#define END "(?:(?!\\w)|(?<!\\w))"
	buf_addf(out, START "(?:%s)" END "(?:\\W+\\w+){0,%ld}\\W+" START "(?:%s)" END
		 "|" START "(?:%s)" END "(?:\\W+\\w+){0,%ld}\\W+" START "(?:%s)" END,
		 a.data, n, b.data, b.data, n, a.data);
#undef START
#undef END
	buf_release(&a);
	buf_release(&b);
	return NULL;
}
