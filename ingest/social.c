/*
 * Social posts, through jansson: an X/Twitter archive's tweets.js, twarc2
 * JSONL (API response pages or flattened tweets) and a Mastodon outbox.
 * Each post is a passage of its account, with its platform id (stored
 * once, whatever file brings it again), URL and the post it replies to.
 * Retweets and boosts are not the author's words: skipped.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../core/mem.h"
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
 * as the Twitter archive's full_text). */
static struct span *add_post(struct doc *d, const char *text, int html,
			     const char *author, const char *when, const char *id,
			     const char *url, const char *parent, int line)
{
	struct buf plain = BUF_INIT;
	struct span *sp;
	char date[DATE_MAX];

	if (html)
		html_fragment_text(text, strlen(text), &plain);
	else
		buf_adds(&plain, text);
	sp = doc_add_text(d, plain.data, plain.len, line);
	buf_release(&plain);
	if (!sp)
		return NULL;
	if (author)
		set_str(&sp->participant, author);
	if (when && !date_normalize(when, NULL, date))
		set_str(&sp->date, date);
	set_str(&sp->platform_id, id);
	set_str(&sp->url, url);
	set_str(&sp->parent, parent);
	return sp;
}

/* account.js next to tweets.js names the archive's account. */
static char *archive_account(const char *path)
{
	struct buf p = BUF_INIT, data = BUF_INIT;
	const char *slash = strrchr(path, '/'), *bracket;
	json_t *root = NULL, *acc;
	char *name = NULL;

	if (slash)
		buf_add(&p, path, (size_t)(slash - path + 1));
	buf_adds(&p, "account.js");
	data.max = 1 << 20;
	if (buf_read_file(&data, p.data) == 0 && (bracket = strchr(data.data, '['))) {
		root = json_loads(bracket, 0, NULL);
		acc = json_object_get(json_array_get(root, 0), "account");
		if (str(acc, "username"))
			name = xstrdup(str(acc, "username"));
	}
	json_decref(root);
	buf_release(&p);
	buf_release(&data);
	return name;
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
	account = archive_account(d->path);
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
			 url.len ? url.data : NULL, parent.len ? parent.data : NULL, 0);
		buf_release(&pid);
		buf_release(&url);
		buf_release(&parent);
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
	return 0;
}

/* One twarc2 tweet: `users` maps author ids to usernames (a page's
 * includes.users), or the tweet carries `author` (flattened). */
static void twarc_tweet(struct doc *d, json_t *t, json_t *users, int line)
{
	const char *id = str(t, "id"), *text = str(t, "text"), *author = NULL;
	const char *aid = str(t, "author_id");
	json_t *refs = json_object_get(t, "referenced_tweets"), *r, *u;
	struct buf pid = BUF_INIT, url = BUF_INIT, parent = BUF_INIT;
	size_t i;

	if (!id || !text)
		return;
	json_array_foreach(refs, i, r) {
		const char *type = str(r, "type");

		if (type && !strcmp(type, "retweeted"))
			goto out;
		if (type && !strcmp(type, "replied_to") && str(r, "id"))
			buf_addf(&parent, "twitter:%s", str(r, "id"));
	}
	author = str(json_object_get(t, "author"), "username");
	json_array_foreach(users, i, u)
		if (!author && aid && str(u, "id") && !strcmp(str(u, "id"), aid))
			author = str(u, "username");
	if (!author)
		author = aid;
	buf_addf(&pid, "twitter:%s", id);
	if (author)
		buf_addf(&url, "https://x.com/%s/status/%s", author, id);
	add_post(d, text, 0, author, str(t, "created_at"), pid.data,
		 url.len ? url.data : NULL, parent.len ? parent.data : NULL, line);
out:
	buf_release(&pid);
	buf_release(&url);
	buf_release(&parent);
}

int twarc_read(struct doc *d, const char *data, size_t len, struct err *e)
{
	const char *p = data, *end = data + len;
	int line = 0;

	d->format = "twarc";
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		json_error_t je;
		json_t *root, *tweets, *t;
		size_t i;

		line++;
		if (strspn(p, " \t\r") >= n) {
			p += n + 1;
			continue;
		}
		if (!(root = json_loadb(p, n, 0, &je)))
			return json_fail(d, &je, line - 1, e);
		tweets = json_object_get(root, "data");
		if (json_is_array(tweets)) {            /* an API response page */
			json_t *users = json_object_get(json_object_get(root, "includes"), "users");

			json_array_foreach(tweets, i, t)
				twarc_tweet(d, t, users, line);
		} else if (json_is_object(root) && str(root, "id") && str(root, "text")) {
			twarc_tweet(d, root, NULL, line);      /* flattened */
		} else {
			json_decref(root);
			return shape(d, line, "neither a twarc2 page (\"data\": [...]) nor a flattened tweet", e);
		}
		json_decref(root);
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
		sp = add_post(d, content, 1, account, str(note, "published"), NULL,
			      str(note, "url") ? str(note, "url") : str(note, "id"), NULL, 0);
		if (sp) {
			struct buf pid = BUF_INIT;

			if (str(note, "id")) {
				buf_addf(&pid, "mastodon:%s", str(note, "id"));
				set_str(&sp->platform_id, pid.data);
			}
			buf_reset(&pid);
			if (str(note, "inReplyTo")) {
				buf_addf(&pid, "mastodon:%s", str(note, "inReplyTo"));
				set_str(&sp->parent, pid.data);
			}
			buf_release(&pid);
			if (cw && *cw) {
				struct buf c = BUF_INIT;

				buf_addf(&c, "content warning: %s", cw);
				set_str(&sp->context, c.data);
				buf_release(&c);
			}
		}
		free(account);
	}
	json_decref(root);
	return 0;
}
