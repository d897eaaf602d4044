/* test_html.c - text from outside (the network, a capture, the command
 * line) written into a report page: nothing in it can open an element,
 * close an attribute or break the page's UTF-8. */
#include <stdlib.h>
#include <string.h>

#include "report/html.h"
#include "unit.h"

#define FFFD "\xef\xbf\xbd"

/* n bytes of text (which may hold NULs) through page_textn, as the page
 * would hold them; the caller frees. */
static char *escape(const char *text, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	struct page p = { open_memstream(&buf, &len) };

	CU_ASSERT_PTR_NOT_NULL_FATAL(p.f);
	page_textn(&p, text, n);
	CU_ASSERT_FATAL(fclose(p.f) == 0);
	return buf;
}

static void check(const char *text, size_t n, const char *want)
{
	char *got = escape(text, n);

	CU_ASSERT_STRING_EQUAL(got, want);
	if (strcmp(got, want) != 0)
		fprintf(stderr, "\n  escaped '%s', want '%s'\n", got, want);
	free(got);
}

#define CHECK(lit, want) check(lit, sizeof lit - 1, want)

/* Markup in a flow's name, a capture's comment or an interface's name
 * stays text, in element content and in quoted attributes alike. */
static void test_markup(void)
{
	CHECK("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
	CHECK("ka \"probe\" & 'tcpdump' <-w>",
	      "ka &quot;probe&quot; &amp; &#39;tcpdump&#39; &lt;-w&gt;");
	CHECK("eth0\"><img src=x>", "eth0&quot;&gt;&lt;img src=x&gt;");
	CHECK("x' onmouseover='alert(1)", "x&#39; onmouseover=&#39;alert(1)");
	/* An entity in the input is shown, not decoded. */
	CHECK("&lt;", "&amp;lt;");
	CHECK("", "");
}

/* Control characters would be invisible or break a terminal copying
 * them; tab and newline are ordinary text. */
static void test_controls(void)
{
	CHECK("a\x01" "b\x1b[31mc\x7f" "d", "a" FFFD "b" FFFD "[31mc" FFFD "d");
	CHECK("a\tb\nc", "a\tb\nc");
	CHECK("a\rb", "a" FFFD "b");
	/* A NUL inside counted bytes does not end the text. */
	CHECK("a\0b", "a" FFFD "b");
	/* C1 controls (U+0080..U+009F, here CSI U+009B) are control
	 * characters too, and a parse error in HTML. */
	CHECK("a\xc2\x9b" "b\xc2\x80", "a" FFFD "b" FFFD);
	/* U+00A0 is the first character after them. */
	CHECK("\xc2\xa0", "\xc2\xa0");
}

/* Bytes that are not UTF-8 become one U+FFFD each, and the text after
 * them is kept. */
static void test_invalid_utf8(void)
{
	CHECK("a\x80" "b", "a" FFFD "b");                        /* lone continuation */
	CHECK("a\xe2\x82", "a" FFFD FFFD);                       /* truncated at the end */
	CHECK("\xe2\x82" "b", FFFD FFFD "b");                    /* truncated before text */
	CHECK("\xc0\xaf", FFFD FFFD);                            /* overlong '/' */
	CHECK("\xe0\x80\xaf", FFFD FFFD FFFD);                   /* overlong, 3 bytes */
	CHECK("\xf0\x80\x80\xaf", FFFD FFFD FFFD FFFD);          /* overlong, 4 bytes */
	CHECK("\xed\xa0\x80", FFFD FFFD FFFD);                   /* surrogate U+D800 */
	CHECK("\xed\xbf\xbf", FFFD FFFD FFFD);                   /* surrogate U+DFFF */
	CHECK("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD);          /* U+110000 */
	CHECK("\xf8\x88\x80\x80\x80", FFFD FFFD FFFD FFFD FFFD); /* 5-byte form */
	CHECK("\xff\xfe", FFFD FFFD);
	/* An escaped character right after a bad byte is still escaped. */
	CHECK("\xe2<", FFFD "&lt;");
}

static void test_valid_utf8(void)
{
	CHECK("caf\xc3\xa9", "caf\xc3\xa9");               /* é */
	CHECK("\xe4\xb8\xad", "\xe4\xb8\xad");             /* 中 */
	CHECK("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");     /* 😀 */
	CHECK("\xed\x9f\xbf", "\xed\x9f\xbf");             /* U+D7FF, below the surrogates */
	CHECK("\xee\x80\x80", "\xee\x80\x80");             /* U+E000, above them */
	CHECK("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf");     /* U+10FFFF, the last */
	CHECK("\xc3\xa9<\xe4\xb8\xad>", "\xc3\xa9&lt;\xe4\xb8\xad&gt;");
}

/* page_text stops at the NUL; page_raw and page_printf write markup as
 * is; page_duration prints as the rest of kaprobe does. */
static void test_page(void)
{
	char *buf = NULL;
	size_t len = 0;
	struct page p = { open_memstream(&buf, &len) };

	CU_ASSERT_PTR_NOT_NULL_FATAL(p.f);
	page_raw(&p, "<td>");
	page_text(&p, "a<b");
	page_printf(&p, "</td><td>%d", 42);
	page_raw(&p, " ");
	page_duration(&p, 7440000000LL);
	page_raw(&p, " ");
	page_duration(&p, 100000);
	CU_ASSERT_FATAL(fclose(p.f) == 0);
	CU_ASSERT_STRING_EQUAL(buf, "<td>a&lt;b</td><td>42 2h4m 100ms");
	free(buf);
}

void suite_html(void)
{
	UNIT_SUITE("html",
		   UNIT_TEST(test_markup),
		   UNIT_TEST(test_controls),
		   UNIT_TEST(test_invalid_utf8),
		   UNIT_TEST(test_valid_utf8),
		   UNIT_TEST(test_page));
}
