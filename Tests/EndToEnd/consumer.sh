#!/usr/bin/env bash
# A package of a user's own that depends on this repository by version, as `.package(url:from:)` does: a clone of
# the current commit, tagged with the command's version, reached through a file:// git URL. It must build with
# warnings as errors in its own code and run (a model of its own trains on the public API).
#
#     Tests/EndToEnd/consumer.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
version="$(grep -m1 -oE 'current = "[0-9]+\.[0-9]+\.[0-9]+"' Sources/AutobwTrainer/Session/AutobwVersion.swift | cut -d'"' -f2)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git clone -q . "$work/autobw"
git -C "$work/autobw" tag "$version"
mkdir -p "$work/consumer"
cp -R Tests/Consumer/Sources "$work/consumer/"
sed -e "s|AUTOBW_URL|file://$work/autobw|" -e "s|AUTOBW_VERSION|$version|" Tests/Consumer/Package.swift.template \
    > "$work/consumer/Package.swift"
cd "$work/consumer"
if ! swift build -Xswiftc -warnings-as-errors > "$work/build.log" 2>&1; then
    echo "consumer: a package depending on autobw $version by URL does not build (log below)" >&2
    cat "$work/build.log" >&2
    exit 1
fi
# $CONSUMER_LOGS, when set, keeps the run logs it writes (scripts/test validates them against the schema).
"$(swift build --show-bin-path)/Consumer" ${CONSUMER_LOGS:+"$CONSUMER_LOGS"} >&2 || { echo "consumer: it failed" >&2; exit 1; }
# The binary stays beside the logs, for tui.sh to open its model in the UI.
[ -z "${CONSUMER_LOGS:-}" ] || cp "$(swift build --show-bin-path)/Consumer" "$CONSUMER_LOGS/consumer"
echo "consumer: a package of its own builds against autobw $version (from: \"$version\", file:// git URL) and trains" >&2
