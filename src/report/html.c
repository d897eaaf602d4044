/* html.c - writing a page: markup as is, text escaped (see html.h). */
#include "report/html.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "util/parse.h"

void page_raw(struct page *p, const char *markup)
{
	fputs(markup, p->f);
}

void page_printf(struct page *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(p->f, fmt, ap);
	va_end(ap);
}

/* The length of the UTF-8 sequence at s (n bytes left), or 0 when it is
 * not one: a stray continuation byte, a truncated or overlong sequence, a
 * surrogate, or beyond U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/* Is the UTF-8 character at s (whole: utf8_len said so) a control
 * character other than tab and newline?  Controls as the Infra standard (https://infra.spec.whatwg.org/
 * #control) counts them: C0, DEL, and C1 (U+0080..U+009F, 0xc2 0x80..0x9f),
 * each a parse error in HTML text and invisible or worse in a copy. */
static bool is_control(const unsigned char *s)
{
	if (s[0] == '\t' || s[0] == '\n')
		return false;
	return s[0] < 0x20 || s[0] == 0x7f || (s[0] == 0xc2 && s[1] < 0xa0);
}

void page_textn(struct page *p, const char *text, size_t n)
{
	const unsigned char *s = (const unsigned char *)text;

	while (n > 0) {
		size_t len = utf8_len(s, n);

		switch (len ? *s : 0) {
		case '&': fputs("&amp;", p->f); break;
		case '<': fputs("&lt;", p->f); break;
		case '>': fputs("&gt;", p->f); break;
		case '"': fputs("&quot;", p->f); break;
		case '\'': fputs("&#39;", p->f); break;
		default:
			/* Not UTF-8, or a control character (tab and newline
			 * are text): the replacement character. */
			if (len == 0 || is_control(s))
				fputs("\xef\xbf\xbd", p->f);
			else
				fwrite(s, 1, len, p->f);
		}
		len = len ? len : 1;
		s += len;
		n -= len;
	}
}

void page_text(struct page *p, const char *text)
{
	page_textn(p, text, strlen(text));
}

void page_duration(struct page *p, long long us)
{
	char buf[32];

	format_duration(us, buf, sizeof buf);
	page_text(p, buf);
}
