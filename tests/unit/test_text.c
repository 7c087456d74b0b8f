/* Front matter and turn segmentation of text transcripts and accounts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../core/buf.h"
#include "../../core/text.h"
#include "../../ingest/dates.h"
#include "../../ingest/doc.h"

static const struct read_opts opts;

struct want_span {
	const char *speaker;    /* NULL: a paragraph of an account */
	int line;
	int interviewer;
	const char *text;
};

static void test_mask_code(void **state)
{
	/* what tagging reads: code blanked, diagnostics, output and comments kept */
	static const struct {
		const char *text;
		enum text_mode mode;
		const char *read;       /* NULL: read as it is */
	} cases[] = {
		{ "plain prose, no code",
		  TEXT_PROSE, NULL },
		{ "see:\n```rust\nlet p = Pin::new(x); // pin hurts here\n```\nafter",
		  TEXT_PROSE, "see:\n       \n                     // pin hurts here\n   \nafter" },
		{ "```\nerror[E0277]: `Rc<u8>` cannot be sent\n  --> src/main.rs:5:5\n5 |     spawn(x);\n  |     ^^^^^ not Send\n```",
		  TEXT_PROSE, "   \nerror[E0277]: `Rc<u8>` cannot be sent\n                     \n                 \n  |     ^^^^^ not Send\n   " },
		{ "```console\nthread 'main' panicked at 'no reactor running'\n```",
		  TEXT_PROSE, "          \nthread 'main' panicked at 'no reactor running'\n   " },
		{ "fn main() {\n    # a line's comment is read\n    block_on(x);\n}",
		  TEXT_CODE, "           \n    # a line's comment is read\n                \n " },
		{ "```rust\nlet url = \"http://x\";\n```",
		  TEXT_ALL, NULL },
		{ "#[tokio::test]\nasync fn t() {}",
		  TEXT_CODE, "              \n               " },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct buf b = BUF_INIT;
		int blanked = text_mask_code(cases[i].text, strlen(cases[i].text), cases[i].mode, &b);

		if (!cases[i].read)
			assert_false(blanked);
		else if (!blanked || strcmp(b.data, cases[i].read))
			fail_msg("case %zu: read '%s', want '%s'", i, blanked ? b.data : "(as is)",
				 cases[i].read);
		buf_release(&b);
	}
}

static void test_segmentation(void **state)
{
	static const struct {
		const char *in;
		const char *format;
		struct want_span spans[5];
	} cases[] = {
		{ "---\nparticipant: P1\ndate: 2026-01-02\ninterviewer: Ann\n---\n"
		  "Ann: Hello there.\nP1: First line\ncontinues here.\n\nAnn: Next?\n"
		  "Bob Smith: Different speaker.\n",
		  "transcript",
		  { { "Ann", 6, 1, "Hello there." },
		    { "P1", 7, 0, "First line\ncontinues here." },
		    { "Ann", 10, 1, "Next?" },
		    { "Bob Smith", 11, 0, "Different speaker." } } },
		{ "# Title\n\n**Dana:** How did you start?\n\n**P07**: A bootcamp.\n",
		  "transcript",
		  { { "Dana", 3, 0, "How did you start?" },
		    { "P07", 5, 0, "A bootcamp." } } },
		{ "Interviewer: Any pain?\nSpeaker 2: Pin, mostly.\nInterviewer: Why?\n",
		  "transcript",
		  { { "Interviewer", 1, 1, "Any pain?" },
		    { "Speaker 2", 2, 0, "Pin, mostly." },
		    { "Interviewer", 3, 1, "Why?" } } },
		{ "First paragraph\nstill first.\n\n\nSecond one.\n",
		  "account",
		  { { NULL, 1, 0, "First paragraph\nstill first." },
		    { NULL, 5, 0, "Second one." } } },
		/* one "speaker" only, or words that are not a name: an account */
		{ "Note: one thing.\n\nNote: another thing.\n",
		  "account",
		  { { NULL, 1, 0, "Note: one thing." },
		    { NULL, 3, 0, "Note: another thing." } } },
		{ "The first surprise: runtimes.\nThe second: crates.\n",
		  "account",
		  { { NULL, 1, 0, "The first surprise: runtimes.\nThe second: crates." } } },
		/* a time of day or a URL is not a turn */
		{ "At 10:30 we met.\nSee https://example.org: it helps.\n",
		  "account",
		  { { NULL, 1, 0, "At 10:30 we met.\nSee https://example.org: it helps." } } },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct doc d;
		struct err e = ERR_INIT;
		size_t n = 0;

		doc_init(&d, "f.txt", &opts);
		assert_int_equal(text_read(&d, cases[i].in, strlen(cases[i].in), &e), 0);
		assert_string_equal(d.format, cases[i].format);
		while (n < 5 && cases[i].spans[n].line)
			n++;
		if (d.nspans != n)
			fail_msg("case %zu: %zu passages, want %zu", i, d.nspans, n);
		for (size_t k = 0; k < n; k++) {
			const struct span *sp = &d.spans[k];
			const struct want_span *w = &cases[i].spans[k];

			if (w->speaker)
				assert_string_equal(sp->speaker, w->speaker);
			else
				assert_null(sp->speaker);
			assert_int_equal(sp->line, w->line);
			assert_int_equal(sp->interviewer, w->interviewer);
			assert_int_equal(sp->end - sp->start, strlen(w->text));
			assert_memory_equal(d.text.data + sp->start, w->text, strlen(w->text));
		}
		doc_release(&d);
	}
}

