/*
 * Social posts, through jansson: an X/Twitter archive's tweets.js, twarc2
 * JSONL (API response pages or flattened tweets) and a Mastodon outbox.
 * Each post is a passage of its account, with its platform id (stored
 * once, whatever file brings it again), URL and the post it replies to.
 * Retweets and boosts are not the author's words: skipped.
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "../core/mem.h"
#include "../core/text.h"
#include "dates.h"
#include "doc.h"

static int json_fail(struct doc *d, const json_error_t *je, int line0, struct err *e)
{
	return err_set(e, E_DATA, "%s:%d: bad JSON: %s", d->path, je->line + line0, je->text);
}

static int shape(struct doc *d, int line, const char *what, struct err *e)
{
	if (line)
		return err_set(e, E_DATA, "%s:%d: %s", d->path, line, what);
	return err_set(e, E_DATA, "%s: %s", d->path, what);
}

static const char *str(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Adds one post. `html` says whether its text is HTML (or HTML-escaped,
 * as the Twitter archive's full_text). A date that cannot be read is an
 * error in `e` (NULL returned), never a post without its date. */
static struct span *add_post(struct doc *d, const char *text, int html,
			     const char *author, const char *when, const char *id,
			     const char *url, const char *parent, int line, struct err *e)
{
	struct buf plain = BUF_INIT;
	struct span *sp;
	char date[DATE_MAX];

	if (when && date_normalize(when, NULL, date)) {
		struct buf where = BUF_INIT;

		if (line)
			buf_addf(&where, "%s:%d", d->path, line);
		else
			buf_addf(&where, "%s: post %s", d->path, id ? id : "without an id");
		err_set(e, E_DATA, "%s: date '%s' is not a date (ISO 8601, or the"
			" platform's own form)", where.data, when);
		buf_release(&where);
		return NULL;
	}

	if (html) {
		html_fragment_text(text, strlen(text), &plain);
		sp = doc_add_text(d, plain.data, plain.len, line);
		buf_release(&plain);
	} else {
		sp = doc_add_text(d, text, strlen(text), line);
	}
	if (!sp)
		return NULL;
	if (author)
		span_set(d, &sp->participant, author);
	if (when)
		span_set(d, &sp->date, date);
	span_set(d, &sp->platform_id, id);
	span_set(d, &sp->url, url);
	span_set(d, &sp->parent, parent);
	return sp;
}

/* account.js next to tweets.js names the archive's account: *name, or
 * NULL when there is no account.js. One that is there but cannot be
 * read is an error naming it, not an archive without its account. */
static int archive_account(const char *path, char **name, struct err *e)
{
	struct buf p = BUF_INIT, data = BUF_INIT;
	const char *slash = strrchr(path, '/'), *bracket;
	json_t *root = NULL, *acc;
	json_error_t je;
	int rc = 0;

	*name = NULL;
	if (slash)
		buf_add(&p, path, (size_t)(slash - path + 1));
	buf_adds(&p, "account.js");
	data.max = 1 << 20;
	if (buf_read_file(&data, p.data)) {
		if (errno != ENOENT)
			rc = err_set(e, E_DATA, "%s: %s", p.data, strerror(errno));
	} else if (!(bracket = strchr(data.data, '['))) {
		rc = err_set(e, E_DATA, "%s: not an archive's account.js (no"
			     " 'window.YTD.account.part0 = [')", p.data);
	} else if (!(root = json_loads(bracket, 0, &je))) {
		rc = err_set(e, E_DATA, "%s:%d: bad JSON: %s", p.data,
			     je.line + line_at(data.data, (size_t)(bracket - data.data)) - 1,
			     je.text);
	} else {
		acc = json_object_get(json_array_get(root, 0), "account");
		if (str(acc, "username"))
			*name = xstrdup(str(acc, "username"));
		else
			rc = err_set(e, E_DATA, "%s: no account.username in it", p.data);
	}
	json_decref(root);
	buf_release(&p);
	buf_release(&data);
	return rc;
}

