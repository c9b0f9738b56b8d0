/*
 * test_url - unit tests for url.c (and the HTML walk in html.c)
 *
 * Table-driven: each case states one expectation about one input, and every failing case
 * is printed with what it got and what it wanted before the test fails. Corpus cases
 * read ../shared/corpus/mime-flanker (relative to the repo root, the working directory)
 * and skip cleanly when ../shared/corpus is absent. The inline obfuscation cases are
 * modeled on ../shared/corpus/mime-rspamd/messages/url_obfuscated_*.eml, url*.eml,
 * numeric_urls.eml and url_suspect_*.eml.
 */
#include <setjmp.h> /* setjmp.h, stdarg.h and stddef.h must precede cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "lib/buf.h"
#include "lib/str.h"
#include "mime/url.h"
#include "lib/xalloc.h"

#define CORPUS "../shared/corpus"

/* ------------------------------------------------------------------ helpers */

static const struct {
    char letter;
    unsigned flag;
} flag_letters[] = {
    {'U', URL_F_USERINFO},      {'D', URL_F_DEFANGED}, {'I', URL_F_IP},
    {'O', URL_F_IP_OBFUSCATED}, {'N', URL_F_IDN},      {'L', URL_F_LONG},
    {'S', URL_F_NO_SCHEME},     {'H', URL_F_HTML},
};

/* flag_mask - flags named by letters (U D I O N L S H) */
static unsigned flag_mask(const char *letters)
{
    unsigned m = 0;
    for (const char *c = letters; *c; c++)
        for (size_t i = 0; i < sizeof(flag_letters) / sizeof(flag_letters[0]); i++)
            if (flag_letters[i].letter == *c)
                m |= flag_letters[i].flag;
    return m;
}

/* flag_text - flags as letters, in table order */
static void flag_text(BUF *b, unsigned flags)
{
    for (size_t i = 0; i < sizeof(flag_letters) / sizeof(flag_letters[0]); i++)
        if (flags & flag_letters[i].flag)
            buf_putc(b, flag_letters[i].letter);
}

/* check - report one case; returns 1 when it failed */
static int check(const char *what, const char *input, const char *got, const char *want)
{
    if ((got == NULL && want == NULL) || (got && want && strcmp(got, want) == 0))
        return 0;
    print_error("FAIL %s\n  input: %s\n  got:   %s\n  want:  %s\n", what, input,
                got ? got : "(null)", want ? want : "(null)");
    return 1;
}

/* ------------------------------------------------------------------ url_parse */

enum {
    F_NULL,
    F_NORM,
    F_SCHEME,
    F_USER,
    F_HOST,
    F_UNICODE,
    F_IP,
    F_PORT,
    F_PATH,
    F_FLAGS,
    F_NOFLAGS
};

