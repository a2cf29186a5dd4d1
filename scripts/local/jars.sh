#!/usr/bin/env bash
# Resolve and cache the extra Spark jars (Delta Lake + Kafka connector) under .local/spark/.
#
#   scripts/local/jars.sh           resolve if local/spark/pom.xml or pyspark changed; else no-op
#   scripts/local/jars.sh --force   resolve again
#
# Output:
#   .local/spark/jars/*.jar   the jars (no duplicates of what pyspark/jars already has)
#   .local/spark/jars.txt     one line, comma-separated absolute paths, for --jars / spark.jars
# Prints the path of jars.txt on stdout.
#
# How: maven-dependency-plugin lists the transitive runtime closure of local/spark/pom.xml
# (resolved into ~/.m2, or $LAKEMESH_M2_REPO), then every jar whose artifactId is already in the
# venv's pyspark/jars is dropped: Spark's own copies (scala-library 2.13.18, jackson 2.21,
# hadoop-client 3.5, parquet 1.17, log4j 2.25, ...) sit on the JVM's system classpath and win
# anyway, and older duplicates from Delta's POM (jackson 2.13.5, parquet 1.16, ...) would only
# add risk. Once ~/.m2 is warm, this runs without network (LAKEMESH_MVN_OFFLINE=1 forces -o).
# shellcheck source=scripts/local/_lib.sh
source "$(dirname "$0")/_lib.sh"
set -eu

POM="$LAKEMESH_ROOT/local/spark/pom.xml"
OUT="$LAKEMESH_LOCAL/spark"
JARS="$OUT/jars"
LIST="$OUT/jars.txt"
STAMP="$OUT/.lakemesh-stamp"

VENV="$("$LAKEMESH_ROOT/scripts/local/venv.sh")"
PY="$VENV/bin/python"
# Where pyspark's jars are and its version, without importing it (an import takes seconds on a busy machine).
read -r PYSPARK_JARS PYSPARK_VERSION < <("$PY" -c '
import importlib.metadata, importlib.util, os
print(os.path.join(importlib.util.find_spec("pyspark").submodule_search_locations[0], "jars"), importlib.metadata.version("pyspark"))')
[[ -d "$PYSPARK_JARS" ]] || lm_die "no jars folder in the pyspark install: $PYSPARK_JARS"

want="$(lm_sha "$POM")-$PYSPARK_VERSION"
if [[ "${1:-}" != "--force" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" && -s "$LIST" ]]; then
  # Cheap integrity check: every listed jar still exists.
  ok=1
  IFS=',' read -r -a listed <"$LIST"
  for j in "${listed[@]}"; do [[ -f "$j" ]] || { ok=0; break; }; done
  if (( ok )); then echo "$LIST"; exit 0; fi
fi

lm_need_java17
t0="$(lm_now)"
mkdir -p "$OUT"
rm -rf "$JARS" "$LIST" "$STAMP"
mkdir -p "$JARS"
resolved="$OUT/resolved.txt"
lm_log "resolving $(basename "$(dirname "$POM")")/pom.xml (Delta + spark-sql-kafka) with Maven"
# Absolute -DoutputFile: a relative one is taken relative to the POM's folder, not $PWD.
lm_mvn -f "$POM" dependency:list -DincludeScope=runtime -DoutputAbsoluteArtifactFilename=true \
  -DoutputFile="$resolved" \
  || lm_die "Maven could not resolve $POM (network to Maven Central, or a version that is not published?)"

"$PY" - "$resolved" "$PYSPARK_JARS" "$JARS" "$LIST" <<'EOF'
import os, re, shutil, sys
resolved, pyspark_jars, out_dir, list_file = sys.argv[1:5]
have = os.listdir(pyspark_jars)
kept, dropped = [], []
for line in open(resolved):
    line = line.strip().split(" -- ")[0]          # strip " -- module foo (auto)"
    parts = line.split(":")
    if len(parts) < 6 or not parts[-1].endswith(".jar"):
        continue
    artifact, path = parts[1], parts[-1]
    pat = re.compile(re.escape(artifact) + r"-\d.*\.jar$")
    dup = [h for h in have if pat.match(h)]
    if dup:
        dropped.append(f"{os.path.basename(path)} (spark has {dup[0]})")
    else:
        dst = os.path.join(out_dir, os.path.basename(path))
        shutil.copy2(path, dst)
        kept.append(dst)
if not any("delta-spark" in k for k in kept) or not any("spark-sql-kafka" in k for k in kept):
    sys.exit(f"resolution looks wrong, kept: {kept}")
with open(list_file, "w") as f:
    f.write(",".join(sorted(kept)) + "\n")
print(f"kept {len(kept)} jars:", *sorted(os.path.basename(k) for k in kept), sep="\n  ", file=sys.stderr)
print(f"dropped {len(dropped)} already in pyspark/jars:", *sorted(dropped), sep="\n  ", file=sys.stderr)
EOF
echo "$want" >"$STAMP"
lm_log "Spark extra jars ready in $(lm_since "$t0") s -> $JARS"
echo "$LIST"