int tweets_read(struct doc *d, const char *data, size_t len, struct err *e)
{
	const char *bracket = memchr(data, '[', len);
	json_error_t je;
	json_t *root, *item;
	size_t i;
	char *account;
	int line0;

	if (len < 11 || memcmp(data, "window.YTD.", 11) || !bracket)
		return shape(d, 1, "not a Twitter archive (no 'window.YTD.... = [')", e);
	line0 = 0;
	for (const char *p = data; p < bracket; p++)
		line0 += *p == '\n';
	root = json_loadb(bracket, len - (size_t)(bracket - data), 0, &je);
	if (!root)
		return json_fail(d, &je, line0, e);
	if (!json_is_array(root)) {
		json_decref(root);
		return shape(d, 1, "not a Twitter archive (no array of tweets)", e);
	}
	d->format = "tweets";
	if (archive_account(d->path, &account, e)) {
		json_decref(root);
		return e->code;
	}
	json_array_foreach(root, i, item) {
		json_t *t = json_object_get(item, "tweet");
		const char *id = str(t, "id_str") ? str(t, "id_str") : str(t, "id");
		const char *text = str(t, "full_text") ? str(t, "full_text") : str(t, "text");
		const char *reply = str(t, "in_reply_to_status_id_str");
		struct buf pid = BUF_INIT, url = BUF_INIT, parent = BUF_INIT;

		if (!json_is_object(t) || !id || !text) {
			err_set(e, E_DATA, "%s: tweet %zu has no %s", d->path, i + 1,
				!json_is_object(t) ? "\"tweet\" object" : !id ? "id_str" : "full_text");
			free(account);
			json_decref(root);
			return E_DATA;
		}
		if (json_is_true(json_object_get(t, "retweeted")) || !strncmp(text, "RT @", 4))
			continue;
		buf_addf(&pid, "twitter:%s", id);
		if (account)
			buf_addf(&url, "https://x.com/%s/status/%s", account, id);
		if (reply)
			buf_addf(&parent, "twitter:%s", reply);
		add_post(d, text, 1, NULL, str(t, "created_at"), pid.data,
			 url.len ? url.data : NULL, parent.len ? parent.data : NULL, 0, e);
		buf_release(&pid);
		buf_release(&url);
		buf_release(&parent);
		if (e->code)
			break;
	}
	if (!account) {
		/* no account.js: name the account after the archive's folder
		 * (.../ARCHIVE/data/tweets.js) */
		const char *end = strrchr(d->path, '/'), *start;

		if (end && end - d->path >= 5 && !strncmp(end - 5, "/data", 5))
			end -= 5;
		for (start = end; start && start > d->path && start[-1] != '/'; start--)
			;
		if (end && start && end > start)
			account = xstrndup(start, (size_t)(end - start));
	}
	if (account)
		d->participant = account;
	json_decref(root);
	return e->code;
}

/*
 * twarc2 JSONL is most of what a research group collects (70 % of the
 * bench's bytes), a JSON document a line: read as a stream of events
 * through yajl, which keeps only the fields a post needs, where jansson
 * built every value of the line first (1.5 s for 110 MB of lines, yajl
 * 0.26 s). The archives, one document each, stay with jansson.
 */
enum tw_key {
	K_OTHER, K_DATA, K_INCLUDES, K_USERS, K_ID, K_TEXT, K_AUTHOR_ID, K_AUTHOR,
	K_USERNAME, K_CREATED_AT, K_REFERENCED, K_TYPE, K_ARRAY
};

/* with their lengths: every key of every line is looked up here */
#define TW_KEY(s) { s, sizeof(s) - 1 }
static const struct {
	const char *name;
	size_t len;
} tw_keys[] = {
	[K_DATA] = TW_KEY("data"), [K_INCLUDES] = TW_KEY("includes"),
	[K_USERS] = TW_KEY("users"), [K_ID] = TW_KEY("id"), [K_TEXT] = TW_KEY("text"),
	[K_AUTHOR_ID] = TW_KEY("author_id"), [K_AUTHOR] = TW_KEY("author"),
	[K_USERNAME] = TW_KEY("username"), [K_CREATED_AT] = TW_KEY("created_at"),
	[K_REFERENCED] = TW_KEY("referenced_tweets"), [K_TYPE] = TW_KEY("type"),
};
#undef TW_KEY

/* what a tweet's post is made of: strings as the line has them */
struct tw_tweet {
	char *id, *text, *author_id, *author, *created_at, *parent;
	int retweet;
};

struct tw_user {
	char *id, *username;
};

#define TW_DEPTH 8              /* deeper than a tweet's fields: skipped */