static const struct {
    const char *in;
    int field;
    const char *want;
} parse_cases[] = {
    /* scheme and host case, default ports, empty path */
    {"HTTP://WWW.Example.COM", F_NORM, "http://www.example.com/"},
    {"http://example.com:80/a", F_NORM, "http://example.com/a"},
    {"https://example.com:443", F_NORM, "https://example.com/"},
    {"ftp://example.com:21/pub", F_NORM, "ftp://example.com/pub"},
    {"https://example.com:8443/x", F_PORT, "8443"},
    {"http://example.com:80/a", F_PORT, "0"},
    {"http://example.com?q=1", F_NORM, "http://example.com/?q=1"},
    {"http://example.com/A%20b?Q=1#Frag", F_PATH, "/A%20b?Q=1#Frag"},
    {"http://example.com./", F_HOST, "example.com"},
    {"http://ex%41mple.com/", F_HOST, "example.com"},
    {"http://localhost:8080/", F_HOST, "localhost"},
    /* userinfo: the "bank name before @" trick */
    {"https://bank.example@192.0.2.1/", F_USER, "bank.example"},
    {"https://bank.example@192.0.2.1/", F_HOST, "192.0.2.1"},
    {"https://bank.example@192.0.2.1/", F_FLAGS, "UI"},
    {"https://bank.example@192.0.2.1/", F_NORM, "https://bank.example@192.0.2.1/"},
    {"http://user@@@phishing.com/page", F_HOST, "phishing.com"},
    {"http://userid:password@example.com:8080", F_USER, "userid:password"},
    {"http://example.com/", F_NOFLAGS, "U"},
    /* IPv4 in every inet_aton form */
    {"http://192.168.1.1/", F_IP, "192.168.1.1"},
    {"http://192.168.1.1/", F_NOFLAGS, "O"},
    {"http://3232235777/", F_IP, "192.168.1.1"},
    {"http://3232235777/", F_FLAGS, "IO"},
    {"http://0xC0A80001/", F_IP, "192.168.0.1"},
    {"http://0xc0.0250.0.1/", F_IP, "192.168.0.1"},
    {"http://0300.0250.0.1/", F_IP, "192.168.0.1"},
    {"http://0xc0.0xa8.0x0.0x1/", F_IP, "192.168.0.1"},
    {"http://192.168.257/", F_IP, "192.168.1.1"},
    {"http://192.11010305/", F_IP, "192.168.1.1"},
    {"http://127.1/", F_IP, "127.0.0.1"},
    {"http://127.1/", F_FLAGS, "IO"},
    {"http://01.02.03.04/", F_FLAGS, "IO"},
    {"http://%31%32%37.0.0.1/", F_FLAGS, "IO"},
    {"http://3232235777/x", F_NORM, "http://192.168.1.1/x"},
    {"http://256.1.1.1/", F_NOFLAGS, "I"},
    {"http://1.2.3.4.5/", F_NOFLAGS, "I"},
    {"http://0x100000000/", F_NULL, NULL}, /* too big for IPv4, and no dot */
    {"http://08.1.1.1/", F_NOFLAGS, "I"},
    /* IPv6 */
    {"http://[::1]/", F_IP, "::1"},
    {"http://[0:0:0:0:0:0:0:1]:8080/x", F_NORM, "http://[::1]:8080/x"},
    {"http://[2001:DB8::A]/", F_IP, "2001:db8::a"},
    {"http://[::1]/", F_FLAGS, "I"},
    {"http://[not:v6]/", F_NULL, NULL},
    /* IDN both ways */
    {"http://мойсайт.рф/", F_HOST, "xn--80arbjktj.xn--p1ai"},
    {"http://мойсайт.рф/", F_UNICODE, "мойсайт.рф"},
    {"http://мойсайт.рф/", F_FLAGS, "N"},
    {"http://xn--80arbjktj.xn--p1ai", F_UNICODE, "мойсайт.рф"},
    {"http://xn--80arbjktj.xn--p1ai", F_FLAGS, "N"},
    {"http://BÜCHER.de/", F_HOST, "xn--bcher-kva.de"},
    {"http://g\xd0\xbe\xd0\xbegle.com/", F_HOST, "xn--ggle-55da.com"},
    {"http://\xe2\x9c\xaa"
     "df.ws/123",
     F_UNICODE,
     "\xe2\x9c\xaa"
     "df.ws"},
    {"http://ex\xe3\x80\x82"
     "ample.com/",
     F_HOST, "ex.ample.com"},
    {"http://example.com/", F_NOFLAGS, "N"},
    {"http://example.com/", F_UNICODE, NULL},
    /* defanged */
    {"hxxp://evil.com/x", F_NORM, "http://evil.com/x"},
    {"hxxps://evil.com/x", F_SCHEME, "https"},
    {"hXXp://evil.com/", F_FLAGS, "D"},
    {"h**p://evil.com/", F_NORM, "http://evil.com/"},
    {"http://evil[.]com/", F_HOST, "evil.com"},
    {"http://evil(.)com/", F_HOST, "evil.com"},
    {"http://evil[dot]com/", F_HOST, "evil.com"},
    {"http[:]//evil.com/", F_NORM, "http://evil.com/"},
    {"http[:]//evil.com/", F_FLAGS, "D"},
    {"fxp://files[.]example.org/a", F_NORM, "ftp://files.example.org/a"},
    {"http://evil.com/", F_NOFLAGS, "D"},
    /* no scheme */
    {"www.example.com/x", F_NORM, "http://www.example.com/x"},
    {"www.example.com/x", F_FLAGS, "S"},
    {"WWW.Example.com:8080", F_NORM, "http://www.example.com:8080/"},
    {"example.com", F_NULL, NULL},
    {"//cdn.example.com/x", F_NULL, NULL},
    /* schemes without authority */
    {"data:text/html;base64,PGI+", F_NORM, "data:text/html;base64,PGI+"},
    {"data:text/html;base64,PGI+", F_HOST, NULL},
    {"JavaScript:alert(1)", F_NORM, "javascript:alert(1)"},
    {"vbscript:msgbox(1)", F_SCHEME, "vbscript"},
    {"search-ms:query=inv&crumb=location:\\\\198.51.100.7\\s", F_SCHEME, "search-ms"},
    {"search:query=x", F_SCHEME, "search"},
    {"ms-msdt:/id PCWDiagnostic /skip force", F_SCHEME, "ms-msdt"},
    {"ms-word:ofe|u|https://evil.example/a.docx", F_SCHEME, "ms-word"},
    {"ms-excel:ofv|u|https://evil.example/a.xlsx", F_PATH, "ofv|u|https://evil.example/a.xlsx"},
    {"file:///C:/Users/x.lnk", F_NORM, "file:///C:/Users/x.lnk"},
    {"file://server/share/x.exe", F_HOST, "server"},
    {"data:no-comma", F_NULL, NULL},
    {"javascript:", F_NULL, NULL},
    /* not URLs for us */
    {"mailto:a@example.com", F_NULL, NULL},
    {"tel:+15551234", F_NULL, NULL},
    {"httd://foo.com/blah", F_NULL, NULL},
    {"smtp://foo.com/", F_NULL, NULL},
    {"xhttp://foo.com/", F_NULL, NULL},
    {"http://", F_NULL, NULL},
    {"http://intranet/", F_NULL, NULL},
    {"http://exa mple.com/", F_NULL, NULL},
    {"http://exa%20mple.com/", F_NULL, NULL},
    {"http://example.com:99999/", F_NULL, NULL},
    {"http://example.com:8080%20x-yojimbo-item://6303E4C1", F_PORT, "8080"},
    {"https:/\\example.com/x", F_HOST, "example.com"},
};

