#!/usr/bin/env bash
# Regenerate asconsole/venues/mexc/pb/ from proto/mexc/*.proto.
#
# Needs grpcio-tools (a build tool only; the runtime needs just `protobuf`):
#   python -m pip install 'grpcio-tools==1.85.1'
# The generated code checks at import that the protobuf runtime is at least the
# version it was generated for; if you regenerate with a newer grpcio-tools, raise
# the `protobuf>=` bound in pyproject.toml to the version printed below.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python}
out=asconsole/venues/mexc/pb
"$python" -m grpc_tools.protoc -I proto/mexc --python_out="$out" --pyi_out="$out" proto/mexc/*.proto
grep -h "^# Protobuf Python Version" "$out"/*_pb2.py | sort -u
