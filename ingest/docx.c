/*
 * Word documents: word/document.xml out of the zip (libzip), its
 * paragraphs (libxml2), then speaker turns or paragraphs as in text
 * sources. The entry may expand to --max-entry-size at most, so a zip
 * bomb stops at the limit.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "../core/mem.h"
#include "doc.h"

#define W_NS "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

static int is_w(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns &&
	       !strcmp((const char *)n->ns->href, W_NS) && !strcmp((const char *)n->name, name);
}

static void run_text(xmlNode *n, struct buf *out)
{
	for (; n; n = n->next) {
		if (is_w(n, "t")) {
			xmlChar *s = xmlNodeGetContent(n);

			if (s)
				buf_adds(out, (const char *)s);
			xmlFree(s);
		} else if (is_w(n, "tab")) {
			buf_addch(out, '\t');
		} else if (is_w(n, "br") || is_w(n, "cr")) {
			buf_addch(out, ' ');
		} else if (n->type == XML_ELEMENT_NODE && !is_w(n, "p")) {
			run_text(n->children, out);
		}
	}
}

/* Every w:p in document order, one per line of `out` with a blank line
 * between; paragraph numbers (from 1) of each line in *para. */
static void paragraphs(xmlNode *n, struct buf *out, struct buf *one, int *count)
{
	for (; n; n = n->next) {
		if (is_w(n, "p")) {
			buf_reset(one);
			run_text(n->children, one);
			(*count)++;
			for (size_t i = 0; i < one->len; i++)
				if (one->data[i] == '\n')
					one->data[i] = ' ';
			if (out->len)
				buf_adds(out, "\n\n");
			buf_add(out, one->data, one->len);
			/* nested paragraphs (text boxes, tables) follow */
			paragraphs(n->children, out, one, count);
		} else if (n->type == XML_ELEMENT_NODE) {
			paragraphs(n->children, out, one, count);
		}
	}
}

static int entry(struct doc *d, zip_t *z, const char *name, struct buf *out, struct err *e)
{
	zip_int64_t i = zip_name_locate(z, name, 0);
	zip_file_t *f;
	char chunk[65536];
	zip_int64_t n;

	if (i < 0)
		return err_set(e, E_DATA, "%s: not a Word document (no %s in the zip)", d->path, name);
	if (!(f = zip_fopen_index(z, (zip_uint64_t)i, 0)))
		return err_set(e, E_DATA, "%s: %s: %s", d->path, name, zip_strerror(z));
	out->max = d->opts->max_entry;
	while ((n = zip_fread(f, chunk, sizeof(chunk))) > 0) {
		if (buf_add(out, chunk, (size_t)n)) {
			zip_fclose(f);
			return err_set(e, E_DATA, "%s: %s expands past the %zu MB limit (--max-entry-size)",
				       d->path, name, d->opts->max_entry >> 20);
		}
	}
	zip_fclose(f);
	if (n < 0)
		return err_set(e, E_DATA, "%s: %s: cannot be read from the zip", d->path, name);
	return 0;
}

int docx_read(struct doc *d, const char *data, size_t len, struct err *e)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *z = NULL;
	struct buf xml = BUF_INIT, one = BUF_INIT;
	xmlDoc *doc = NULL;
	int rc = 0, count = 0;

	d->format = "docx";
	zip_error_init(&ze);
	if (!(src = zip_source_buffer_create(data, len, 0, &ze)) ||
	    !(z = zip_open_from_source(src, ZIP_RDONLY, &ze))) {
		rc = err_set(e, E_DATA, "%s: not a .docx: %s", d->path, zip_error_strerror(&ze));
		if (src)
			zip_source_free(src);
		goto out;
	}
	if ((rc = entry(d, z, "word/document.xml", &xml, e)))
		goto out;
	doc = xmlReadMemory(xml.data, (int)xml.len, "word/document.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		const xmlError *x = xmlGetLastError();

		rc = err_set(e, E_DATA, "%s: word/document.xml:%d: broken XML: %s", d->path,
			     x ? x->line : 0, x && x->message ? x->message : "unreadable\n");
		/* libxml2's messages end with a line break */
		if (e->msg[0] && e->msg[strlen(e->msg) - 1] == '\n')
			e->msg[strlen(e->msg) - 1] = '\0';
		goto out;
	}
	paragraphs(xmlDocGetRootElement(doc), &d->text, &one, &count);
	if ((rc = text_segment(d, e)))
		goto out;
	d->format = "docx";
	/* paragraphs are one line each, with a blank line between: line L
	 * of the text is paragraph (L + 1) / 2 */
	for (size_t i = 0; i < d->nspans; i++) {
		struct buf where = BUF_INIT;

		d->spans[i].line = (d->spans[i].line + 1) / 2;
		buf_addf(&where, "paragraph %d", d->spans[i].line);
		span_set(d, &d->spans[i].location, where.data);
		buf_release(&where);
	}
out:
	xmlFreeDoc(doc);
	if (z)
		zip_discard(z);
	buf_release(&xml);
	buf_release(&one);
	return rc;
}
