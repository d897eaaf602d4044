/* html.h - writing an HTML page: markup kaprobe wrote, and text from
 * anywhere else (the network, a capture, the command line) escaped.
 *
 * Everything that did not come from a string literal in kaprobe goes
 * through page_text: an interface name, a flow's name, a capture's
 * comment, the command line.  It escapes the five characters that mean
 * something in HTML text and in quoted attributes (& < > " '), and
 * replaces with U+FFFD each control character (C0 but tab and newline,
 * DEL, C1) and each byte that is not part of a UTF-8 character, so that
 * nothing read can open an element, close an attribute or break the
 * page's encoding.
 *
 * Write errors are not checked on each call: the FILE's error flag keeps
 * them, and whoever closes the page checks it once (report.c). */
#ifndef KAPROBE_HTML_H
#define KAPROBE_HTML_H

#include <stddef.h>
#include <stdio.h>

struct page {
	FILE *f;
};

/* Markup kaprobe wrote (a literal): written as is. */
void page_raw(struct page *p, const char *markup);
/* Markup with numbers in it.  Never pass text from outside with %s: use
 * page_text for that. */
void page_printf(struct page *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Text, escaped: for element content and for attribute values in quotes. */
void page_text(struct page *p, const char *text);
/* The same for n bytes that need not end with a NUL. */
void page_textn(struct page *p, const char *text, size_t n);
/* A duration (microseconds) as format_duration writes it: "1m30s". */
void page_duration(struct page *p, long long us);

#endif