struct tw_line {
	int depth;                      /* maps and arrays open */
	enum tw_key at[TW_DEPTH];       /* the key (or K_ARRAY) each level is under */
	int root_map, data_array;
	struct tw_tweet root;           /* a flattened tweet's fields */
	struct tw_tweet *tweets;        /* a page's data[] */
	size_t ntweets, atweets;
	struct tw_user *users;          /* a page's includes.users[] */
	size_t nusers, ausers;
	char *ref_type, *ref_id;        /* the referenced tweet being read */
	int nul;                        /* a string held a \u0000 */
};

static void tw_tweet_release(struct tw_tweet *t)
{
	free(t->id);
	free(t->text);
	free(t->author_id);
	free(t->author);
	free(t->created_at);
	free(t->parent);
}

static void tw_line_release(struct tw_line *l)
{
	tw_tweet_release(&l->root);
	for (size_t i = 0; i < l->ntweets; i++)
		tw_tweet_release(&l->tweets[i]);
	for (size_t i = 0; i < l->nusers; i++) {
		free(l->users[i].id);
		free(l->users[i].username);
	}
	free(l->tweets);
	free(l->users);
	free(l->ref_type);
	free(l->ref_id);
}

/* The path to the value at hand, from the root's members down. */
static int tw_at(const struct tw_line *l, int n, ...)
{
	va_list ap;
	int ok = l->depth == n;

	va_start(ap, n);
	for (int i = 0; ok && i < n; i++)
		ok = (int)l->at[i] == va_arg(ap, int);
	va_end(ap);
	return ok;
}

/* The tweet whose member the value at hand is, and the path below it. */
static struct tw_tweet *tw_tweet_at(struct tw_line *l, const enum tw_key **rest, int *nrest)
{
	if (l->depth >= 1 && l->root_map && l->at[0] != K_DATA) {
		*rest = l->at;
		*nrest = l->depth;
		return &l->root;
	}
	if (l->depth >= 3 && l->data_array && l->at[0] == K_DATA && l->at[1] == K_ARRAY &&
	    l->ntweets) {
		*rest = l->at + 2;
		*nrest = l->depth - 2;
		return &l->tweets[l->ntweets - 1];
	}
	return NULL;
}

static int tw_string(void *ctx, const unsigned char *s, size_t len)
{
	struct tw_line *l = ctx;
	const enum tw_key *k;
	struct tw_tweet *t;
	char **field = NULL;
	int n;

	if (memchr(s, 0, len)) {
		l->nul = 1;
		return 0;
	}
	if (tw_at(l, 4, K_INCLUDES, K_USERS, K_ARRAY, K_ID) && l->nusers)
		field = &l->users[l->nusers - 1].id;
	else if (tw_at(l, 4, K_INCLUDES, K_USERS, K_ARRAY, K_USERNAME) && l->nusers)
		field = &l->users[l->nusers - 1].username;
	else if ((t = tw_tweet_at(l, &k, &n))) {
		if (n == 1)
			field = k[0] == K_ID ? &t->id : k[0] == K_TEXT ? &t->text :
				k[0] == K_AUTHOR_ID ? &t->author_id :
				k[0] == K_CREATED_AT ? &t->created_at : NULL;
		else if (n == 2 && k[0] == K_AUTHOR && k[1] == K_USERNAME)
			field = &t->author;
		else if (n == 3 && k[0] == K_REFERENCED && k[1] == K_ARRAY)
			field = k[2] == K_TYPE ? &l->ref_type : k[2] == K_ID ? &l->ref_id : NULL;
	}
	if (field) {
		free(*field);
		*field = xstrndup((const char *)s, len);
	}
	return 1;
}

static int tw_key(void *ctx, const unsigned char *s, size_t len)
{
	struct tw_line *l = ctx;
	enum tw_key k = K_OTHER;

	for (size_t i = 1; i < sizeof(tw_keys) / sizeof(*tw_keys); i++)
		if (tw_keys[i].len == len && !memcmp(tw_keys[i].name, s, len))
			k = (enum tw_key)i;
	if (l->depth >= 1 && l->depth <= TW_DEPTH)
		l->at[l->depth - 1] = k;
	return 1;
}