/* field_text - one field of u rendered as text (NULL for a NULL field) */
static const char *field_text(const URL *u, int field, BUF *b)
{
    switch (field) {
    case F_NORM:
        return u->normalized;
    case F_SCHEME:
        return u->scheme;
    case F_USER:
        return u->userinfo;
    case F_HOST:
        return u->host;
    case F_UNICODE:
        return u->host_unicode;
    case F_IP:
        return u->ip;
    case F_PATH:
        return u->path;
    case F_PORT:
        buf_printf(b, "%d", u->port);
        return b->data;
    }
    return NULL;
}

/* test_parse - url_parse normalization, one expectation per case */
static void test_parse(void **state)
{
    (void)state;
    int fails = 0;
    for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
        const char *in = parse_cases[i].in, *want = parse_cases[i].want, *got;
        int field = parse_cases[i].field;
        URL *u = url_parse(in, strlen(in));
        BUF *b = buf_new(64);
        if (field == F_NULL) {
            got = u ? u->normalized : NULL;
        } else if (u == NULL) {
            got = "(url_parse returned NULL)";
        } else if (field == F_FLAGS || field == F_NOFLAGS) {
            unsigned m = flag_mask(want), has = u->flags & m;
            flag_text(b, field == F_FLAGS ? has : m & ~has);
            got = b->data;
        } else {
            got = field_text(u, field, b);
        }
        fails += check("url_parse", in, got, want);
        buf_free(b);
        url_free(u);
    }
    assert_int_equal(fails, 0);
}

/* ------------------------------------------------------------------ extraction */

enum { V_NORM, V_FLAGS, V_WHERE, V_TEXT };

/* render - the URLs of a set in order: "norm" plus flags, places or display text */
static char *render(const URLSET *set, int view)
{
    BUF *b = buf_new(256);
    for (size_t i = 0; i < set->n; i++) {
        const URL *u = set->v[i];
        buf_printf(b, "%s%s", i ? " " : "", u->normalized);
        if (view == V_FLAGS) {
            buf_putc(b, '+');
            flag_text(b, u->flags);
        } else if (view == V_WHERE) {
            for (size_t k = 0; k < u->nwhere; k++)
                buf_printf(b, "%s%s", k ? "," : "{", u->where[k]);
            buf_puts(b, u->nwhere ? "}" : "{}");
        } else if (view == V_TEXT && u->text) {
            buf_printf(b, "=\"%s\"", u->text);
        }
    }
    char *s = buf_steal(b, NULL);
    buf_free(b);
    return s;
}

