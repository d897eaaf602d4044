/* test_svg.c - the SVG elements of the report's charts: text escaped,
 * numbers with one decimal, and an axis whose ticks, labels and grid
 * match axis_ticks. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/svg.h"
#include "unit.h"

struct out {
	char *buf;
	size_t len;
	struct page p;
};

static void out_open(struct out *o)
{
	*o = (struct out){ 0 };
	o->p.f = open_memstream(&o->buf, &o->len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o->p.f);
}

/* The text written; the caller frees it. */
static char *out_close(struct out *o)
{
	CU_ASSERT_FATAL(fclose(o->p.f) == 0);
	return o->buf;
}

static unsigned count(const char *s, const char *what)
{
	unsigned n = 0;

	for (const char *p = s; (p = strstr(p, what)) != NULL; p += strlen(what))
		n++;
	return n;
}

static void check_equal(char *got, const char *want)
{
	CU_ASSERT_STRING_EQUAL(got, want);
	if (strcmp(got, want) != 0)
		fprintf(stderr, "\n  wrote '%s'\n  want  '%s'\n", got, want);
	free(got);
}

/* Text from outside (a flow's name in a label, a tooltip) stays text. */
static void test_escaped(void)
{
	struct out o;

	out_open(&o);
	svg_text(&o.p, 1, 2.26, "middle", "name", "<script>alert(1)</script>");
	svg_title(&o.p, "a \"b\" & <c>");
	check_equal(out_close(&o),
		    "<text x=\"1.0\" y=\"2.3\" text-anchor=\"middle\" class=\"name\">"
		    "&lt;script&gt;alert(1)&lt;/script&gt;</text>"
		    "<title>a &quot;b&quot; &amp; &lt;c&gt;</title>");

	out_open(&o);
	svg_begin(&o.p, "idle\"x", 1000, 240, "idle of eth0\"><img src=x>");
	svg_end(&o.p);
	check_equal(out_close(&o),
		    "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"idle&quot;x\" "
		    "viewBox=\"0 0 1000 240\" role=\"img\" "
		    "aria-label=\"idle of eth0&quot;&gt;&lt;img src=x&gt;\">\n</svg>\n");

	out_open(&o);
	svg_begin(&o.p, NULL, 10, 20, "x");
	char *got = out_close(&o);
	CU_ASSERT_PTR_NULL(strstr(got, " id="));
	free(got);
}

/* One decimal; no class attribute for NULL; nothing a browser would
 * reject (NaN, a negative width). */
static void test_numbers(void)
{
	struct out o;

	out_open(&o);
	svg_line(&o.p, 1.26, 2, 3.04, -4.5, "grid");
	svg_rect(&o.p, 0.06, 10, 33.333, 7, NULL);
	svg_rect(&o.p, 5, 5, -3, NAN, "bar");
	svg_line(&o.p, INFINITY, NAN, 1, 1, NULL);
	check_equal(out_close(&o),
		    "<line x1=\"1.3\" y1=\"2.0\" x2=\"3.0\" y2=\"-4.5\" class=\"grid\"/>"
		    "<rect x=\"0.1\" y=\"10.0\" width=\"33.3\" height=\"7.0\"/>"
		    "<rect x=\"5.0\" y=\"5.0\" width=\"0.0\" height=\"0.0\" class=\"bar\"/>"
		    "<line x1=\"0.0\" y1=\"0.0\" x2=\"1.0\" y2=\"1.0\"/>");
}

/* The n-th "<text x=..." in s: its x and its anchor. */
static void nth_text(const char *s, unsigned n, double *x, char *anchor)
{
	const char *p = s;

	for (unsigned i = 0; i <= n && p; i++)
		if ((p = strstr(p, "<text ")) != NULL && i < n)
			p++;
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_FATAL(sscanf(p, "<text x=\"%lf\" y=\"%*f\" text-anchor=\"%7[a-z]\"",
			       x, anchor) == 2);
}

/* The axis draws what axis_ticks gives: a group per tick with its label,
 * one grid line each, and the labels at the ends kept inside. */
static void test_axis(void)
{
	struct axis a;
	struct tick t[64];
	struct out o;

	axis_log(&a, 0.1, 7440, 40, 1040);
	unsigned want = axis_ticks(&a, 80, t, 64);
	out_open(&o);
	unsigned n = svg_axis(&o.p, &a, 200, 20, 80);
	char *s = out_close(&o);

	CU_ASSERT_EQUAL(n, want);
	CU_ASSERT(n >= 2);
	CU_ASSERT_EQUAL(strncmp(s, "<g class=\"axis\">", 16), 0);
	CU_ASSERT_EQUAL(count(s, "<g "), count(s, "</g>"));
	CU_ASSERT_EQUAL(count(s, "<g class=\"tick\">"), n);
	CU_ASSERT_EQUAL(count(s, "class=\"grid\""), n);
	CU_ASSERT_EQUAL(count(s, "class=\"axisline\""), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "<line x1=\"40.0\" y1=\"200.0\" x2=\"1040.0\" "
					 "y2=\"200.0\" class=\"axisline\"/>"));
	CU_ASSERT_EQUAL(count(s, "y=\"216.0\""), n);
	for (unsigned i = 0; i < n; i++) {
		char label[32];
		snprintf(label, sizeof label, ">%s</text>", t[i].label);
		CU_ASSERT_EQUAL(count(s, label), 1);
	}
	/* 100ms sits on the left end: its label starts there rather than
	 * being centred half outside. */
	double x;
	char anchor[8];
	nth_text(s, 0, &x, anchor);
	CU_ASSERT_DOUBLE_EQUAL(x, 40, 0.05);
	CU_ASSERT_STRING_EQUAL(anchor, "start");
	nth_text(s, 1, &x, anchor);
	CU_ASSERT_STRING_EQUAL(anchor, "middle");
	free(s);

	/* A tick on the right end ends there. */
	axis_linear(&a, 0, 60, 0, 600);
	out_open(&o);
	n = svg_axis(&o.p, &a, 100, 100, 60);
	s = out_close(&o);
	CU_ASSERT(n >= 2);
	nth_text(s, n - 1, &x, anchor);
	CU_ASSERT_DOUBLE_EQUAL(x, 600, 0.05);
	CU_ASSERT_STRING_EQUAL(anchor, "end");
	/* No room above the baseline: no grid. */
	CU_ASSERT_EQUAL(count(s, "class=\"grid\""), 0);
	free(s);
}

void suite_svg(void)
{
	UNIT_SUITE("svg",
		   UNIT_TEST(test_escaped),
		   UNIT_TEST(test_numbers),
		   UNIT_TEST(test_axis));
}
