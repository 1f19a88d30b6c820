// SPDX-License-Identifier: GPL-2.0
/*
 * The style sheet of report.html and index.html.  Side colours are those
 * of scripts/plots/common.gp (A blue, B orange, ...).
 */
#include "report/html_style.h"

const char html_style[] =
	"body { font-family: sans-serif; font-size: 14px; margin: 1em 2em; color: #222; max-width: 1400px; }\n"
	"h1 { font-size: 1.5em; } h2 { font-size: 1.25em; border-bottom: 1px solid #ccc; margin-top: 1.5em; }\n"
	"h4 { margin: 1em 0 0.3em; }\n"
	"table { border-collapse: collapse; margin: 0.5em 0; }\n"
	"th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; vertical-align: top; }\n"
	"th { background: #f0f0f0; }\n"
	"td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }\n"
	".mono, pre, code { font-family: monospace; }\n"
	"pre { background: #f6f6f6; padding: 0.5em; white-space: pre-wrap; word-break: break-all; }\n"
	".worse { color: #b00000; } .better { color: #006400; } .same { color: #555; } .other { color: #7a5a00; }\n"
	"td.verdict { font-weight: bold; }\n"
	"tr.worse td.verdict { background: #fde0e0; } tr.better td.verdict { background: #e0f5e0; }\n"
	".emulated { color: #c00000; font-weight: bold; }\n"
	".loud { border: 2px solid #c00000; background: #fff0f0; padding: 0.5em; color: #900; font-weight: bold; }\n"
	".missing { color: #c00000; }\n"
	".warn { cursor: help; color: #b36b00; font-size: 1.1em; }\n"
	".note { color: #555; }\n"
	".side0 { border-left: 6px solid #1f77b4; } .side1 { border-left: 6px solid #ff7f0e; }\n"
	".side2 { border-left: 6px solid #2ca02c; } .side3 { border-left: 6px solid #9467bd; }\n"
	".side4 { border-left: 6px solid #8c564b; } .side5 { border-left: 6px solid #e377c2; }\n"
	".side6 { border-left: 6px solid #7f7f7f; } .side7 { border-left: 6px solid #17becf; }\n"
	"figure.plot { margin: 0.5em 0; }\n"
	"figure.plot svg { max-width: 100%; height: auto; display: block; }\n"
	"figcaption { color: #555; font-size: 0.9em; }\n"
	"details { border: 1px solid #ddd; margin: 0.4em 0; padding: 0.3em 0.6em; }\n"
	"summary { cursor: pointer; }\n"
	".result { font-weight: bold; font-size: 1.1em; }\n";