static const struct {
    const char *in;
    int view;
    const char *want;
} text_cases[] = {
    {"see http://foo.com/blah_blah_(wikipedia) now", V_NORM,
     "http://foo.com/blah_blah_(wikipedia)"},
    {"(see http://foo.com/blah_blah_(wikipedia))", V_NORM, "http://foo.com/blah_blah_(wikipedia)"},
    {"(http://foo.com/x).", V_NORM, "http://foo.com/x"},
    {"Go to http://a.example/x?y=1, then stop!", V_NORM, "http://a.example/x?y=1"},
    {"end: http://a.example/p.;:!?", V_NORM, "http://a.example/p"},
    {"<http://a.example/x>\"http://b.example\"'http://c.example'`http://d.example`", V_NORM,
     "http://a.example/x http://b.example/ http://c.example/ http://d.example/"},
    {"one\thttp://a.example/1\nhttp://a.example/2\xc2\xa0tail", V_NORM,
     "http://a.example/1 http://a.example/2"},
    {"xhttp://bad.example/ _http://bad2.example/", V_NORM, ""},
    {"...http://dots.example/", V_NORM, "http://dots.example/"},
    {"visit www.example.com/a?b=1.", V_FLAGS, "http://www.example.com/a?b=1+S"},
    {"write to info@www.example.org", V_NORM, ""},
    {"mailto:x@www.example.com tel:+1555", V_NORM, ""},
    {"smtp://foo.com/a httd://foo.com/b", V_NORM, ""},
    {"Data: none, search: foo, MS-DOS: yes, file: x", V_NORM, ""},
    {"FTP://Files.example.org/pub/x.zip", V_NORM, "ftp://files.example.org/pub/x.zip"},
    {"javascript:alert(document.cookie)", V_NORM, "javascript:alert(document.cookie)"},
    {"open search-ms:query=invoice&crumb=location:\\\\198.51.100.7@80\\s now", V_NORM,
     "search-ms:query=invoice&crumb=location:\\\\198.51.100.7@80\\s"},
    {"ms-msdt:/id", V_NORM, "ms-msdt:/id"},
    {"http://3232235777/x and http://192.168.1.1/x", V_FLAGS, "http://192.168.1.1/x+IO"},
    {"http://a.example/x http://A.EXAMPLE:80/x", V_NORM, "http://a.example/x"},
    /* modeled on mime-rspamd/messages/url_obfuscated_hxxp.eml */
    {"Check this link: hxxp://malicious-site.com/phish", V_FLAGS,
     "http://malicious-site.com/phish+D"},
    /* modeled on url_obfuscated_bracket_dots.eml */
    {"Visit our site at example[.]com/login", V_FLAGS, "http://example.com/login+DS"},
    {"sub.evil(.)example[dot]net/a and user@mail[.]example.com", V_NORM,
     "http://sub.evil.example.net/a"},
    /* modeled on url_obfuscated_spaced.eml */
    {"Visit h t t p s : / / evil-site.com/page for details", V_FLAGS,
     "https://evil-site.com/page+D"},
    {"go http : //spaced.example/x now", V_FLAGS, "http://spaced.example/x+D"},
    {"hxxps[:]//evil[.]example/x", V_FLAGS, "https://evil.example/x+D"},
    {"h**p://starred(.)example", V_NORM, "http://starred.example/"},
    /* modeled on url8.eml, url9.eml (IDN) and url_suspect_numeric_ip_user.eml */
    {"http://мойсайт.рф", V_FLAGS, "http://xn--80arbjktj.xn--p1ai/+N"},
    {"http://xn--80arbjktj.xn--p1ai", V_NORM, "http://xn--80arbjktj.xn--p1ai/"},
    {"http://admin@203.0.113.42/phishing", V_FLAGS, "http://admin@203.0.113.42/phishing+UI"},
    {"http://0xCB.0x00.0x71.0x2A/p", V_FLAGS, "http://203.0.113.42/p+IO"},
    {"http://203.0.113.42/phishing", V_FLAGS, "http://203.0.113.42/phishing+I"},
};

