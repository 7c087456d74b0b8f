/*
 * Blog posts in Markdown, through cmark: each paragraph or list item is
 * a passage with its heading path as context; code blocks are stored but
 * not tagged unless --tag-code. Front matter as in text sources.
 */
#include <cmark.h>
#include <stdlib.h>
#include <string.h>

#include "../core/mem.h"
#include "../core/text.h"
#include "doc.h"

#define MAX_DEPTH 6

/* The plain text of a node: its text and code, breaks as spaces or line
 * ends, blocks inside it on lines of their own. */
static void node_text(cmark_node *node, struct buf *out)
{
	cmark_iter *it = cmark_iter_new(node);
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		const char *lit;

		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
		case CMARK_NODE_CODE_BLOCK:
		/* kept as written: in posts about Rust, "Pin<T>" is a type,
		 * not a tag */
		case CMARK_NODE_HTML_INLINE:
			if ((lit = cmark_node_get_literal(n)))
				buf_adds(out, lit);
			break;
		case CMARK_NODE_SOFTBREAK:
			buf_addch(out, ' ');
			break;
		case CMARK_NODE_LINEBREAK:
			buf_addch(out, '\n');
			break;
		case CMARK_NODE_PARAGRAPH:
		case CMARK_NODE_ITEM:
		case CMARK_NODE_HEADING:
			if (n != node && out->len && out->data[out->len - 1] != '\n')
				buf_addch(out, '\n');
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
}

int markdown_read(struct doc *d, const char *data, size_t len, struct err *e)
{
	struct buf text = BUF_INIT, context = BUF_INIT;
	char *heading[MAX_DEPTH] = { 0 };
	cmark_node *root;
	cmark_iter *it;
	cmark_event_type ev;
	size_t body;
	int skip_lines;

	if (front_matter(d, data, len, &body, e))
		return e->code;
	d->format = "blog";
	skip_lines = line_at(data, body) - 1;
	root = cmark_parse_document(data + body, len - body, CMARK_OPT_SOURCEPOS);
	it = cmark_iter_new(root);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type type = cmark_node_get_type(n);
		int line = cmark_node_get_start_line(n) + skip_lines;
		struct span *sp;

		if (ev != CMARK_EVENT_ENTER)
			continue;
		if (type == CMARK_NODE_HEADING) {
			int level = cmark_node_get_heading_level(n);

			if (level < 1 || level > MAX_DEPTH)
				continue;
			buf_reset(&text);
			node_text(n, &text);
			set_str(&heading[level - 1], text.data);
			for (int k = level; k < MAX_DEPTH; k++)
				set_str(&heading[k], NULL);
			cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
			continue;
		}
		if (type != CMARK_NODE_PARAGRAPH && type != CMARK_NODE_ITEM &&
		    type != CMARK_NODE_CODE_BLOCK)
			continue;
		buf_reset(&text);
		node_text(n, &text);
		sp = doc_add_text(d, text.data, text.len, line);
		/* a list item is one passage: its paragraphs are not read again */
		cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
		if (!sp)
			continue;
		buf_reset(&context);
		for (int k = 0; k < MAX_DEPTH; k++)
			if (heading[k])
				buf_addf(&context, "%s%s", context.len ? " > " : "", heading[k]);
		if (type == CMARK_NODE_CODE_BLOCK) {
			sp->untagged = !d->opts->tag_code;
			buf_addf(&context, "%scode", context.len ? " > " : "");
		}
		if (context.len)
			span_set(d, &sp->context, context.data);
	}
	cmark_iter_free(it);
	cmark_node_free(root);
	for (int k = 0; k < MAX_DEPTH; k++)
		free(heading[k]);
	buf_release(&text);
	buf_release(&context);
	return 0;
}
