#!/usr/bin/python3
"""htmlcheck.py - checks of kaprobe's HTML reports, for tests/lib/report.sh.

    htmlcheck.py self-contained FILE...
        exit 0 if no FILE loads anything from outside itself, else one line
        per offender on stdout ("FILE:LINE: what", or "FILE:
        Content-Security-Policy: what") and exit 1
    htmlcheck.py count FILE ATTR...
        print how many elements have every ATTR in their start tag: an ATTR
        is name="value" (that exact value) or a bare name (present)
    htmlcheck.py values FILE NAME [ATTR...]
        print the value of attribute NAME of every element that has it and
        every ATTR, one per line, in document order
    htmlcheck.py text FILE
        print the text a reader sees (outside title, script and style), one
        text node per line, its white space collapsed

Python 3 standard library only (html.parser).  Exit 64 on a usage error,
66 when a FILE cannot be read.

What counts as a load, for self-contained:
  - an element that embeds or fetches by nature: link, iframe, frame,
    object, embed, base, portal, and a meta refresh;
  - an attribute that names a resource (src, href, srcset, action, ...)
    whose value does not start with "#" (a fragment of this very page);
    data: URLs count too: the report draws everything as inline SVG and
    has no reason for one, and the CSP forbids them;
  - @import anywhere in a style sheet or style attribute, and url(...) there
    unless it is a fragment reference, url(#id), which an SVG fill may use;
  - in a script, fetch, import, XMLHttpRequest, WebSocket, EventSource or
    sendBeacon;
  - any attribute value that starts with an address ("scheme://" or
    "//host"), with one exception: <svg xmlns="http://www.w3.org/2000/svg">,
    a namespace name that is never fetched;
  - a page without a Content-Security-Policy meta whose default-src is
    'none'; a policy that allows any source other than 'none',
    'unsafe-inline', a hash or a nonce (or sends reports out); and a
    policy meta after anything but <title> and other <meta>s, since a
    policy covers only what comes after it (and none in <body>).
"""
import re
import signal
import sys
from html.parser import HTMLParser

LOADING_TAGS = {"link", "iframe", "frame", "object", "embed", "base", "portal"}
URL_ATTRS = {"src", "href", "xlink:href", "srcset", "action", "formaction", "poster",
             "data", "background", "ping", "manifest", "codebase", "archive", "lowsrc"}
SVG_NS = "http://www.w3.org/2000/svg"
SCHEME_URL = re.compile(r"\s*[a-z][a-z0-9+.-]*://", re.I)
SCRIPT_LOADS = re.compile(r"\b(fetch|import|XMLHttpRequest|WebSocket|EventSource|sendBeacon)\b")
CSS_URL = re.compile(r"url\(\s*(['\"]?)\s*(.)", re.I)
CSS_IMPORT = re.compile(r"@import", re.I)
CSP_OK_SOURCE = re.compile(r"^'(none|unsafe-inline|(sha256|sha384|sha512)-[A-Za-z0-9+/=]+|"
                           r"nonce-[A-Za-z0-9+/=_-]+)'$")


def css_offences(css):
    """What in a piece of CSS would load something."""
    found = []
    if CSS_IMPORT.search(css):
        found.append("@import")
    for m in CSS_URL.finditer(css):
        if m.group(2) != "#":
            found.append("url(%s...)" % (m.group(1) + m.group(2)))
    return found


def csp_offences(policies):
    """Why the page's Content-Security-Policies would let it load something."""
    found, closed = [], False
    for policy in policies:
        for directive in filter(None, (d.strip() for d in policy.split(";"))):
            name, *sources = directive.split()
            closed |= name.lower() == "default-src" and sources == ["'none'"]
            found += ["%s allows %s" % (name, s) for s in sources
                      if not CSP_OK_SOURCE.match(s)]
    if not closed:
        found.append("no meta with default-src 'none'")
    return found