static void test_front_matter(void **state)
{
	static const char in[] =
		"---\nparticipant: \"P 9\"\nDate: 2026-03-04T10:00\n"
		"interviewer: [Ann, Bob Smith]\ncharacter: grace\nrole: SRE\nempty:\n"
		"# a comment\n---\nAnn: hi\nP 9: hello\n";
	struct doc d;
	struct err e = ERR_INIT;

	(void)state;
	doc_init(&d, "f.txt", &opts);
	assert_int_equal(text_read(&d, in, strlen(in), &e), 0);
	assert_string_equal(d.participant, "P 9");
	assert_string_equal(d.date, "2026-03-04T10:00");
	assert_int_equal(d.ninterviewers, 2);
	assert_string_equal(d.interviewers[1], "Bob Smith");
	assert_string_equal(d.character, "grace");
	assert_int_equal(d.character_line, 5);
	assert_int_equal(d.nattrs, 1);
	assert_string_equal(d.attrs[0].key, "role");
	assert_string_equal(d.attrs[0].value, "SRE");
	assert_int_equal(d.spans[0].interviewer, 1);
	assert_int_equal(d.spans[1].interviewer, 0);
	doc_release(&d);
}

static void test_front_matter_errors(void **state)
{
	static const struct {
		const char *in, *msg;
	} cases[] = {
		{ "---\nparticipant: x\n",
		  "f.txt:1: front matter opened with '---' is never closed" },
		{ "---\nparticipant: x\nnonsense\n---\ntext\n",
		  "f.txt:3: expected 'key: value' in front matter" },
		{ "---\ndate: 2026-13-01\n---\ntext\n",
		  "f.txt:2: date '2026-13-01' is not ISO 8601 (YYYY-MM-DD)" },
		{ "---\ndate: March 3rd\n---\ntext\n",
		  "f.txt:2: date 'March 3rd' is not ISO 8601 (YYYY-MM-DD)" },
		{ "---\n: x\n---\ntext\n", "f.txt:2: front matter key is empty" },
		{ "---\nparticipant: x\n---\n\n  \n", "f.txt: no text after the front matter" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct doc d;
		struct err e = ERR_INIT;

		doc_init(&d, "f.txt", &opts);
		assert_int_equal(text_read(&d, cases[i].in, strlen(cases[i].in), &e), E_DATA);
		assert_string_equal(e.msg, cases[i].msg);
		doc_release(&d);
	}
}

static void test_utf8(void **state)
{
	static const struct {
		const char *in;
		size_t len, bad, chars;
	} cases[] = {
		{ "plain", 5, 5, 5 },
		{ "caf\xc3\xa9", 5, 5, 4 },
		{ "\xf0\x9f\xa6\x80 crab", 9, 9, 6 },
		{ "ab\xff", 3, 2, 0 },
		{ "\xc0\xaf", 2, 0, 0 },              /* overlong '/' */
		{ "x\xed\xa0\x80", 4, 1, 0 },         /* a surrogate */
		{ "\xf4\x90\x80\x80", 4, 0, 0 },      /* past U+10FFFF */
		{ "ok\xe2\x82", 4, 2, 0 },            /* cut short */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		assert_int_equal(utf8_invalid_at(cases[i].in, cases[i].len), cases[i].bad);
		if (cases[i].bad == cases[i].len)
			assert_int_equal(utf8_chars(cases[i].in, cases[i].len), cases[i].chars);
	}
}

static void test_buf_cap(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 8);
	assert_int_equal(buf_adds(&b, "12345"), 0);
	assert_int_equal(buf_adds(&b, "6789"), -1);     /* would pass the cap */
	assert_string_equal(b.data, "12345");
	assert_int_equal(buf_addf(&b, "%d", 678), 0);
	assert_string_equal(b.data, "12345678");
	assert_int_equal(buf_addch(&b, '9'), -1);
	buf_release(&b);
	assert_string_equal(b.data, "");
}

/* a file of known size is read into a buffer of that size at once, a cap
 * it passes refuses it whole; buf_swap trades contents and caps */