static int tw_open(struct tw_line *l, enum tw_key what)
{
	if (l->depth == 0 && what != K_ARRAY)
		l->root_map = 1;
	if (tw_at(l, 1, K_DATA) && what == K_ARRAY)
		l->data_array = 1;
	if (tw_at(l, 2, K_DATA, K_ARRAY) && l->data_array && what != K_ARRAY) {
		ALLOC_GROW(l->tweets, l->ntweets + 1, l->atweets);
		memset(&l->tweets[l->ntweets++], 0, sizeof(*l->tweets));
	}
	if (tw_at(l, 3, K_INCLUDES, K_USERS, K_ARRAY) && what != K_ARRAY) {
		ALLOC_GROW(l->users, l->nusers + 1, l->ausers);
		memset(&l->users[l->nusers++], 0, sizeof(*l->users));
	}
	l->depth++;
	if (l->depth <= TW_DEPTH)
		l->at[l->depth - 1] = what == K_ARRAY ? K_ARRAY : K_OTHER;
	return 1;
}

static int tw_start_map(void *ctx)
{
	return tw_open(ctx, K_OTHER);
}

static int tw_start_array(void *ctx)
{
	return tw_open(ctx, K_ARRAY);
}

static int tw_close(void *ctx)
{
	struct tw_line *l = ctx;
	const enum tw_key *k;
	struct tw_tweet *t;
	int n;

	l->depth--;
	/* a referenced tweet ends: a retweet is skipped, a reply has a parent */
	if ((t = tw_tweet_at(l, &k, &n)) && n == 2 && k[0] == K_REFERENCED &&
	    k[1] == K_ARRAY) {
		if (l->ref_type && !strcmp(l->ref_type, "retweeted"))
			t->retweet = 1;
		if (l->ref_type && !strcmp(l->ref_type, "replied_to") && l->ref_id && !t->parent)
			t->parent = xstrdup(l->ref_id);
		free(l->ref_type);
		free(l->ref_id);
		l->ref_type = l->ref_id = NULL;
	}
	return 1;
}

static const yajl_callbacks tw_callbacks = {
	.yajl_string = tw_string,
	.yajl_start_map = tw_start_map,
	.yajl_map_key = tw_key,
	.yajl_end_map = tw_close,
	.yajl_start_array = tw_start_array,
	.yajl_end_array = tw_close,
};

/* One twarc2 tweet: `users` maps author ids to usernames (a page's
 * includes.users), or the tweet carries its author's (flattened). */
static int twarc_tweet(struct doc *d, const struct tw_tweet *t, const struct tw_user *users,
		       size_t nusers, int line, struct err *e)
{
	const char *author = t->author;
	/* the post's id, URL and parent, each ended by its NUL, in one
	 * buffer: joined, not printed (four million posts a gigabyte) */
	struct buf b = BUF_INIT;
	size_t url = 0, parent = 0;

	if (!t->id || !t->text || t->retweet)
		return 0;
	for (size_t i = 0; !author && t->author_id && i < nusers; i++)
		if (users[i].id && !strcmp(users[i].id, t->author_id))
			author = users[i].username;
	if (!author)
		author = t->author_id;
	buf_adds(&b, "twitter:");
	buf_add(&b, t->id, strlen(t->id) + 1);
	if (author) {
		url = b.len;
		buf_adds(&b, "https://x.com/");
		buf_adds(&b, author);
		buf_adds(&b, "/status/");
		buf_add(&b, t->id, strlen(t->id) + 1);
	}
	if (t->parent) {
		parent = b.len;
		buf_adds(&b, "twitter:");
		buf_adds(&b, t->parent);
	}
	add_post(d, t->text, 0, author, t->created_at, b.data, url ? b.data + url : NULL,
		 parent ? b.data + parent : NULL, line, e);
	buf_release(&b);
	return e->code;
}