class SelfContained(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.offences, self.policies, self.raw = [], [], None
        # The first element a policy meta would come too late for.
        self.content = None

    def offend(self, what):
        self.offences.append((self.getpos()[0], what))

    def handle_starttag(self, tag, attrs):
        if tag not in ("html", "head", "meta", "title") and self.content is None:
            self.content = tag
        if tag in LOADING_TAGS:
            self.offend("<%s>" % tag)
        self.raw = tag if tag in ("style", "script") else None
        values = dict(attrs)
        if tag == "meta":
            equiv = (values.get("http-equiv") or "").lower()
            if equiv == "refresh":
                self.offend("<meta http-equiv=refresh>")
            elif equiv == "content-security-policy":
                self.policies.append(values.get("content") or "")
                if self.content:
                    self.offend("the Content-Security-Policy meta comes after <%s>,"
                                " which it does not cover" % self.content)
        for name, value in attrs:
            self.check_attr(tag, name, value or "")

    handle_startendtag = handle_starttag

    def check_attr(self, tag, name, value):
        where = "<%s %s=\"%s\">" % (tag, name, value[:60])
        if name in URL_ATTRS and not value.startswith("#"):
            self.offend(where)
        elif name == "style":
            self.offences += [(self.getpos()[0], "%s in %s" % (o, where))
                              for o in css_offences(value)]
        elif (value.startswith("//") or SCHEME_URL.match(value)) and not (
                tag == "svg" and name == "xmlns" and value == SVG_NS):
            # What the lists above miss: a namespaced or future attribute
            # holding an address.
            self.offend(where)

    def handle_endtag(self, tag):
        self.raw = None

    def handle_data(self, data):
        if self.raw == "style":
            found = css_offences(data)
        elif self.raw == "script":
            found = [m.group(1) for m in SCRIPT_LOADS.finditer(data)]
        else:
            return
        self.offences += [(self.getpos()[0], "%s in <%s>" % (o, self.raw)) for o in found]


class Matches(HTMLParser):
    """The attributes of every element that has all the wanted ones."""
    def __init__(self, wanted):
        super().__init__(convert_charrefs=True)
        self.wanted, self.found = wanted, []

    def handle_starttag(self, tag, attrs):
        have = dict(attrs)
        if all(name in have and (value is None or have[name] == value)
               for name, value in self.wanted):
            self.found.append(have)

    handle_startendtag = handle_starttag


class Text(HTMLParser):
    """The text a reader sees: every text node outside title, script and
    style (which hold nothing but text, so never nest)."""
    UNSEEN = ("title", "script", "style")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines, self.hidden = [], False

    def handle_starttag(self, tag, attrs):
        if tag in self.UNSEEN:
            self.hidden = True

    def handle_endtag(self, tag):
        if tag in self.UNSEEN:
            self.hidden = False

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self.hidden:
            self.lines.append(text)


def parse_attr(spec):
    """name="value" or name (None: present with any value)."""
    m = re.fullmatch(r'([^\s="\']+)(?:="([^"]*)")?', spec)
    if not m:
        raise ValueError("not name=\"value\" nor name: %r" % spec)
    return m.group(1).lower(), m.group(2)


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def self_contained(paths):
    bad = 0
    for path in paths:
        p = SelfContained()
        p.feed(read(path))
        p.close()
        offences = ["%s:%d: %s" % (path, line, what) for line, what in p.offences]
        offences += ["%s: Content-Security-Policy: %s" % (path, o) for o in csp_offences(p.policies)]
        for o in offences:
            print(o)
        bad |= bool(offences)
    return 1 if bad else 0


def matches(path, specs):
    m = Matches([parse_attr(s) for s in specs])
    m.feed(read(path))
    m.close()
    return m.found


def text(path):
    t = Text()
    t.feed(read(path))
    t.close()
    return t.lines


def main(argv):
    # Read by `| head` and the like: stop quietly when the reader does.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    try:
        if len(argv) >= 3 and argv[1] == "self-contained":
            return self_contained(argv[2:])
        if len(argv) >= 4 and argv[1] == "count":
            print(len(matches(argv[2], argv[3:])))
            return 0
        if len(argv) >= 4 and argv[1] == "values":
            name = parse_attr(argv[3])[0]
            for attrs in matches(argv[2], argv[3:]):
                print(attrs[name] or "")
            return 0
        if len(argv) == 3 and argv[1] == "text":
            print("\n".join(text(argv[2])))
            return 0
    except ValueError as e:
        print("htmlcheck.py: %s" % e, file=sys.stderr)
        return 64
    except OSError as e:
        print("htmlcheck.py: %s: %s" % (e.filename, e.strerror), file=sys.stderr)
        return 66
    else:
        print("usage: htmlcheck.py self-contained FILE... | count FILE ATTR... | "
              "values FILE NAME [ATTR...] | text FILE", file=sys.stderr)
        return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv))
