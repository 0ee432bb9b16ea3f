#!/bin/sh
# install.sh: `make install` into a temporary PREFIX gives a working installation, and `make
# uninstall` removes every file of it:
# - an application compiles and links with `cc app.c $(pkg-config --cflags --libs themis)`
#   (no --static) against the installed libraries, and runs;
# - the installed themis-sim runs an installed scenario and the installed figures.sh draws
#   its figures;
# - every flag each installed program's --help names is in its man page, and each man page
#   has ENVIRONMENT and EXAMPLES sections.
BUILD=${1:-build}
fail() { echo "FAIL install: $*"; exit 1; }
W=$(mktemp -d /tmp/themis-install.XXXXXX)
trap 'rm -rf "$W"' EXIT INT TERM
P=$W/prefix
make --no-print-directory BUILD="$BUILD" PREFIX="$P" install >"$W/install.log" 2>&1 ||
	{ tail -5 "$W/install.log"; fail "make install"; }

# an embedding application, linked only through pkg-config
cat >"$W/app.c" <<'APP'
#include <stdio.h>
#include <string.h>
#include <themis.h>
#include <themis_embed.h>

static void fixed(void *ctx, unsigned char *b, size_t n) { (void)ctx; memset(b, 7, n); }

int main(void)
{
	themis_config c;
	themis_node *n;
	char hex[65], err[256];

	themis_config_default(&c);
	c.network = "pc";
	memset(c.seed, 1, sizeof c.seed);
	c.rand = fixed;
	c.self.family = 4;
	c.self.port = 1;
	if (themis_node_new(&n, &c) != 0)
		return 1;
	printf("%s %s\n", THEMIS_VERSION, themis_hex(themis_node_id(n), 8, hex));
	themis_node_del(n);
	/* the embedding library too: a bad listen address is refused with a message */
	if (themis_service_start("pc", "nonsense", NULL, 0, "/nonexistent/key", err, sizeof err))
		return 1;
	return 0;
}
APP
extra=""
nm "$P/lib/libthemis.a" 2>/dev/null | grep -q __asan && extra="-fsanitize=address,undefined"
flags=$(PKG_CONFIG_PATH=$P/lib/pkgconfig pkg-config --cflags --libs themis) || fail "pkg-config themis"
${CC:-cc} $extra "$W/app.c" $flags -o "$W/app" 2>"$W/cc.log" || { cat "$W/cc.log"; fail "cc app.c \$(pkg-config --cflags --libs themis)"; }
"$W/app" >"$W/app.out" || fail "the embedding application failed"
grep -q "^0\.[0-9.]* [0-9a-f]\{16\}$" "$W/app.out" || fail "app printed: $(cat "$W/app.out")"
echo "ok   install: cc app.c \$(pkg-config --cflags --libs themis) links and runs"

# the installed simulator, scenario and figures
"$P/bin/themis-sim" "$P/share/themis/scenarios/teaching/ping.ini" --db "$W/r.db" --quiet ||
	fail "installed themis-sim on the installed ping.ini"
sh "$P/share/themis/analysis/figures.sh" "$W/r.db" "$W/fig" >"$W/fig.log" 2>&1 ||
	{ tail -5 "$W/fig.log"; fail "installed figures.sh"; }
ls "$W"/fig/*.png >/dev/null 2>&1 || fail "installed figures.sh drew no figure: $(tail -3 "$W/fig.log")"
[ -f "$P/share/doc/themis/cli.md" ] && [ -f "$P/share/themis/scenarios/README.md" ] || fail "docs not installed"
echo "ok   install: the installed themis-sim ran an installed scenario; figures.sh drew $(ls "$W"/fig/*.png | wc -l) figure(s)"

# man pages: every flag of --help, and the sections
for prog in themis:1 themisd:8 themis-sim:1; do
	name=${prog%:*}
	page=$P/share/man/man${prog#*:}/$name.${prog#*:}
	sed 's/\\-/-/g; s/\\f[BIRP]//g' "$page" >"$W/page"
	for flag in $("$P/bin/$name" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		grep -q -- "$flag\b" "$W/page" || fail "$name --help names $flag, its man page does not"
	done
	for sec in ENVIRONMENT EXAMPLES; do
		grep -q "^\.SH $sec" "$page" || fail "$name.${prog#*:} has no $sec section"
	done
done
echo "ok   install: every flag of themis, themisd and themis-sim --help is in its man page; ENVIRONMENT and EXAMPLES"

make --no-print-directory BUILD="$BUILD" PREFIX="$P" uninstall >"$W/uninstall.log" 2>&1 || fail "make uninstall"
left=$(find "$P" -type f | head -5)
[ -z "$left" ] || fail "make uninstall left: $left"
[ ! -e "$P/share/themis" ] && [ ! -e "$P/share/doc/themis" ] || fail "make uninstall left share/themis or share/doc/themis"
echo "ok   install: make uninstall removed every installed file"
