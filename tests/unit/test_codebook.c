/* The rule engine and the codebook loader: tables of inputs and what
 * must come out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../core/buf.h"
#include "../../core/codebook.h"
#include "../../core/wordlist.h"

static char *write_codebook(const char *name, const char *ini)
{
	char *dir = strdup("/tmp/papercut-unit-XXXXXX");
	struct buf path = BUF_INIT;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	buf_addf(&path, "%s/%s", dir, name);
	f = fopen(path.data, "w");
	assert_non_null(f);
	fputs(ini, f);
	fclose(f);
	buf_release(&path);
	return dir;
}

static void remove_codebook(char *dir, const char *name)
{
	struct buf path = BUF_INIT;

	buf_addf(&path, "%s/%s", dir, name);
	unlink(path.data);
	rmdir(dir);
	buf_release(&path);
	free(dir);
}

static const char engine_ini[] =
	"[pin]\n"
	"kind = papercut\n"
	"theme = compiling\n"
	"label = Pin and Unpin\n"
	"pattern = (?-i:\\bPin<|\\bUnpin\\b)|\\bBox::pin\\b\n"
	"pattern = \\bpinning\\b[^.]{0,30}\\bfutures?\\b\n"
	"exclude = \\bpin(?:ned|ning)? (?:the )?versions?\\b\n"
	"[hang]\n"
	"kind = papercut\n"
	"theme = debugging\n"
	"label = Hangs\n"
	"pattern = \\b(?:request|task)s? (?:just )?hangs?\\b\n"
	"exclude = \\bhang(?:ing)? out\\b\n"
	"[grace]\n"
	"kind = character\n"
	"label = Grace\n"
	"pattern = \\bC\\+\\+|\\bgdb\\b\n"
	/* a branch reset, which Hyperscan cannot take: PCRE2 alone runs it,
	 * always */
	"[waker]\n"
	"kind = papercut\n"
	"theme = runtime\n"
	"label = Wakers\n"
	"pattern = \\b(?|wakers?|wake-ups?)\\b\n";

static void test_match_table(void **state)
{
	static const struct {
		const char *text;
		const char *codes;      /* matched codes, in codebook order */
		size_t start, end;      /* span of the first match */
		const char *rule;       /* where the first match's rule is */
	} cases[] = {
		{ "poll takes self: Pin<&mut Self>", "pin", 17, 21, "t.ini:5" },
		{ "enter your pin number", "", 0, 0, NULL },
		{ "PIN< is not the type", "", 0, 0, NULL },
		/* "wasn't Unpin" is negated: the next hit counts (the bundled
		 * codebook's pin counts negated hits: negation = count) */
		{ "The future wasn't Unpin, so Box::pin it", "pin", 28, 36, "t.ini:5" },
		/* the earliest match wins, whichever rule it comes from */
		{ "pinning the futures, then Box::pin", "pin", 0, 19, "t.ini:6" },
		/* an exclude anywhere in the passage vetoes the code */
		{ "we are pinning the version of futures", "", 0, 0, NULL },
		{ "the request just hangs", "hang", 4, 22, "t.ini:12" },
		{ "we hang out while the task hangs", "", 0, 0, NULL },
		{ "TASKS HANG in gdb", "hang,grace", 0, 10, "t.ini:12" },
		{ "Ünïcode task hangs", "hang", 10, 20, "t.ini:12" },
		{ "", "", 0, 0, NULL },
		{ "the waker never woke", "waker", 4, 9, "t.ini:22" },
		{ "gdb showed a waker", "grace,waker", 0, 3, "t.ini:17" },
	};
	char *dir = write_codebook("t.ini", engine_ini);
	struct codebook cb;
	struct matcher m;
	struct match out[8];
	struct err e = ERR_INIT;

	(void)state;
	codebook_init(&cb);
	assert_int_equal(codebook_load(&cb, dir, &e), 0);
	assert_int_equal(cb.n, 4);
	assert_true(cb.codes[3].rules[0].hs_id < 0);    /* outside the prefilter */
	assert_true(cb.codes[0].rules[0].hs_id >= 0);
	matcher_init(&m, &cb);
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		size_t n = codebook_match(&cb, &m, cases[i].text, strlen(cases[i].text), out);
		struct buf got = BUF_INIT;

		for (size_t k = 0; k < n; k++)
			buf_addf(&got, "%s%s", k ? "," : "", cb.codes[out[k].code].id);
		if (strcmp(got.data, cases[i].codes))
			fail_msg("'%s': got codes '%s', want '%s'", cases[i].text, got.data,
				 cases[i].codes);
		if (n) {
			assert_int_equal(out[0].start, cases[i].start);
			assert_int_equal(out[0].end, cases[i].end);
			assert_string_equal(out[0].rule->where, cases[i].rule);
		}
		buf_release(&got);
	}
	matcher_release(&m);
	codebook_release(&cb);
	remove_codebook(dir, "t.ini");
}

