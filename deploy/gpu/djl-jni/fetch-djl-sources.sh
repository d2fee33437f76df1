#!/usr/bin/env bash
# Fetches, into native/, the DJL C++ sources this JNI build compiles beside our own files: DJL's public
# engines/pytorch/pytorch-native sources at the commits the GPU check was built from (README.md).
# Needs network (run it where there is some, then carry the folder). They are DJL's (Apache-2.0)
# and are never committed here.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
base=https://raw.githubusercontent.com/deepjavalibrary/djl
dir=engines/pytorch/pytorch-native/src/main/native
files=(
  "029150d8a0995d48929637e528453a02a6727cef api/src/main/native/djl/utils.h djl/utils.h"
  "7bd6594e5bf629558839854d5307099d082f33fe $dir/djl_pytorch_utils.h"
  "5ffc373fe2737f225c78652a5c09de07e6e9a8c8 $dir/djl_pytorch_jni_exception.h"
  "45d3e0841f6a48317c9bbc9e65f7112a355cec14 $dir/djl_pytorch_jni_log.h"
  "49c2711f5604a63bf76ba56649c6605ddafe34f8 $dir/ai_djl_pytorch_jni_PyTorchLibrary_optim.cc"
  "45d3e0841f6a48317c9bbc9e65f7112a355cec14 $dir/ai_djl_pytorch_jni_PyTorchLibrary_torch_comparison.cc"
  "491ccbb56e11590bd289e882d9926440b8e1b413 $dir/ai_djl_pytorch_jni_PyTorchLibrary_inference.cc"
  "8bdc97694f6bdda56050550c5cda2823dcceee9a $dir/ai_djl_pytorch_jni_PyTorchLibrary_ivalue.cc"
  "45d3e0841f6a48317c9bbc9e65f7112a355cec14 $dir/ai_djl_pytorch_jni_PyTorchLibrary_nn_functional.cc"
  "e527945fdc814cef08b63feb03335665b0ac1f91 $dir/ai_djl_pytorch_jni_PyTorchLibrary_system.cc"
  "11ae340d15060a574cb405e9a7adee8732ca2320 $dir/ai_djl_pytorch_jni_PyTorchLibrary_tensor.cc"
  "bdc18a630905c8644e53aba0b488c06d6ea7b640 $dir/ai_djl_pytorch_jni_PyTorchLibrary_torch_creation.cc"
  "bd305b165f6737358271d37bc2be01999d545a2b $dir/ai_djl_pytorch_jni_PyTorchLibrary_torch_isjm.cc"
  "bdc18a630905c8644e53aba0b488c06d6ea7b640 $dir/ai_djl_pytorch_jni_PyTorchLibrary_torch_other.cc"
  "03bf47bebcdd22ef07ecf057ea7dd95023764780 $dir/ai_djl_pytorch_jni_PyTorchLibrary_torch_pointwise.cc"
  "e849ac6be64a2365017196c74013b32578cae29a $dir/ai_djl_pytorch_jni_PyTorchLibrary_torch_random_sampling.cc"
  "9f558b50fc092626c9a7031c39ca46798f267d9f $dir/ai_djl_pytorch_jni_PyTorchLibrary_torch_reduction.cc"
)
for f in "${files[@]}"; do
  read -r commit path name <<<"$f"
  name=${name:-$(basename "$path")}
  mkdir -p "$here/native/$(dirname "$name")"
  curl -fsSL "$base/$commit/$path" -o "$here/native/$name" || { echo "fetch-djl-sources: could not fetch $path at $commit" >&2; exit 1; }
done
echo "fetch-djl-sources: ${#files[@]} files in $here/native; now generate the JNI header (README.md) and run build-on-device.sh"
