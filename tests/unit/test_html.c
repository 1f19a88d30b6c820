// SPDX-License-Identifier: GPL-2.0
/* HTML writing: escaping, SVG inlining with prefixed ids, no scripts. */
#include "report/html.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *capture_esc(const char *s)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	html_esc(f, s);
	fclose(f);
	return buf;
}

static char *capture_svg(const char *path, const char *prefix, int *ret)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	*ret = html_svg_inline(f, path, prefix);
	fclose(f);
	return buf;
}

int main(void)
{
	const char *path;
	char *out;
	int ret;

	tap_plan(7);

	out = capture_esc("a<b>&\"c'd");
	tap_is_str(out, "a&lt;b&gt;&amp;&quot;c&#39;d", "the five characters of HTML are escaped");
	free(out);
	out = capture_esc("plain text 1.5%");
	tap_is_str(out, "plain text 1.5%", "other text is left alone");
	free(out);

	path = tap_write_tmp("svg",
			     "<?xml version=\"1.0\"?>\n<!DOCTYPE svg>\n<svg xmlns=\"x\">"
			     "<g id=\"c\"><use xlink:href='#gpPt1' id='gpPt2'/>"
			     "<rect fill=\"url(#grad)\"/></g>"
			     "<script type=\"text/ecmascript\">alert(1)</script></svg>\n");
	out = capture_svg(path, "p7-", &ret);
	tap_is_int(ret, 0, "an SVG file is inlined");
	tap_ok(out && !strncmp(out, "<svg", 4), "from its <svg> element: no XML declaration or DOCTYPE");
	tap_ok(out && strstr(out, "id=\"p7-c\"") && strstr(out, "id='p7-gpPt2'") &&
	       strstr(out, "href='#p7-gpPt1'") && strstr(out, "url(#p7-grad)"),
	       "ids and references to them carry the plot's prefix");
	tap_ok(out && !strstr(out, "script") && !strstr(out, "alert"), "scripts are dropped");
	free(out);
	unlink(path);

	path = tap_write_tmp("svg", "no svg here\n");
	out = capture_svg(path, "p0-", &ret);
	tap_ok(ret < 0, "a file without <svg is refused");
	free(out);
	unlink(path);
	return tap_done();
}