static const char language_ini[] =
	"[list stuck]\n"
	"words = hang, stick, sit there, never {finish}\n"
	"inflect = yes\n"
	"[list finish]\n"
	"words = finish, complete\n"
	"inflect = yes\n"
	"[list unit]\n"
	"words = task, request, future\n"
	"inflect = yes\n"
	"[list checker]\n"
	"words = borrow checker, raw waker\n"
	"[hang]\n"
	"kind = papercut\n"
	"theme = debugging\n"
	"label = Hangs\n"
	"near = {stuck} | {unit}, 3\n"
	"unless = \\bhang(?:ing)? out\\b\n"
	"[drop]\n"
	"kind = papercut\n"
	"theme = runtime\n"
	"label = Async drop\n"
	"negation = count\n"
	"pattern = \\basync drop\\b|\\b{cannot} await\\b\n"
	"[list cannot]\n"
	"words = can't, no way to\n"
	"[borrow]\n"
	"kind = papercut\n"
	"theme = compiling\n"
	"label = Borrowing\n"
	"pattern = \\b{checker}\n"
	"requires = \\b(?:async|await|future)\n";

/* Lists, inflections, near, unless and requires, each through the
 * prefilter and through PCRE2 alone: the same codes and spans. */
static void test_language_table(void **state)
{
	static const struct {
		const char *text;
		const char *codes;
		size_t start, end;
	} cases[] = {
		{ "the request hung", "hang", 4, 16 },
		{ "our futures never completed", "hang", 4, 27 },
		{ "a task got stuck: it just sat there", "hang", 2, 16 },
		/* either order, at most 3 words between */
		{ "it hangs, the whole big request", "hang", 3, 31 },
		{ "it hangs, and then the whole big request", "", 0, 0 },
		{ "tasks hang; we hang out later", "", 0, 0 },
		{ "a hanger for the future", "hang", 2, 23 },  /* forms too many */
		{ "the borrow-checker rejects my async fn", "borrow", 4, 18 },
		{ "BorrowChecker and RawWaker in async code", "borrow", 0, 13 },
		{ "the borrow_checker is fine in sync code", "", 0, 0 },
		/* negated hits are skipped, the next one counts; not where the
		 * code says negation = count */
		{ "no hanging request here", "", 0, 0 },
		{ "it didn't hang, then the request hung", "hang", 25, 37 },
		{ "there is no async drop", "drop", 12, 22 },
		{ "we can\u2019t await in Drop", "drop", 3, 16 },
		{ "is there a request that hangs?", "", 0, 0 },
	};
	char *dir = write_codebook("l.ini", language_ini);
	struct codebook cb;
	struct err e = ERR_INIT;

	(void)state;
	codebook_init(&cb);
	if (codebook_load(&cb, dir, &e))
		fail_msg("%s", e.msg);
	for (int plain = 0; plain < 2; plain++) {
		struct matcher m;
		struct match out[4];

		matcher_init(&m, &cb);
		m.plain = plain;
		for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
			size_t n = codebook_match(&cb, &m, cases[i].text, strlen(cases[i].text), out);
			struct buf got = BUF_INIT;

			for (size_t k = 0; k < n; k++)
				buf_addf(&got, "%s%s", k ? "," : "", cb.codes[out[k].code].id);
			if (strcmp(got.data, cases[i].codes))
				fail_msg("'%s' (plain %d): got '%s', want '%s'", cases[i].text, plain,
					 got.data, cases[i].codes);
			if (n && (out[0].start != cases[i].start || out[0].end != cases[i].end))
				fail_msg("'%s' (plain %d): span %zu-%zu, want %zu-%zu", cases[i].text,
					 plain, out[0].start, out[0].end, cases[i].start, cases[i].end);
			buf_release(&got);
		}
		matcher_release(&m);
	}
	assert_true(cb.codes[0].rules[0].near);
	assert_string_equal(cb.codes[0].rules[0].written, "{stuck} | {unit}, 3");
	assert_true(cb.codes[1].count_negated && !cb.codes[0].count_negated);
	codebook_release(&cb);
	remove_codebook(dir, "l.ini");
}

