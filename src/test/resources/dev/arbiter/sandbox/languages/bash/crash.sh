echo "no winner" >&2
exit 3
