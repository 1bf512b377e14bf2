#!/usr/bin/env bash
# Builds fuzz/corpus-run/, the working corpus: every fixture .py file (the committed
# fixtures are the seeds, not copies of them) plus the regression seeds in corpus/rewrite/.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus-run
cp corpus/rewrite/* corpus-run/
find ../fixtures -type f -name '*.py' -print0 | while IFS= read -r -d '' file; do
    relative=${file#../fixtures/}
    cp "$file" "corpus-run/${relative//\//__}"
done
echo "corpus-run: $(ls corpus-run | wc -l) seeds"