static void test_negation_questions(void **state)
{
	static const struct {
		const char *text, *hit;    /* the hit: its first occurrence */
		int negated, question;
	} cases[] = {
		{ "there is no deadlock here", "deadlock", 1, 0 },
		{ "it is not really slow", "slow", 1, 0 },
		{ "the task isn't stuck", "stuck", 1, 0 },
		{ "I can't find why the task is stuck", "stuck", 0, 0 },  /* can't: a complaint */
		{ "not great, the task hangs", "hangs", 0, 0 },           /* another clause */
		{ "never, ever, a deadlock", "deadlock", 0, 0 },
		{ "no `Pin` needed", "Pin", 1, 0 },
		{ "Is there a deadlock? I think so.", "deadlock", 0, 1 },
		{ "Why does the request hang?", "hang", 0, 0 },           /* asks why: a complaint */
		{ "does this hang for you? yes.", "hang", 0, 1 },
		{ "It hangs. Is that expected", "hangs", 0, 0 },
		{ "deadlock", "deadlock", 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const char *t = cases[i].text, *h = strstr(t, cases[i].hit);
		size_t s = (size_t)(h - t), e = s + strlen(cases[i].hit);

		if (hit_negated(t, s) != cases[i].negated)
			fail_msg("'%s': negated %d, want %d", t, !cases[i].negated, cases[i].negated);
		if (hit_in_question(t, strlen(t), s, e) != cases[i].question)
			fail_msg("'%s': question %d, want %d", t, !cases[i].question,
				 cases[i].question);
	}
}

static void test_inflect(void **state)
{
	static const struct {
		const char *word, *forms;
	} cases[] = {
		{ "hang", "hang|hung|hangs|hanged|hanging|hanger|hangest|hangly" },
		{ "stop", "stop|stops|stopped|stopping|stoped|stoping|stopper|stoply" },
		{ "retry", "retry|retries|retried|retrying|retrier|retriest|retrily" },
		{ "use", "use|uses|used|using|user|usest|usely" },
		{ "simple", "simple|simples|simpled|simpling|simpler|simplest|simply" },
		{ "crash", "crash|crashes|crashed|crashing|crasher|crashest|crashly" },
		{ "slow", "slow|slows|slowed|slowing|slower|slowest|slowly" },
		{ "Pin", "Pin" },           /* a capital: a name, left alone */
		{ "io_uring", "io_uring" },
		{ "a", "a" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct buf b = BUF_INIT;

		inflect_forms(cases[i].word, &b);
		if (strcmp(b.data, cases[i].forms))
			fail_msg("%s: got '%s', want '%s'", cases[i].word, b.data, cases[i].forms);
		buf_release(&b);
	}
}

static void test_codebook_problems(void **state)
{
	static const struct {
		const char *ini;
		const char *problem;    /* the first problem, exactly */
		size_t count;
	} cases[] = {
		{ "[a]\nkind = papercut\ntheme = t\nlabel = A\npattern = foo(\n",
		  "c.ini:5: bad pattern at offset 4: missing closing parenthesis", 1 },
		{ "[a]\nkind = papercut\ntheme = t\nlabel = A\npattern = x\ncolour = red\n",
		  "c.ini:6: unknown key 'colour' in [a] (known: kind, label, theme, description, pattern, near, exclude, unless, requires, negation, questions, attribute, example, counter)", 1 },
		{ "[a]\nkind = character\nlabel = A\npattern = x\n[a]\nkind = character\nlabel = B\npattern = y\n",
		  "c.ini:5: duplicate code id 'a' (first at c.ini:1)", 1 },
		{ "[a]\nkind = papercut\ntheme = t\nlabel = A\npattern = \\bhang\\b\nexample = the task hangs\n",
		  "c.ini:6: example is not tagged 'a': \"the task hangs\"", 1 },
		{ "[a]\nkind = papercut\ntheme = t\nlabel = A\npattern = \\bhang\nexample = hang\ncounter = hang out\n",
		  "c.ini:7: counter is tagged 'a' by the rule at c.ini:5: \"hang out\"", 1 },
		{ "[a]\nkind = papercut\nlabel = A\npattern = x\n",
		  "c.ini:1: papercut [a] has no 'theme'", 1 },
		{ "[a]\nkind = persona\nlabel = A\npattern = x\n",
		  "c.ini:2: kind 'persona' is neither 'papercut' nor 'character'", 2 },
		{ "[a]\nkind = character\nlabel = A\npattern = a*\n",
		  "c.ini:4: pattern matches empty text, so it would tag every passage", 1 },
		/* empty at a word's edge only, not in the empty text */
		{ "[a]\nkind = character\nlabel = A\npattern = \\b|x\n",
		  "c.ini:4: pattern matches empty text, so it would tag every passage", 1 },
		{ "[a]\nkind = character\nlabel = A\npattern = a\\Cb\n",
		  "c.ini:4: bad pattern at offset 3: \\C (one byte) could end a match inside"
		  " a character: not allowed", 1 },
		{ "[Bad Id]\nkind = character\nlabel = A\npattern = x\n",
		  "c.ini:1: code id 'Bad Id' may hold only a-z, 0-9, '-' and '_'", 1 },
		{ "kind = character\n",
		  "c.ini:1: 'kind' stands before any [code-id] section", 1 },
		{ "[a]\nkind = character\nlabel = A\npattern = x\nthis line has no equals sign\n",
		  "c.ini:5: expected '[code-id]' or 'key = value'", 1 },
		{ "[a]\nkind = character\nlabel = A\npattern = {nope}\n",
		  "c.ini:4: unknown list 'nope' (a [list nope] section gives it)", 1 },
		{ "[list x]\nwords = a, {y}\n[list y]\nwords = {x}\n",
		  "c.ini:1: list 'x' names itself through its words (a cycle)", 2 },
		{ "[a]\nkind = character\nlabel = A\nnear = a | b, 51\n",
		  "c.ini:4: near's distance is a whole number of words from 0 to 50", 2 },
		{ "[a]\nkind = character\nlabel = A\nnear = a b, 5\n",
		  "c.ini:4: near takes 'A | B, N' (two patterns and a distance in words)", 2 },
		{ "[list x]\nwords = a\ncolour = red\n",
		  "c.ini:3: unknown key 'colour' in [list x] (known: words, inflect)", 1 },
		{ "[list x]\nwords = a\ninflect = maybe\n",
		  "c.ini:3: inflect takes yes or no, not 'maybe'", 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *dir = write_codebook("c.ini", cases[i].ini);
		struct codebook cb;
		struct err e = ERR_INIT;

		codebook_init(&cb);
		assert_int_equal(codebook_load(&cb, dir, &e), E_DATA);
		if (cb.nproblems == 0 || strcmp(cb.problems[0], cases[i].problem))
			fail_msg("case %zu: first problem '%s', want '%s'", i,
				 cb.nproblems ? cb.problems[0] : "(none)", cases[i].problem);
		assert_int_equal(cb.nproblems, cases[i].count);
		codebook_release(&cb);
		remove_codebook(dir, "c.ini");
	}
}

static void test_long_line(void **state)
{
	struct buf ini = BUF_INIT;
	struct codebook cb;
	struct err e = ERR_INIT;
	char *dir;

	(void)state;
	buf_adds(&ini, "[a]\nkind = character\nlabel = A\npattern = ");
	for (int i = 0; i < 40; i++)
		buf_adds(&ini, "abcde|");
	buf_adds(&ini, "z\n");
	dir = write_codebook("c.ini", ini.data);
	codebook_init(&cb);
	assert_int_equal(codebook_load(&cb, dir, &e), E_DATA);
	assert_string_equal(cb.problems[0], "c.ini:4: line longer than 198 characters"
			    " (split a long pattern into several 'pattern =' lines)");
	codebook_release(&cb);
	remove_codebook(dir, "c.ini");
	buf_release(&ini);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_table),
		cmocka_unit_test(test_language_table),
		cmocka_unit_test(test_inflect),
		cmocka_unit_test(test_negation_questions),
		cmocka_unit_test(test_codebook_problems),
		cmocka_unit_test(test_long_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
