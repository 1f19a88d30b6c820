// SPDX-License-Identifier: GPL-2.0
/*
 * pngstat PNG: is a screenshot blank?  Decodes an 8-bit, non-interlaced
 * PNG (grey, RGB, grey+alpha, RGBA: what chromium writes) and prints its
 * size, the mean and standard deviation of its luminance and how many
 * colours it has (counted up to 4096).  Exit 0 when it is not blank
 * (SD >= 5 and at least 8 colours), 1 when it is, 2 when it cannot be
 * read.  For the HTML tests (tests/lib/html-check).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define MAX_COLOURS 4096

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int bad(const char *path, const char *why)
{
	fprintf(stderr, "pngstat: %s: %s\n", path, why);
	return 2;
}

static int paeth(int a, int b, int c)
{
	int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

int main(int argc, char **argv)
{
	static uint32_t colours[MAX_COLOURS];
	unsigned char *file, *idat = NULL, *raw, *prev, *line;
	size_t len = 0, nidat = 0, pos = 8, stride, x, y, nc = 0, k;
	uint32_t w = 0, h = 0;
	int ch = 0, depth = 0, type = 0, interlace = 0;
	double n = 0, s = 0, s2 = 0, mean, sd;
	uLongf rawlen;
	FILE *f;
	long sz;

	if (argc != 2) {
		fprintf(stderr, "usage: pngstat PNG\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f || fseek(f, 0, SEEK_END) || (sz = ftell(f)) < 8 || fseek(f, 0, SEEK_SET))
		return bad(argv[1], "cannot read");
	len = sz;
	file = malloc(len);
	if (!file || fread(file, 1, len, f) != len)
		return bad(argv[1], "cannot read");
	fclose(f);
	if (memcmp(file, "\x89PNG\r\n\x1a\n", 8))
		return bad(argv[1], "not a PNG");
	while (pos + 12 <= len) {
		uint32_t n_ = be32(file + pos);
		const unsigned char *kind = file + pos + 4, *body = file + pos + 8;

		if (pos + 12 + n_ > len)
			return bad(argv[1], "truncated");
		if (!memcmp(kind, "IHDR", 4) && n_ >= 13) {
			w = be32(body);
			h = be32(body + 4);
			depth = body[8];
			type = body[9];
			interlace = body[12];
		} else if (!memcmp(kind, "IDAT", 4)) {
			idat = realloc(idat, nidat + n_);
			if (!idat)
				return bad(argv[1], "out of memory");
			memcpy(idat + nidat, body, n_);
			nidat += n_;
		}
		pos += 12 + n_;
	}
	ch = type == 0 ? 1 : type == 2 ? 3 : type == 4 ? 2 : type == 6 ? 4 : 0;
	if (!w || !h || depth != 8 || !ch || interlace)
		return bad(argv[1], "not an 8-bit non-interlaced grey/RGB(A) PNG");
	stride = (size_t)w * ch;
	rawlen = (stride + 1) * h;
	raw = malloc(rawlen);
	prev = calloc(1, stride);
	if (!raw || !prev || uncompress(raw, &rawlen, idat, nidat) != Z_OK ||
	    rawlen != (stride + 1) * h)
		return bad(argv[1], "bad image data");
	for (y = 0; y < h; y++) {
		int ft = raw[y * (stride + 1)];

		line = raw + y * (stride + 1) + 1;
		for (x = 0; x < stride; x++) {
			int a = x >= (size_t)ch ? line[x - ch] : 0, b = prev[x];
			int c = x >= (size_t)ch ? prev[x - ch] : 0;

			if (ft == 1)
				line[x] += a;
			else if (ft == 2)
				line[x] += b;
			else if (ft == 3)
				line[x] += (a + b) / 2;
			else if (ft == 4)
				line[x] += paeth(a, b, c);
		}
		for (x = 0; x < w; x++) {
			const unsigned char *px = line + x * ch;
			int cc = ch >= 3 ? 3 : 1;
			uint32_t rgb = cc == 3 ? (uint32_t)px[0] << 16 | px[1] << 8 | px[2] : px[0];
			double v = cc == 3 ? (px[0] + px[1] + px[2]) / 3.0 : px[0];

			n++;
			s += v;
			s2 += v * v;
			for (k = 0; k < nc && colours[k] != rgb; k++)
				;
			if (k == nc && nc < MAX_COLOURS)
				colours[nc++] = rgb;
		}
		prev = line;
	}
	mean = s / n;
	sd = sqrt(fmax(0, s2 / n - mean * mean));
	printf("%ux%u luminance mean %.1f sd %.1f colours %zu%s\n", w, h, mean, sd, nc,
	       nc == MAX_COLOURS ? "+" : "");
	return sd >= 5 && nc >= 8 ? 0 : 1;
}