/* test_text - url_extract_text, one expectation per case */
static void test_text(void **state)
{
    (void)state;
    int fails = 0;
    for (size_t i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]); i++) {
        URLSET *set = urlset_new(100);
        url_extract_text(set, text_cases[i].in, strlen(text_cases[i].in), "1");
        char *got = render(set, text_cases[i].view);
        fails += check("url_extract_text", text_cases[i].in, got, text_cases[i].want);
        free(got);
        urlset_free(set);
    }
    assert_int_equal(fails, 0);
}

static const struct {
    const char *in;
    int view;
    const char *want;
} html_cases[] = {
    /* modeled on mime-rspamd/messages/url3.eml: the display text shows another URL */
    {"hello <a href=\"https://www.rspamd.com/doc/modules/multimap.html\">https://www.bank.com</a>",
     V_TEXT,
     "https://www.rspamd.com/doc/modules/multimap.html=\"https://www.bank.com\" "
     "https://www.bank.com/"},
    {"<A HREF=http://x.example/a?b=1&amp;c=2 >  Click \n <b>here</b>&nbsp;now </A>", V_TEXT,
     "http://x.example/a?b=1&c=2=\"Click here now\""},
    {"<a href='http://x.example/'>first</a><a href='http://x.example/'>second</a>", V_TEXT,
     "http://x.example/=\"first\""},
    {"<a href='http://x.example/'><img src='http://i.example/i.png'></a>", V_TEXT,
     "http://x.example/ http://i.example/i.png"},
    {"<a href=\"http://a.example/\">a<a href=\"http://b.example/\">b</a>", V_TEXT,
     "http://a.example/=\"a\" http://b.example/=\"b\""},
    {"<a href=\"/relative\">r</a><a href=\"page.html\">p</a><a href=\"#top\">t</a>", V_NORM, ""},
    {"<a href=\"mailto:sales@example.com\">Contact sales</a>", V_NORM, ""},
    {"<a href=\"user.name@example.com\">user.name@example.com</a>", V_NORM, ""},
    {"<img src=\"//cdn.example.com/x.png\">", V_FLAGS, "http://cdn.example.com/x.png+SH"},
    {"<a href=\"www.example.com\">w</a>", V_NORM, "http://www.example.com/"},
    {"<img srcset=\"http://a.example/1.png 1x, http://a.example/2.png 2x,http://a.example/3.png\">",
     V_WHERE,
     "http://a.example/1.png{1.2 srcset} http://a.example/2.png{1.2 srcset} "
     "http://a.example/3.png{1.2 srcset}"},
    {"<img srcset=\"http://a.example/s,1.png 480w, data:image/png;base64,iVB= 2x\">", V_NORM,
     "http://a.example/s,1.png data:image/png;base64,iVB="},
    {"<meta http-equiv=\"refresh\" content=\"0; url=http://r.example/x\">", V_WHERE,
     "http://r.example/x{1.2 meta-refresh}"},
    {"<META CONTENT=\"5;URL='http://r.example/q'\" HTTP-EQUIV=Refresh>", V_NORM,
     "http://r.example/q"},
    {"<meta name=\"description\" content=\"http://not-a-refresh.example/\">", V_NORM, ""},
    {"<div data-href=\"https://d.example/x\" data-id=\"42\" data-cdn=\"//c.example/y\" "
     "data-w=\"www.w.example\">",
     V_WHERE,
     "https://d.example/x{1.2 data-*} http://c.example/y{1.2 data-*} "
     "http://www.w.example/{1.2 data-*}"},
    {"<form action=\"https://f.example/post\"><button formaction=\"http://g.example/\">"
     "<body background=\"http://bg.example/b.jpg\"><video poster=\"http://p.example/p.jpg\">"
     "<q cite=\"http://c.example/c\"><img longdesc=\"http://l.example/l\">",
     V_WHERE,
     "https://f.example/post{1.2 action} http://g.example/{1.2 formaction} "
     "http://bg.example/b.jpg{1.2 background} http://p.example/p.jpg{1.2 poster} "
     "http://c.example/c{1.2 cite} http://l.example/l{1.2 longdesc}"},
    /* entities in attributes and text */
    {"<a href=\"&#104;ttp&#x3A;//e.example/&amp;x\">y</a>", V_NORM, "http://e.example/&x"},
    {"<a href=\"j&#97;vascript&colon;alert(1)\">x</a>", V_NORM, "javascript:alert(1)"},
    {"<a href=\"java\tscript:alert(2)\">x</a>", V_NORM, "javascript:alert(2)"},
    {"<p>visit http&#58;//t.example/a&amp;b=1&lt;end</p>", V_WHERE,
     "http://t.example/a&b=1{1.2 text}"},
    /* modeled on mime-rspamd/messages/url10.eml: backslash and soft hyphens */
    {"<a href=\"https:/\\test&shy;test.&shy;com/redirect?url=https%3A%2F%2Fexample%2Ecom&amp;"
     "urlhash=rH0t#100xp@example.com\">click here!</a>",
     V_NORM,
     "https://testtest.com/"
     "redirect?url=https%3A%2F%2Fexample%2Ecom&urlhash=rH0t#100xp@example.com"},
    /* unquoted, odd spacing, case */
    {"<IMG SRC=http://u.example/x.gif ALT=x><a  href = 'http://v.example/' >v</a>", V_NORM,
     "http://u.example/x.gif http://v.example/"},
    {"<a href=http://w.example/>w</a>", V_NORM, "http://w.example/"},
    /* comments, scripts and styles */
    {"<!-- http://hidden.example/ <a href=\"http://hidden2.example/\"> "
     "--><p>http://shown.example</p>",
     V_NORM, "http://shown.example/"},
    {"<script>var u = \"http://s.example/x\"; if (a<b) {}</script><p>http://after.example</p>",
     V_WHERE, "http://s.example/x{1.2 text} http://after.example/{1.2 text}"},
    {"<style>body{background:url(http://st.example/b.png)}</style>", V_NORM,
     "http://st.example/b.png"},
    {"<p>a < b and http://lt.example/</p>", V_NORM, "http://lt.example/"},
    {"<a href=\"http://unterminated.example/", V_NORM, "http://unterminated.example/"},
    /* modeled on mime-rspamd/messages/numeric_urls.eml */
    {"<a href=\"http://1.2.3.4\">1</a> AND <a href=\"http://example.org\">2</a>"
     "<img src=\"http://9.10.11.12/lol.png\">",
     V_FLAGS, "http://1.2.3.4/+IH http://example.org/+H http://9.10.11.12/lol.png+IH"},
};