/* Reads one line's document; its posts added to d. */
static int twarc_line(struct doc *d, const char *p, size_t n, int line, struct err *e)
{
	struct tw_line l;
	yajl_handle h;
	yajl_status st;
	int rc = 0, ended = 0;

	memset(&l, 0, sizeof(l));
	h = yajl_alloc(&tw_callbacks, NULL, &l);
	st = yajl_parse(h, (const unsigned char *)p, n);
	if (st == yajl_status_ok) {
		ended = 1;
		st = yajl_complete_parse(h);
	}
	if (st != yajl_status_ok) {
		unsigned char *msg = yajl_get_error(h, 0, NULL, 0);
		struct buf where = BUF_INIT;

		if (ended)
			buf_adds(&where, "at the end of the line");
		else
			buf_addf(&where, "at byte %zu of the line", yajl_get_bytes_consumed(h));
		if (l.nul)
			rc = err_set(e, E_DATA, "%s:%d: bad JSON: a string holds \\u0000 (%s)",
				     d->path, line, where.data);
		else
			rc = err_set(e, E_DATA, "%s:%d: bad JSON: %.*s (%s)", d->path, line,
				     (int)strcspn((const char *)msg, "\n"), (const char *)msg,
				     where.data);
		buf_release(&where);
		yajl_free_error(h, msg);
	} else if (l.data_array) {              /* an API response page */
		for (size_t i = 0; i < l.ntweets && !rc; i++)
			rc = twarc_tweet(d, &l.tweets[i], l.users, l.nusers, line, e);
	} else if (l.root_map && l.root.id && l.root.text) {
		rc = twarc_tweet(d, &l.root, NULL, 0, line, e);        /* flattened */
	} else {
		rc = shape(d, line, "neither a twarc2 page (\"data\": [...]) nor a flattened tweet", e);
	}
	yajl_free(h);
	tw_line_release(&l);
	return rc;
}

int twarc_read(struct doc *d, const char *data, size_t len, struct err *e)
{
	const char *p = data, *end = data + len;
	int line = 0;

	d->format = "twarc";
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		line++;
		if (strspn(p, " \t\r") < n && twarc_line(d, p, n, line, e))
			return e->code;
		p += n + 1;
	}
	return 0;
}

/* "https://mastodon.social/users/alice" -> "alice@mastodon.social" */
static char *mastodon_account(const char *actor)
{
	const char *host, *slash, *user;
	struct buf b = BUF_INIT;

	if (!actor || !(host = strstr(actor, "://")))
		return actor ? xstrdup(actor) : NULL;
	host += 3;
	slash = strchr(host, '/');
	user = strrchr(actor, '/');
	if (!slash || !user || !user[1])
		return xstrdup(actor);
	buf_addf(&b, "%s@%.*s", user + 1, (int)(slash - host), host);
	return buf_detach(&b, NULL);
}

int mastodon_read(struct doc *d, const char *data, size_t len, struct err *e)
{
	json_error_t je;
	json_t *root = json_loadb(data, len, 0, &je), *items, *a;
	size_t i;

	if (!root)
		return json_fail(d, &je, 0, e);
	items = json_object_get(root, "orderedItems");
	if (!json_is_array(items)) {
		json_decref(root);
		return shape(d, 0, "not a Mastodon outbox (no \"orderedItems\" array)", e);
	}
	d->format = "mastodon";
	json_array_foreach(items, i, a) {
		const char *type = str(a, "type");
		json_t *note = json_object_get(a, "object");
		const char *content = str(note, "content"), *cw = str(note, "summary");
		char *account;
		struct span *sp;

		/* Announce (boosts) carry only a URL: not the account's words */
		if (!type || strcmp(type, "Create") || !json_is_object(note) || !content)
			continue;
		account = mastodon_account(str(note, "attributedTo") ? str(note, "attributedTo")
								    : str(a, "actor"));
		sp = add_post(d, content, 1, account, str(note, "published"), str(note, "id"),
			      str(note, "url") ? str(note, "url") : str(note, "id"), NULL, 0, e);
		if (e->code) {
			free(account);
			break;
		}
		if (sp) {
			struct buf pid = BUF_INIT;

			if (str(note, "id")) {
				buf_addf(&pid, "mastodon:%s", str(note, "id"));
				span_set(d, &sp->platform_id, pid.data);
			}
			buf_reset(&pid);
			if (str(note, "inReplyTo")) {
				buf_addf(&pid, "mastodon:%s", str(note, "inReplyTo"));
				span_set(d, &sp->parent, pid.data);
			}
			buf_release(&pid);
			if (cw && *cw) {
				struct buf c = BUF_INIT;

				buf_addf(&c, "content warning: %s", cw);
				span_set(d, &sp->context, c.data);
				buf_release(&c);
			}
		}
		free(account);
	}
	json_decref(root);
	return e->code;
}
