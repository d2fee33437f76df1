read -r n
read -r s
t=${s//[^T]/}
t=${#t}
a=$((n - t))
if [ "$t" -ne "$a" ]; then
  if [ "$t" -gt "$a" ]; then echo T; else echo A; fi
elif [ "${s: -1}" = T ]; then
  echo A
else
  echo T
fi