static void test_buf_read_file(void **state)
{
	char path[] = "/tmp/papercut-buf-XXXXXX";
	int fd = mkstemp(path);
	struct buf a, b;
	char data[1000];

	(void)state;
	assert_true(fd >= 0);
	memset(data, 'x', sizeof(data));
	assert_int_equal(write(fd, data, sizeof(data)), (int)sizeof(data));
	close(fd);

	buf_init(&a, 0);
	assert_int_equal(buf_read_file(&a, path), 0);
	assert_int_equal(a.len, 1000);
	assert_int_equal(a.alloc, 1001);        /* not doubled past it: 1024 */
	assert_int_equal(a.data[1000], '\0');

	buf_init(&b, 999);
	assert_int_equal(buf_read_file(&b, path), -2);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");

	buf_swap(&a, &b);
	assert_int_equal(a.len, 0);
	assert_int_equal(a.max, 999);
	assert_int_equal(b.len, 1000);
	assert_int_equal(b.max, 0);
	buf_release(&a);
	buf_release(&b);
	unlink(path);
	assert_int_equal(buf_read_file(&a, path), -1);
}

/* A span's strings, short and longer than a block, kept until the doc goes. */
static void test_span_strings(void **state)
{
	struct doc d;
	char *big = malloc(10001);
	(void)state;

	memset(big, 'x', 10000);
	big[10000] = '\0';
	doc_init(&d, "t", &opts);
	for (size_t i = 0; i < 3; i++)
		assert_non_null(doc_add_text(&d, "text", 4, 1));
	span_set(&d, &d.spans[0].speaker, "Ann");
	span_set(&d, &d.spans[1].context, big);
	span_setn(&d, &d.spans[2].location, "row 2, column 3", 5);
	span_set(&d, &d.spans[2].url, NULL);
	for (size_t i = 0; i < 2000; i++)     /* blocks after blocks */
		span_set(&d, &d.spans[0].date, "2026-06-09");
	for (size_t i = 0; i < 5000; i++)     /* a block filled to its last byte */
		span_set(&d, &d.spans[1].speaker, "");
	assert_string_equal(d.spans[0].speaker, "Ann");
	assert_string_equal(d.spans[1].context, big);
	assert_string_equal(d.spans[2].location, "row 2");
	assert_null(d.spans[2].url);
	assert_string_equal(d.spans[0].date, "2026-06-09");
	assert_string_equal(d.spans[1].speaker, "");
	doc_release(&d);
	free(big);
}

/* Dates as sources write them; the ISO ones read without strptime must
 * read as strptime reads them (the same call with its format). */
static void test_dates(void **state)
{
	static const struct {
		const char *in, *want;  /* want NULL: not a date */
		const char *fmt;        /* strptime's reading of it, to compare */
	} cases[] = {
		{ "2024-09-26T12:00:00.000Z", "2024-09-26T12:00:00", "%Y-%m-%dT%H:%M:%S" },
		{ "2024-09-26T12:00:00", "2024-09-26T12:00:00", "%Y-%m-%dT%H:%M:%S" },
		{ " 2024-09-26T23:59:59+02:00", "2024-09-26T23:59:59", "%Y-%m-%dT%H:%M:%S" },
		{ "2024-02-30T10:00:00Z", "2024-02-30T10:00:00", "%Y-%m-%dT%H:%M:%S" },
		{ "2026-06-09", "2026-06-09", "%Y-%m-%d" },
		{ "1900-01-01", "1900-01-01", "%Y-%m-%d" },
		/* what the fast reading leaves to strptime */
		{ "2024-09-26T12:00:60Z", "2024-09-26T12:00:60", "%Y-%m-%dT%H:%M:%S" },
		{ "2024-9-6T1:02:03", "2024-09-06T01:02:03", "%Y-%m-%dT%H:%M:%S" },
		{ "2024-9-26", "2024-09-26", "%Y-%m-%d" },
		{ "2026-06-09 14:30", "2026-06-09T14:30:00", NULL },
		{ "1850-01-01T00:00:00", NULL, NULL },
		{ "2024-13-01T00:00:00", NULL, NULL },
		{ "2024-09-26T24:00:00", NULL, NULL },
		{ "2024-09-26Tnoon", NULL, NULL },
		{ "2024-09-26x", NULL, NULL },
		{ "2024-09-26T12:00:00abc", NULL, NULL },
		{ "Fri Feb 20 09:10:58 +0000 2026", "2026-02-20T09:10:58", NULL },
		{ "8/31/2023 19:08:16", "2023-08-31T19:08:16", NULL },
	};
	char out0[DATE_MAX];
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char out[DATE_MAX], ref[DATE_MAX];
		int rc = date_normalize(cases[i].in, NULL, out);

		if (!cases[i].want) {
			assert_int_equal(rc, -1);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_string_equal(out, cases[i].want);
		if (cases[i].fmt) {
			assert_int_equal(date_normalize(cases[i].in, cases[i].fmt, ref), 0);
			assert_string_equal(out, ref);
		}
	}
	/* a format given (a survey's mapping) is the only one tried */
	assert_int_equal(date_normalize("2024-09-26", "%d.%m.%Y", out0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_segmentation),
		cmocka_unit_test(test_mask_code),
		cmocka_unit_test(test_front_matter),
		cmocka_unit_test(test_front_matter_errors),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_span_strings),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_buf_cap),
		cmocka_unit_test(test_buf_read_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
