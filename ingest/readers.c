#include <jansson.h>
#include <libxml/parser.h>
#include <string.h>
#include <strings.h>

#include "readers.h"

void readers_init(void)
{
	xmlInitParser();
	json_object_seed(0);
}

const struct reader readers[] = {
	{ "transcript", ".txt/.md with 'Name: text' turns", 0, text_read },
	{ "account", ".txt written account: one passage per paragraph", 0, text_read },
	{ "blog", ".md blog post (cmark): paragraphs and list items", 0, markdown_read },
	{ "html", ".html/.htm web page (libxml2): the article's blocks", 0, html_read },
	{ "tweets", "X/Twitter archive tweets.js (author from account.js)", 0, tweets_read },
	{ "twarc", "twarc2 .jsonl, API pages or flattened", 0, twarc_read },
	{ "mastodon", "Mastodon outbox.json", 0, mastodon_read },
	{ "posts", ".csv of posts, columns named by --map", 0, csvposts_read },
	{ "survey", ".csv survey: Qualtrics, Google Forms, LimeSurvey, --mapping", 0, survey_read },
	{ "vtt", "WebVTT subtitles (Zoom, Teams)", 0, vtt_read },
	{ "srt", "SRT subtitles", 0, srt_read },
	{ "zoom-chat", "Zoom chat log: HH:MM:SS<TAB>Name:<TAB>text", 0, zoomchat_read },
	{ "docx", "Word .docx (libzip, libxml2): paragraphs, turns as in text", 1, docx_read },
};
const size_t nreaders = sizeof(readers) / sizeof(*readers);

const struct reader *reader_named(const char *name)
{
	for (size_t i = 0; i < nreaders; i++)
		if (!strcmp(readers[i].name, name))
			return &readers[i];
	return NULL;
}

static const char *ext_of(const char *path)
{
	const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');

	return dot && (!slash || dot > slash) ? dot : "";
}

static const char *const walk_ext[] = {
	".txt", ".md", ".markdown", ".html", ".htm", ".js", ".jsonl", ".json",
	".csv", ".vtt", ".srt", ".docx",
};

int reader_binary(const char *path)
{
	return !strcasecmp(ext_of(path), ".docx");
}

int reader_takes(const char *path)
{
	const char *ext = ext_of(path), *base = strrchr(path, '/');

	/* of the .js files of an archive's data folder, only the tweets */
	base = base ? base + 1 : path;
	if (!strcasecmp(ext, ".js"))
		return !strncmp(base, "tweet", 5);
	for (size_t i = 0; i < sizeof(walk_ext) / sizeof(*walk_ext); i++)
		if (!strcasecmp(ext, walk_ext[i]))
			return 1;
	return 0;
}

/* A Zoom chat line: HH:MM:SS, a tab, a name, a colon and a tab. */
static int zoom_chat(const char *s, size_t len)
{
	return len > 10 && s[2] == ':' && s[5] == ':' && s[8] == '\t' &&
	       memchr(s + 9, '\t', len - 9) != NULL;
}

static int starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(s, prefix, n);
}

const struct reader *reader_choose(const char *path, const char *s, size_t len,
				   const struct read_opts *o, struct err *e)
{
	const char *ext = ext_of(path);

	if (!strcasecmp(ext, ".txt"))
		return reader_named(zoom_chat(s, len) ? "zoom-chat" : "transcript");
	if (!strcasecmp(ext, ".md") || !strcasecmp(ext, ".markdown")) {
		/* a .md of speaker turns is a transcript, else a blog post */
		struct doc d;
		struct err ignore = ERR_INIT;
		int turns;

		doc_init(&d, path, o);
		turns = text_read(&d, s, len, &ignore) == 0 && !strcmp(d.format, "transcript");
		doc_release(&d);
		return reader_named(turns ? "transcript" : "blog");
	}
	if (!strcasecmp(ext, ".html") || !strcasecmp(ext, ".htm"))
		return reader_named("html");
	/* a tweets.js without its prefix is a broken archive file: the
	 * tweets reader says what it lacks */
	if (!strcasecmp(ext, ".js") && (starts(s, len, "window.YTD.tweets.") ||
					starts(s, len, "window.YTD.tweet.") ||
					reader_takes(path)))
		return reader_named("tweets");
	if (!strcasecmp(ext, ".jsonl"))
		return reader_named("twarc");
	if (!strcasecmp(ext, ".json"))
		return reader_named(memmem(s, len, "\"orderedItems\"", 14) ||
				    memmem(s, len, "OrderedCollection", 17) ? "mastodon" : "twarc");
	if (!strcasecmp(ext, ".csv"))
		return reader_named(o->map ? "posts" : "survey");
	if (!strcasecmp(ext, ".vtt") || starts(s, len, "WEBVTT"))
		return reader_named("vtt");
	if (!strcasecmp(ext, ".srt"))
		return reader_named("srt");
	if (!strcasecmp(ext, ".docx"))
		return reader_named("docx");
	err_set(e, E_DATA, "%s: not a readable source (%s; see 'papercut ingest --help')",
		path, *ext ? "unknown extension" : "no extension");
	return NULL;
}