/* test_html - url_extract_html, one expectation per case */
static void test_html(void **state)
{
    (void)state;
    int fails = 0;
    for (size_t i = 0; i < sizeof(html_cases) / sizeof(html_cases[0]); i++) {
        URLSET *set = urlset_new(100);
        url_extract_html(set, html_cases[i].in, strlen(html_cases[i].in), "1.2");
        char *got = render(set, html_cases[i].view);
        fails += check("url_extract_html", html_cases[i].in, got, html_cases[i].want);
        free(got);
        urlset_free(set);
    }
    assert_int_equal(fails, 0);
}

/* test_dedup_where - one URL per normalized form; places accumulate, once each, capped */
static void test_dedup_where(void **state)
{
    (void)state;
    URLSET *set = urlset_new(100);
    const char *t = "http://A.example/x and http://a.example:80/x";
    const char *h = "<a href=\"http://a.example/x\">Shop</a>";
    url_extract_text(set, t, strlen(t), "1");
    url_extract_html(set, h, strlen(h), "1.2");
    url_extract_html(set, h, strlen(h), "1.2");
    char *got = render(set, V_WHERE);
    assert_string_equal(got, "http://a.example/x{1 text,1.2 href}");
    free(got);
    assert_int_equal(set->v[0]->flags & URL_F_HTML, URL_F_HTML); /* flags of every sighting */
    assert_string_equal(set->v[0]->text, "Shop");
    for (int i = 0; i < 2 * URL_MAX_WHERE; i++) {
        char w[16];
        snprintf(w, sizeof(w), "2.%d", i);
        url_extract_text(set, t, strlen(t), w);
    }
    assert_int_equal(set->n, 1);
    assert_int_equal(set->v[0]->nwhere, URL_MAX_WHERE);
    url_extract_text(set, t, strlen(t), NULL);
    assert_int_equal(set->v[0]->nwhere, URL_MAX_WHERE);
    urlset_free(set);
}

