/*
 * Web pages through libxml2's HTML parser: the article's blocks (p, li,
 * headings, quotes, pre...) as passages, never nav, script, style,
 * header, footer, aside or forms; title, author and date from the usual
 * meta tags. The author is the participant.
 */
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/mem.h"
#include "doc.h"

static const char *const skipped[] = {
	"nav", "script", "style", "header", "footer", "aside", "noscript", "form",
	"template", "svg", "button", "iframe", "head",
};

static const char *const blocks[] = {
	"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "td",
	"th", "dd", "dt", "figcaption", "summary",
};

static int among(const xmlChar *name, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp((const char *)name, set[i]))
			return 1;
	return 0;
}

#define AMONG(name, set) among(name, set, sizeof(set) / sizeof(*set))

/* Text of a subtree, skipping what is never article text; <br> and
 * nested blocks make line breaks, runs of white space one space. */
static void subtree_text(xmlNode *n, struct buf *out)
{
	for (; n; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			for (const xmlChar *p = n->content; p && *p; p++) {
				int space = *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';

				if (!space)
					buf_addch(out, *p);
				else if (out->len && !strchr(" \n", out->data[out->len - 1]))
					buf_addch(out, ' ');
			}
		} else if (n->type == XML_ELEMENT_NODE && !AMONG(n->name, skipped)) {
			int block = AMONG(n->name, blocks) || !strcasecmp((const char *)n->name, "div");

			if (!strcasecmp((const char *)n->name, "br") || block) {
				buf_rtrim(out);
				if (out->len)
					buf_addch(out, '\n');
			}
			subtree_text(n->children, out);
		}
	}
}

void html_fragment_text(const char *html, size_t len, struct buf *out)
{
	htmlDocPtr doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
					HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
					HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;

	if (root)
		subtree_text(root->children, out);
	buf_rtrim(out);
	xmlFreeDoc(doc);
}

static xmlNode *find(xmlNode *n, const char *name)
{
	for (; n; n = n->next) {
		xmlNode *hit;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!strcasecmp((const char *)n->name, name))
			return n;
		if ((hit = find(n->children, name)))
			return hit;
	}
	return NULL;
}

static char *attr(xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s = v ? xstrdup((const char *)v) : NULL;

	xmlFree(v);
	return s;
}

/* <meta name|property=KEY content=...> */
static void metas(struct doc *d, xmlNode *n)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!strcasecmp((const char *)n->name, "meta")) {
			char *key = attr(n, "name"), *content = attr(n, "content");

			if (!key)
				key = attr(n, "property");
			if (key && content && *content) {
				if (!strcasecmp(key, "author") || !strcasecmp(key, "article:author") ||
				    !strcasecmp(key, "twitter:creator")) {
					if (!d->participant)
						set_str(&d->participant, content);
				} else if (!strcasecmp(key, "article:published_time") ||
					   !strcasecmp(key, "date") || !strcasecmp(key, "dc.date") ||
					   !strcasecmp(key, "pubdate")) {
					if (!d->date)
						set_str(&d->date, content);
				} else if (!strcasecmp(key, "og:title") && !d->title) {
					set_str(&d->title, content);
				} else if (!strcasecmp(key, "og:url") && !d->url) {
					set_str(&d->url, content);
				}
			}
			free(key);
			free(content);
		} else if (!strcasecmp((const char *)n->name, "time") && !d->date) {
			char *when = attr(n, "datetime");

			if (when && *when)
				set_str(&d->date, when);
			free(when);
		}
		metas(d, n->children);
	}
}

/* Each block of the article a passage, with the heading it stands under. */
static void read_blocks(struct doc *d, xmlNode *n, struct buf *text, char **heading)
{
	for (; n; n = n->next) {
		struct span *sp;

		if (n->type != XML_ELEMENT_NODE || AMONG(n->name, skipped))
			continue;
		if (!AMONG(n->name, blocks)) {
			read_blocks(d, n->children, text, heading);
			continue;
		}
		buf_reset(text);
		subtree_text(n->children, text);
		if (n->name[0] == 'h' && n->name[1] >= '1' && n->name[1] <= '6' && !n->name[2]) {
			buf_rtrim(text);
			set_str(heading, text->data);
			continue;
		}
		sp = doc_add_text(d, text->data, text->len, (int)xmlGetLineNo(n));
		if (sp && *heading)
			span_set(d, &sp->context, *heading);
		if (sp && !strcasecmp((const char *)n->name, "pre"))
			sp->untagged = !d->opts->tag_code;
	}
}

int html_read(struct doc *d, const char *data, size_t len, struct err *e)
{
	htmlDocPtr doc;
	xmlNode *root, *article, *title;
	const xmlError *last;
	struct buf text = BUF_INIT;
	char *heading = NULL;

	xmlResetLastError();
	doc = htmlReadMemory(data, (int)len, d->path, "UTF-8",
			     HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
			     HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	/* recovering, the parser still stops at what it cannot go past (its
	 * nesting limit): the rest of the page is lost, so it is an error */
	last = xmlGetLastError();
	if (doc && last && last->level == XML_ERR_FATAL) {
		err_set(e, E_DATA, "%s:%d: libxml2 stopped reading it: %s", d->path, last->line,
			last->message ? last->message : "a fatal error");
		xmlFreeDoc(doc);
		return e->code;
	}
	if (!doc || !(root = xmlDocGetRootElement(doc))) {
		xmlFreeDoc(doc);
		return err_set(e, E_DATA, "%s: not an HTML page libxml2 can read", d->path);
	}
	d->format = "html";
	metas(d, root);
	if (!d->title && (title = find(root, "title"))) {
		subtree_text(title->children, &text);
		buf_rtrim(&text);
		if (text.len)
			set_str(&d->title, text.data);
	}
	article = find(root, "article");
	if (!article)
		article = find(root, "main");
	if (!article)
		article = find(root, "body");
	read_blocks(d, article ? article->children : root->children, &text, &heading);
	free(heading);
	buf_release(&text);
	xmlFreeDoc(doc);
	return 0;
}
