#!/usr/bin/env bash
# Style checks (STYLE.md rule 14): the committed .clang-format, banned functions
# outside their wrappers, and no // comments in C sources. One test per check.
set -u
cd "$(dirname "$0")/.."
pass=0
fail=0
check() {
    local name=$1; shift
    if "$@"; then
        pass=$((pass + 1))
    else
        echo "FAIL style: $name"
        fail=$((fail + 1))
    fi
}
files=$(git ls-files '*.c' '*.h' '*.cpp' 2>/dev/null || find src include tests bench examples tools -name '*.[ch]')
if command -v clang-format >/dev/null 2>&1; then
    # shellcheck disable=SC2086
    check clang-format clang-format --dry-run -Werror $files
fi
engine=$(echo "$files" | grep -E '^(src|include)/' | grep -v '^src/common/banned.h$')
# shellcheck disable=SC2086
check "no // comments in the engine" sh -c '! grep -nE "^[^\"]*(^|[^:])//" '"$(echo $engine)"
# Every header compiles on its own (STYLE.md rule 3): public ones alone, internal ones after
# the setup header that every .c includes first.
headers_alone() {
    local h ok=0 cc=${CC:-cc}
    for h in include/securescore/*.h; do
        echo "#include \"${h#include/}\"" |
            "$cc" -std=c11 -Wall -Wextra -Werror -Iinclude -Isrc -fsyntax-only -x c - || ok=1
    done
    for h in src/*/*.h; do
        printf '#include "common/setup.h"\n#include "%s"\n' "${h#src/}" |
            "$cc" -std=c11 -Wall -Wextra -Werror -Iinclude -Isrc -fsyntax-only -x c - || ok=1
    done
    return $ok
}
check "every header compiles on its own" headers_alone
echo "style: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