/* test_limit - past max distinct URLs, new ones are counted and dropped */
static void test_limit(void **state)
{
    (void)state;
    URLSET *set = urlset_new(3);
    const char *t = "http://1.example/ http://2.example/ http://3.example/ http://4.example/ "
                    "http://1.example/ http://5.example/";
    url_extract_text(set, t, strlen(t), "1");
    assert_int_equal(set->n, 3);
    assert_int_equal(set->dropped, 2);
    assert_true(set->overflow);
    assert_int_equal(set->v[0]->nwhere, 1); /* the repeat of a kept URL merged */
    urlset_free(set);
}

/* test_long - a URL past URL_MAX_LEN is cut there and marked */
static void test_long(void **state)
{
    (void)state;
    size_t n = URL_MAX_LEN * 3;
    char *s = xmalloc(n + 1);
    memcpy(s, "http://long.example/", 20);
    for (size_t i = 20; i < n; i += 2)
        memcpy(s + i, "\xc3\xa9", 2); /* a cut must not split a UTF-8 sequence */
    s[n] = 0;
    URLSET *set = urlset_new(10);
    url_extract_text(set, s, n, "1");
    assert_int_equal(set->n, 1);
    assert_true(set->v[0]->flags & URL_F_LONG);
    assert_true(strlen(set->v[0]->raw) <= URL_MAX_LEN);
    assert_true(utf8_valid(set->v[0]->raw, strlen(set->v[0]->raw)));
    urlset_free(set);
    free(s);
}

/* test_anchor_bound - display text is cut at URL_MAX_TEXT on a UTF-8 boundary */
static void test_anchor_bound(void **state)
{
    (void)state;
    BUF *b = buf_new(8192);
    buf_puts(b, "<a href=\"http://t.example/\">x");
    for (int i = 0; i < 1000; i++)
        buf_puts(b, "\xe2\x82\xac  <b>\n</b>"); /* euro sign, spaces and markup */
    buf_puts(b, "</a>");
    URLSET *set = urlset_new(10);
    url_extract_html(set, b->data, b->len, "1");
    assert_int_equal(set->n, 1);
    const char *t = set->v[0]->text;
    assert_non_null(t);
    assert_true(strlen(t) <= URL_MAX_TEXT);
    assert_true(strlen(t) > URL_MAX_TEXT - 8);
    assert_true(utf8_valid(t, strlen(t)));
    assert_memory_equal(t, "x\xe2\x82\xac \xe2\x82\xac ", 9);
    urlset_free(set);
    buf_free(b);
}

/* test_free_null - destructors accept NULL and return NULL */
static void test_free_null(void **state)
{
    (void)state;
    assert_null(url_free(NULL));
    assert_null(urlset_free(NULL));
    assert_null(url_parse(NULL, 0));
    URLSET *set = urlset_new(1);
    url_extract_text(set, "", 0, "1");
    url_extract_html(set, "", 0, "1");
    assert_int_equal(set->n, 0);
    assert_null(urlset_free(set));
}

/* test_scale - 100,000 distinct URLs in one HTML body are all kept (speed: make bench) */
static void test_scale(void **state)
{
    (void)state;
    BUF *b = buf_new(8 << 20);
    for (int i = 0; i < 100000; i++)
        buf_printf(b, "<a href=\"http://h%d.example.com/p?i=%d\">link %d</a>\n", i % 5000, i, i);
    URLSET *set = urlset_new(200000);
    url_extract_html(set, b->data, b->len, "1");
    assert_int_equal(set->n, 100000);
    assert_string_equal(set->v[99999]->text, "link 99999");
    urlset_free(set);
    buf_free(b);
}

/* test_hostile - inputs built to trigger re-scans finish and stay bounded */
static void test_hostile(void **state)
{
    (void)state;
    static const char *const units[] = {
        "http://a/",         "a[.]",      "www.",     "h t t p : ", "<a href=",   "<!--", "&#x3a",
        "http://x.com/((((", "hxxp[:]//", "<script>", "'\"",        "..........", "0x1.",
    };
    for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
        BUF *b = buf_new(1 << 20);
        while (b->len < (1 << 20))
            buf_puts(b, units[u]);
        URLSET *set = urlset_new(1000);
        url_extract_text(set, b->data, b->len, "1");
        url_extract_html(set, b->data, b->len, "1");
        assert_true(set->n <= 1000);
        for (size_t i = 0; i < set->n; i++)
            assert_true(strlen(set->v[i]->normalized) <= URL_MAX_LEN + 64);
        urlset_free(set);
        buf_free(b);
    }
}

