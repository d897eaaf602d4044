/* text_settings.c - the advice's settings for --for's software
 * (tcp/swsettings.h), human and JSON: the lines to paste, indented under
 * each software's name, or as a JSON array of strings each. */
#include <stdio.h>
#include <string.h>

#include "emit/textpriv.h"

/* Each line of lines, after pre. */
static void indent_lines(struct text *tx, const char *pre, const char *lines)
{
	for (const char *p = lines; *p; ) {
		size_t n = strcspn(p, "\n");

		ob_str(&tx->ob, pre);
		ob_mem(&tx->ob, p, n);
		ob_char(&tx->ob, '\n');
		p += n + (p[n] == '\n');
	}
}

/* --for's software, each's settings under its name. */
void software_human(struct text *tx, const struct ev_advice *a)
{
	size_t n;
	const struct sw_setting *t = sw_table(&n);
	struct sw_values v;
	char buf[1024];

	advice_values(a, &v);
	for (size_t i = 0; i < n; i++) {
		if (!(a->sw & 1u << i))
			continue;
		sw_render(&t[i], &v, buf, sizeof buf);
		ob_str(&tx->ob, "  for ");
		ob_str(&tx->ob, t[i].name);
		ob_str(&tx->ob, " (");
		ob_str(&tx->ob, t[i].what);
		ob_str(&tx->ob, t[i].kind == SW_HEARTBEAT ? ", a heartbeat: data):\n"
		       : ", TCP keep-alive):\n");
		indent_lines(tx, "    ", buf);
	}
}

/* --for's software in JSON: "settings", one object each. */
void software_json(struct text *tx, const struct ev_advice *a)
{
	size_t n;
	const struct sw_setting *t = sw_table(&n);
	struct sw_values v;
	char buf[1024];
	bool first = true;

	advice_values(a, &v);
	ob_str(&tx->ob, ",\"settings\":[");
	for (size_t i = 0; i < n; i++) {
		bool helps;

		if (!(a->sw & 1u << i))
			continue;
		helps = sw_render(&t[i], &v, buf, sizeof buf);
		ob_str(&tx->ob, first ? "{\"for\":\"" : ",{\"for\":\"");
		first = false;
		ob_str(&tx->ob, t[i].name);
		ob_str(&tx->ob, t[i].kind == SW_HEARTBEAT ? "\",\"kind\":\"heartbeat\""
		       : "\",\"kind\":\"keepalive\"");
		json_bool(tx, KEY("helps"), helps);
		ob_str(&tx->ob, ",\"lines\":[");
		for (const char *p = buf; *p; ) {
			size_t k = strcspn(p, "\n");
			char line[512];

			snprintf(line, sizeof line, "%.*s", (int)(k < sizeof line ? k : sizeof line - 1),
				 p);
			if (p != buf)
				ob_char(&tx->ob, ',');
			ob_json_str(&tx->ob, line);
			p += k + (p[k] == '\n');
		}
		ob_str(&tx->ob, "]}");
	}
	ob_char(&tx->ob, ']');
}