/* ------------------------------------------------------------------ corpus */

/* corpus_lines - the non-comment, non-empty lines of a corpus file (NULL-terminated) */
static char **corpus_lines(const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", CORPUS, name);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        fail_msg("cannot open %s (corpus present but file missing)", path);
    char **v = NULL, line[4096];
    size_t n = 0, cap = 0;
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (line[0] == 0 || line[0] == '#')
            continue;
        XGROW(v, n, cap);
        v[n++] = xstrdup(line);
    }
    fclose(f);
    XGROW(v, n, cap);
    v[n] = NULL;
    return v;
}

/* free_lines - release corpus_lines' result */
static void free_lines(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

/* want_host - the host a reader sees in "scheme://[user@]host[:port]/...", lower-cased */
static char *want_host(const char *line)
{
    const char *p = strstr(line, "://");
    p = p ? p + 3 : line;
    size_t n = strcspn(p, "/?#");
    char *auth = xstrndup(p, n), *h = strrchr(auth, '@');
    h = xstrdup(h ? h + 1 : auth);
    h[strcspn(h, ":")] = 0;
    str_lower(h);
    free(auth);
    return h;
}

/* have_corpus - whether ../shared/corpus exists */
static bool have_corpus(void)
{
    struct stat st;
    return stat(CORPUS, &st) == 0 && S_ISDIR(st.st_mode);
}

/* test_corpus_valid - every line of url_valid.txt is one http(s) URL with the right host */
static void test_corpus_valid(void **state)
{
    (void)state;
    if (!have_corpus())
        skip();
    char **v = corpus_lines("mime-flanker/url_valid.txt");
    int fails = 0, lines = 0;
    for (size_t i = 0; v[i]; i++, lines++) {
        URLSET *set = urlset_new(10);
        url_extract_text(set, v[i], strlen(v[i]), "1");
        char *want = want_host(v[i]), got[512] = "";
        if (set->n == 1) {
            const URL *u = set->v[0];
            bool ascii = true; /* a Unicode host is compared in its Unicode form */
            for (const char *c = want; *c; c++)
                ascii = ascii && (unsigned char)*c < 0x80;
            const char *host = ascii ? u->host : u->host_unicode;
            snprintf(got, sizeof(got), "%s %s", u->scheme, host ? host : "(null)");
        } else {
            snprintf(got, sizeof(got), "%zu URLs", set->n);
        }
        char wanted[512];
        snprintf(wanted, sizeof(wanted), "%s %s", strncmp(v[i], "https", 5) ? "http" : "https",
                 want);
        fails += check("url_valid.txt", v[i], got, wanted);
        free(want);
        urlset_free(set);
    }
    free_lines(v);
    assert_true(lines > 0);
    assert_int_equal(fails, 0);
}

/* test_corpus_invalid - no http(s) URL comes out of url_invalid.txt */
static void test_corpus_invalid(void **state)
{
    (void)state;
    if (!have_corpus())
        skip();
    char **v = corpus_lines("mime-flanker/url_invalid.txt");
    int fails = 0, lines = 0;
    for (size_t i = 0; v[i]; i++, lines++) {
        URLSET *set = urlset_new(10);
        url_extract_text(set, v[i], strlen(v[i]), "1");
        for (size_t k = 0; k < set->n; k++)
            if (strcmp(set->v[k]->scheme, "http") == 0 || strcmp(set->v[k]->scheme, "https") == 0)
                fails += check("url_invalid.txt", v[i], set->v[k]->normalized, "(no http URL)");
        urlset_free(set);
    }
    free_lines(v);
    assert_true(lines > 0);
    assert_int_equal(fails, 0);
}

/* main - run the url tests */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),        cmocka_unit_test(test_text),
        cmocka_unit_test(test_html),         cmocka_unit_test(test_dedup_where),
        cmocka_unit_test(test_limit),        cmocka_unit_test(test_long),
        cmocka_unit_test(test_anchor_bound), cmocka_unit_test(test_free_null),
        cmocka_unit_test(test_scale),        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_corpus_valid), cmocka_unit_test(test_corpus_invalid),
    };
    return cmocka_run_group_tests_name("url", tests, NULL, NULL);
}
